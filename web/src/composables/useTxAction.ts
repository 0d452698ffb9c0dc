import { ElMessage } from 'element-plus';
import { ref } from 'vue';
import type { SubmitResult } from '../api/chain/types.ts';
import { errorMessage } from '../errors.ts';
import { shortHash } from '../format.ts';
import { i18n } from '../i18n/index.ts';

/**
 * Wraps a page action that submits a transaction, so every action reports the same way: a
 * toast saying what happened, `result` for <TxOutcome :id :receipt> (id and finality, followed
 * live), and `error` for <ErrorAlert> with the server's message. The action never throws.
 */
export function useTxAction<A extends unknown[]>(action: (...args: A) => Promise<SubmitResult>) {
  const busy = ref(false);
  const error = ref<unknown>();
  const result = ref<SubmitResult>();

  async function run(...args: A): Promise<SubmitResult | undefined> {
    busy.value = true;
    error.value = undefined;
    try {
      const r = await action(...args);
      result.value = r;
      if (r.receipt?.status === 'rejected') ElMessage.error(i18n.global.t('tx.failed', { reason: `${r.receipt.reason} (${r.receipt.code})` }));
      else ElMessage.success(`${i18n.global.t('tx.sent')} ${shortHash(r.id)}`);
      return r;
    } catch (e) {
      error.value = e;
      ElMessage.error(errorMessage(e));
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  return { run, busy, error, result };
}
