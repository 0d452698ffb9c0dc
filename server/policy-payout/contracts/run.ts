import type { z } from 'zod';
import { defineContract, type TxContext } from '../../chain/contract.ts';
import type { StateView } from '../../chain/state.ts';
import { reject } from '../../chain/errors.ts';
import { setList, setRemoveMany } from '../bucketSet.ts';
import { payoutConfig } from '../config.ts';
import type { RunItem, RunRecord } from '../records.ts';
import { PayoutRun } from '../schema.ts';
import { endToEndId, pk, runId } from '../stateKeys.ts';
import { byOf, emitRecords, loadAward, loadPolicy, note, requireFinance } from './common.ts';

/**
 * The validity of a run without its effect: the HTTP layer refuses early with the same rule,
 * without executing (and then discarding) a run of ten thousand payments.
 */
export async function runnable(ctx: TxContext, state: StateView, p: z.infer<typeof PayoutRun>) {
  requireFinance(ctx);
  const cfg = payoutConfig(ctx.genesis);
  const policy = await loadPolicy(state, p.policy);
  const payable = await setList(state, pk.stage(policy.id, 'payable'));
  const failed = p.retryFailed ? await setList(state, pk.stage(policy.id, 'failed')) : [];
  const ids = [...payable, ...failed].sort().slice(0, cfg.maxRunAwards);
  if (!ids.length) reject('NOTHING_TO_PAY', `policy ${policy.id} has no payable${p.retryFailed ? ' or failed' : ''} awards`, 409);
  return { cfg, policy, ids, failed };
}

/**
 * One finance officer prepares a payment run: every payable award of the policy (and, asked to,
 * every failed one) is set aside in the run, out of the payable and failed lists, so however many
 * runs are prepared at once each award is in one. Nothing else moves: the budget buckets, the
 * awards' status and attempts stay as they were until a second officer approves the run
 * (runReview.ts); a rejection puts every award back where it was. Each item names the end-to-end
 * id its attempt will carry, so the reviewer sees exactly the file approval will make.
 */
export const payoutRun = defineContract({
  kind: 'payout.run',
  payload: PayoutRun,
  roles: ['finance'],
  precheck: runnable,
  async apply(ctx, state, p) {
    const { cfg, policy, ids, failed } = await runnable(ctx, state, p);
    const id = runId(ctx);
    const items: RunItem[] = [];
    let total = 0n;
    for (const awardId of ids) {
      const a = await loadAward(state, awardId);
      if (a.status !== 'payable' && a.status !== 'failed') reject('LEDGER_INCONSISTENT', `award ${a.id} is listed payable but is ${a.status}`, 500);
      a.preparedIn = id;
      a.history.push(note(ctx, 'prepared', { amountFen: a.amountFen, note: id }));
      state.put(pk.award(a.id), a);
      items.push({ award: a.id, endToEndId: endToEndId(a.id, a.attempts + 1), amountFen: a.amountFen });
      total += BigInt(a.amountFen);
    }
    await setRemoveMany(state, pk.stage(policy.id, 'payable'), ids);
    if (failed.length) await setRemoveMany(state, pk.stage(policy.id, 'failed'), ids);
    const run: RunRecord = { id, status: 'prepared', policy: policy.id, policyTitle: policy.title, debtor: cfg.debtor, items, count: items.length, totalFen: total.toString(), createdAt: ctx.time, by: byOf(ctx), txId: ctx.txId };
    state.put(pk.run(id), run);
    emitRecords(ctx, 'payout.runPrepared', { run: id, policy: policy.id, count: items.length, totalFen: run.totalFen }, [pk.run(id), ...ids.map(pk.award)]);
  },
});
