import { ElMessage } from 'element-plus';
import { ref } from 'vue';
import * as chain from '../api/chain/index.ts';
import type { SubmitResult } from '../api/chain/types.ts';
import { errorMessage } from '../errors.ts';
import { receiptNo } from '../format.ts';
import { i18n } from '../i18n/index.ts';

/** The block height of a transaction the server has committed (staff actions answer once it is), for its receipt number. */
async function heightOf(r: SubmitResult): Promise<number | undefined> {
  if (r.receipt) return r.receipt.height;
  try {
    const found = await chain.txWhenCommitted(r.id);
    return 'pending' in found ? undefined : found.height;
  } catch {
    return undefined; // the receipt number then names the transaction alone
  }
}

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
      else {
        const h = await heightOf(r);
        ElMessage.success(i18n.global.t(h === undefined ? 'receipt.sent' : 'receipt.done', { no: receiptNo(r.id, h) }));
      }
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
