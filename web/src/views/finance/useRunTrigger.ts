import { ElMessage, ElMessageBox } from 'element-plus';
import { h } from 'vue';
import { useRouter } from 'vue-router';
import * as finance from '../../api/payout/finance.ts';
import type { AwardStatus } from '../../api/payout/financeTypes.ts';
import { useTxAction } from '../../composables/useTxAction.ts';
import { i18n } from '../../i18n/index.ts';
import { fenToYuan } from '../../money.ts';

const PAGE = 1000;

/**
 * What a run of a policy would pay now: its payable awards (and, for a retry, its failed ones),
 * counted from the server's list. The chain decides what goes in; this is for the confirmation.
 */
export async function runPreview(policy: string, retryFailed: boolean): Promise<{ count: number; totalFen: string }> {
  const statuses: AwardStatus[] = retryFailed ? ['payable', 'failed'] : ['payable'];
  let count = 0;
  let total = 0n;
  for (const status of statuses) {
    // by cursor: each page an index range from the last award seen, however many there are
    for (let after: string | null | undefined; after !== null; ) {
      const page = await finance.awards({ policy, status, limit: PAGE, ...(after ? { after } : {}) });
      for (const a of page.items) {
        count++;
        total += BigInt(a.amountFen);
      }
      after = page.next;
    }
  }
  return { count, totalFen: total.toString() };
}

/**
 * Triggers a payment run after a confirmation naming the count and the total in 元, then opens
 * the run (with the transaction's id, so its page shows what became of it).
 */
export function useRunTrigger() {
  const router = useRouter();
  const t = i18n.global.t;
  const action = useTxAction(async (policy: string, retryFailed: boolean) => {
    const r = await finance.createRun({ policy, retryFailed });
    await router.push({ name: 'fin-run', params: { id: r.run }, query: { tx: r.tx } });
    return { id: r.tx };
  });

  async function trigger(policy: { id: string; title: string }, retryFailed: boolean) {
    action.error.value = undefined;
    let preview: { count: number; totalFen: string };
    try {
      preview = await runPreview(policy.id, retryFailed);
    } catch (e) {
      action.error.value = e;
      return;
    }
    if (!preview.count) {
      ElMessage.warning(t(retryFailed ? 'fin.trigger.nothingRetry' : 'fin.trigger.nothing'));
      return;
    }
    const message = h('div', { 'data-testid': 'run-confirm' }, [
      h('p', t('fin.trigger.confirmPolicy', { title: policy.title, id: policy.id })),
      h('p', [
        t('fin.trigger.confirmCount'), ' ', h('strong', { 'data-testid': 'run-confirm-count' }, String(preview.count)), ' ', t('fin.trigger.items'), ', ',
        t('fin.trigger.confirmTotal'), ' ', h('strong', { 'data-testid': 'run-confirm-total' }, `¥${fenToYuan(preview.totalFen)}`), ' ', t('fin.yuan'),
      ]),
      h('p', { style: 'color:#909399;font-size:12px' }, t(retryFailed ? 'fin.trigger.retryNote' : 'fin.trigger.note')),
    ]);
    const ok = await ElMessageBox.confirm(message, t(retryFailed ? 'fin.trigger.retryTitle' : 'fin.trigger.title'), {
      type: 'warning', confirmButtonText: t('fin.trigger.go'), cancelButtonText: t('common.cancel'),
    }).then(() => true, () => false);
    if (ok) await action.run(policy.id, retryFailed);
  }

  return { trigger, busy: action.busy, error: action.error };
}
