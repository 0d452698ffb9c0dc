import type { TxContext } from '../../chain/contract.ts';
import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { setAddMany, setList, setRemoveMany } from '../bucketSet.ts';
import { loadLedger, move, saveLedger } from '../budget/ledger.ts';
import type { AwardRecord } from '../records.ts';
import { PayoutRelease } from '../schema.ts';
import { pk } from '../stateKeys.ts';
import { emitRecords, loadAward, loadPolicy, note } from './common.ts';

/** Why a published award is not payable yet at this block time, or undefined when it is. */
export function notYetPayable(a: AwardRecord, time: number): string | undefined {
  if (a.status !== 'publicised' || !a.publicity) return `status ${a.status}`;
  if (time < a.publicity.endsAt) return 'PUBLICITY_RUNNING';
  if (a.openObjections.length) return 'OPEN_OBJECTION';
  return undefined;
}

/**
 * Once an award's publication period has ended in block time with no open objection, it becomes
 * payable for exactly its published amount, reserved against the budget. Awards still in their
 * period or under objection wait. The policy department's node submits this when a period ends;
 * policy and finance officers may too.
 */
export const payoutRelease = defineContract({
  kind: 'payout.release',
  payload: PayoutRelease,
  roles: ['node', 'policy', 'finance'],
  async apply(ctx: TxContext, state, p) {
    const policy = await loadPolicy(state, p.policy);
    const ids = await setList(state, pk.stage(policy.id, 'publicised'));
    let ledger = await loadLedger(state, policy);
    const released: string[] = [];
    const waiting: Record<string, number> = {};
    for (const id of ids) {
      const a = await loadAward(state, id);
      const why = notYetPayable(a, ctx.time);
      if (why) {
        waiting[why] = (waiting[why] ?? 0) + 1;
        continue;
      }
      ledger = move(ledger, a.amountFen, 'awarded', 'reserved');
      a.status = 'payable';
      a.history.push(note(ctx, 'payable', { amountFen: a.amountFen }));
      state.put(pk.award(a.id), a);
      released.push(a.id);
    }
    if (!released.length) {
      reject('NOTHING_TO_RELEASE', `no award of ${policy.id} is payable yet (${Object.entries(waiting).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none published'})`, 409, { waiting });
    }
    saveLedger(state, ledger);
    await setRemoveMany(state, pk.stage(policy.id, 'publicised'), released);
    await setAddMany(state, pk.stage(policy.id, 'payable'), released);
    emitRecords(ctx, 'payout.released', { policy: policy.id, awards: released.length }, [pk.ledger(policy.lineage), ...released.map(pk.award)]);
  },
});
