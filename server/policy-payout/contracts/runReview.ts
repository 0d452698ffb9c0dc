import { defineContract, type TxContext } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import type { StateView } from '../../chain/state.ts';
import { setAddMany } from '../bucketSet.ts';
import { loadLedger, move, saveLedger } from '../budget/ledger.ts';
import type { AwardRecord, RunRecord } from '../records.ts';
import { PayoutRunApprove, PayoutRunReject } from '../schema.ts';
import { endToEndId, pk } from '../stateKeys.ts';
import { byOf, emitRecords, loadAward, loadPolicy, note, requireFinance } from './common.ts';

/**
 * Whether the caller may decide on a prepared run: a finance officer of the finance office who is
 * not the one who prepared it (maker-checker), on a run nobody has decided yet. The HTTP layer
 * refuses early with this same rule.
 */
export async function reviewable(ctx: TxContext, state: StateView, p: { run: string }): Promise<RunRecord> {
  requireFinance(ctx);
  const run = await state.get<RunRecord>(pk.run(p.run));
  if (!run) reject('UNKNOWN_RUN', `no payment run ${p.run}`, 404);
  if (run.status !== 'prepared') reject('RUN_ALREADY_REVIEWED', `payment run ${run.id} was already ${run.status}`, 409, { status: run.status });
  if (run.by.user === ctx.actor.id && run.by.dept === ctx.actor.dept) {
    reject('RUN_SAME_APPROVER', `payment run ${run.id} was prepared by ${ctx.actor.id}; another finance officer must review it`, 403);
  }
  return run;
}

/** An award of the run, still held by it (nothing else touches an award a run holds). */
async function heldAward(state: StateView, run: RunRecord, id: string): Promise<AwardRecord> {
  const a = await loadAward(state, id);
  if (a.preparedIn !== run.id || (a.status !== 'payable' && a.status !== 'failed')) reject('LEDGER_INCONSISTENT', `award ${a.id} is not held by run ${run.id}`, 500);
  delete a.preparedIn;
  return a;
}

/**
 * The second officer approves: each award of the run starts its attempt under the end-to-end id
 * the run named (a failed award's amount goes back into the reserve first), and only now do
 * payments exist and the payment file can be made. Amounts are the awards' published ones.
 */
export const payoutRunApprove = defineContract({
  kind: 'payout.runApprove',
  payload: PayoutRunApprove,
  roles: ['finance'],
  precheck: reviewable,
  async apply(ctx, state, p) {
    const run = await reviewable(ctx, state, p);
    const policy = await loadPolicy(state, run.policy);
    let ledger = await loadLedger(state, policy);
    for (const item of run.items) {
      const a = await heldAward(state, run, item.award);
      if (a.status === 'failed') ledger = move(ledger, a.amountFen, 'failed', 'reserved');
      a.attempts += 1;
      if (item.endToEndId !== endToEndId(a.id, a.attempts) || item.amountFen !== a.amountFen) reject('LEDGER_INCONSISTENT', `award ${a.id} changed since run ${run.id} was prepared`, 500);
      a.status = 'paying';
      a.current = item.endToEndId;
      a.run = run.id;
      a.payments.push({ endToEndId: item.endToEndId, run: run.id, attempt: a.attempts, status: 'sent' });
      a.history.push(note(ctx, 'paying', { amountFen: a.amountFen, note: `${run.id} ${item.endToEndId}` }));
      state.put(pk.award(a.id), a);
    }
    saveLedger(state, ledger);
    state.put(pk.run(run.id), { ...run, status: 'approved', review: { decision: 'approve', by: byOf(ctx), time: ctx.time, txId: ctx.txId } } satisfies RunRecord);
    emitRecords(ctx, 'payout.runApproved', { run: run.id, policy: run.policy, count: run.count, totalFen: run.totalFen }, [
      pk.run(run.id),
      pk.ledger(policy.lineage),
      ...run.items.map((i) => pk.award(i.award)),
    ]);
  },
});

/** The second officer sends the run back with a reason: every award returns to the list it came from. */
export const payoutRunReject = defineContract({
  kind: 'payout.runReject',
  payload: PayoutRunReject,
  roles: ['finance'],
  precheck: reviewable,
  async apply(ctx, state, p) {
    const run = await reviewable(ctx, state, p);
    const back = { payable: [] as string[], failed: [] as string[] };
    for (const item of run.items) {
      const a = await heldAward(state, run, item.award);
      a.history.push(note(ctx, 'run-rejected', { note: run.id }));
      state.put(pk.award(a.id), a);
      back[a.status === 'failed' ? 'failed' : 'payable'].push(a.id);
    }
    for (const [queue, ids] of Object.entries(back) as ['payable' | 'failed', string[]][]) if (ids.length) await setAddMany(state, pk.stage(run.policy, queue), ids);
    state.put(pk.run(run.id), { ...run, status: 'rejected', review: { decision: 'reject', reason: p.reason, by: byOf(ctx), time: ctx.time, txId: ctx.txId } } satisfies RunRecord);
    emitRecords(ctx, 'payout.runRejected', { run: run.id, policy: run.policy }, [pk.run(run.id), ...run.items.map((i) => pk.award(i.award))]);
  },
});
