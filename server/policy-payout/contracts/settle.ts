import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { setAdd } from '../bucketSet.ts';
import { checkSealedTo } from '../deptSeal.ts';
import { loadLedger, move, saveLedger } from '../budget/ledger.ts';
import type { AwardRecord, LedgerRecord } from '../records.ts';
import { PayoutSettle } from '../schema.ts';
import { parseEndToEndId, pk } from '../stateKeys.ts';
import { payoutConfig } from '../config.ts';
import { byOf, emitRecords, loadPolicy, note, requireFinance } from './common.ts';

/**
 * The finance office records the bank's answer for payments of a run: settled (paid, for good) or
 * failed (the money goes back to be retried under a new end-to-end id). All or nothing: an item
 * for an award that is already settled, an attempt that is not the award's current one, or an id
 * given twice refuses the whole batch, so a bank statement read twice never pays anyone twice.
 * The bank's reference and reason arrive sealed to the finance office and the policy's department;
 * only their recipients are checked, and the award's history notes the id, never the reason.
 */
export const payoutSettle = defineContract({
  kind: 'payout.settle',
  payload: PayoutSettle,
  roles: ['finance'],
  async apply(ctx, state, p) {
    requireFinance(ctx);
    const ids = p.results.map((r) => r.endToEndId);
    if (new Set(ids).size !== ids.length) reject('DUPLICATE_ITEM', 'the same end-to-end id appears twice in one statement');
    const by = byOf(ctx);
    const ledgers = new Map<string, LedgerRecord>();
    const records: string[] = [];
    let settled = 0;
    let failed = 0;
    for (const r of p.results) {
      const ref = parseEndToEndId(r.endToEndId);
      const award = ref ? await state.get<AwardRecord>(pk.award(ref.award)) : undefined;
      const pay = award?.payments.find((x) => x.endToEndId === r.endToEndId);
      if (!award || !pay) reject('UNKNOWN_PAYMENT', `no payment ${r.endToEndId}`, 404, { endToEndId: r.endToEndId });
      if (pay.run !== p.run) reject('WRONG_RUN', `payment ${r.endToEndId} belongs to run ${pay.run}, not ${p.run}`, 409, { endToEndId: r.endToEndId });
      if (award.status === 'paid') reject('ALREADY_SETTLED', `award ${award.id} is already paid (${award.paid?.endToEndId}); it is never paid twice`, 409, { endToEndId: r.endToEndId, award: award.id });
      if (pay.status !== 'sent') reject('ALREADY_RECORDED', `payment ${r.endToEndId} was already recorded as ${pay.status}`, 409, { endToEndId: r.endToEndId });
      if (award.current !== pay.endToEndId || award.status !== 'paying') reject('STALE_ATTEMPT', `payment ${r.endToEndId} is not the award's attempt in flight`, 409, { endToEndId: r.endToEndId });
      // the books are the policy line's (see ledger.ts): two versions' awards in one statement share them
      const { lineage } = await loadPolicy(state, award.policy);
      const to = [payoutConfig(ctx.genesis).financeDept, award.dept];
      if (r.bankRef) await checkSealedTo(state, r.bankRef, to, `the bank reference of ${r.endToEndId}`, 'the finance office and the policy\'s department');
      if (r.reason) await checkSealedTo(state, r.reason, to, `the reason of ${r.endToEndId}`, 'the finance office and the policy\'s department');
      const ledger = ledgers.get(lineage) ?? (await loadLedger(state, { lineage }));
      Object.assign(pay, { status: r.outcome, ...(r.bankRef ? { bankRef: r.bankRef } : {}), ...(r.reason ? { reason: r.reason } : {}), recordedAt: ctx.time, recordedBy: by, txId: ctx.txId });
      if (r.outcome === 'settled') {
        ledgers.set(lineage, move(ledger, award.amountFen, 'reserved', 'paid'));
        award.status = 'paid';
        award.paid = { endToEndId: pay.endToEndId, ...(r.bankRef ? { bankRef: r.bankRef } : {}), time: ctx.time, txId: ctx.txId };
        settled++;
      } else {
        ledgers.set(lineage, move(ledger, award.amountFen, 'reserved', 'failed'));
        award.status = 'failed';
        await setAdd(state, pk.stage(award.policy, 'failed'), award.id);
        failed++;
      }
      award.history.push(note(ctx, r.outcome, { amountFen: award.amountFen, note: pay.endToEndId }));
      state.put(pk.award(award.id), award);
      records.push(pk.award(award.id));
    }
    for (const l of ledgers.values()) {
      saveLedger(state, l);
      records.push(pk.ledger(l.policy));
    }
    emitRecords(ctx, 'payout.settled', { run: p.run, settled, failed }, records);
  },
});
