import type { z } from 'zod';
import { defineContract, type TxContext } from '../../chain/contract.ts';
import type { StateView } from '../../chain/state.ts';
import { reject } from '../../chain/errors.ts';
import { setList, setRemoveMany } from '../bucketSet.ts';
import { payoutConfig } from '../config.ts';
import { loadLedger, move, saveLedger } from '../budget/ledger.ts';
import type { RunItem, RunRecord } from '../records.ts';
import { PayoutRun } from '../schema.ts';
import { endToEndId, pk, runId } from '../stateKeys.ts';
import { byOf, emitRecords, loadAward, loadPolicy, note, requireFinance } from './common.ts';

/**
 * The finance office triggers a payment run: every payable award of the policy (and, asked to,
 * every failed one) goes into the run with a new attempt and its own end-to-end id. An award in a
 * run is no longer payable, so however many runs are triggered at once, each award is in one.
 * The payment file is made from this record and the awards' payees, the same bytes on every node.
 */
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

export const payoutRun = defineContract({
  kind: 'payout.run',
  payload: PayoutRun,
  roles: ['finance'],
  precheck: runnable,
  async apply(ctx, state, p) {
    const { cfg, policy, ids, failed } = await runnable(ctx, state, p);
    const id = runId(ctx);
    let ledger = await loadLedger(state, policy);
    const items: RunItem[] = [];
    let total = 0n;
    for (const awardId of ids) {
      const a = await loadAward(state, awardId);
      if (a.status === 'failed') ledger = move(ledger, a.amountFen, 'failed', 'reserved');
      else if (a.status !== 'payable') reject('LEDGER_INCONSISTENT', `award ${a.id} is listed payable but is ${a.status}`, 500);
      a.attempts += 1;
      const e2e = endToEndId(a.id, a.attempts);
      a.status = 'paying';
      a.current = e2e;
      a.run = id;
      a.payments.push({ endToEndId: e2e, run: id, attempt: a.attempts, status: 'sent' });
      a.history.push(note(ctx, 'paying', { amountFen: a.amountFen, note: `${id} ${e2e}` }));
      state.put(pk.award(a.id), a);
      items.push({ award: a.id, endToEndId: e2e, amountFen: a.amountFen });
      total += BigInt(a.amountFen);
    }
    await setRemoveMany(state, pk.stage(policy.id, 'payable'), ids);
    if (failed.length) await setRemoveMany(state, pk.stage(policy.id, 'failed'), ids);
    saveLedger(state, ledger);
    const run: RunRecord = { id, policy: policy.id, policyTitle: policy.title, debtor: cfg.debtor, items, count: items.length, totalFen: total.toString(), createdAt: ctx.time, by: byOf(ctx), txId: ctx.txId };
    state.put(pk.run(id), run);
    emitRecords(ctx, 'payout.runCreated', { run: id, policy: policy.id, count: items.length, totalFen: run.totalFen }, [
      pk.run(id),
      pk.ledger(policy.lineage),
      ...ids.map(pk.award),
    ]);
  },
});
