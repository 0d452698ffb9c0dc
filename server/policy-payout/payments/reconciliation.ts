import { balanced } from '../budget/ledger.ts';
import { csvFile, csvLine } from '../../../shared/csv.ts';
import { yuan } from '../money.ts';
import type { PaymentRow, Reconciliation } from '../../../shared/wire/payout.ts';
import type { Sealed } from '../../chain/sealing/envelope.ts';
import type { AwardRecord, AwardView, LedgerRecord, PolicyRecord } from '../records.ts';

export type { Reconciliation };

/** Which ledger bucket an award's amount sits in, by its status. */
const BUCKET: Record<AwardRecord['status'], keyof LedgerRecord | null> = {
  approved: 'awardedFen',
  publicised: 'awardedFen',
  withdrawn: null,
  payable: 'reservedFen',
  paying: 'reservedFen',
  failed: 'failedFen',
  paid: 'paidFen',
};


/** An award as the read model keeps it (bank reference opened) or as state holds it (sealed: not shown). */
export type ReconciledAward = Omit<AwardView, 'payee' | 'payments' | 'paid'> & { paid?: { bankRef?: string | Sealed; time: number } };

/**
 * Per policy line (every version shares the first version's books): the ledger, checked two ways (its buckets add up to the budget; and each bucket
 * equals the sum of the awards in the matching status), with every award and payment attempt.
 */
export function reconcile(p: PolicyRecord, ledger: LedgerRecord, awards: ReconciledAward[], payments: PaymentRow[], asOf: { height: number; time: number }): Reconciliation {
  const sums = { awardedFen: 0n, reservedFen: 0n, failedFen: 0n, paidFen: 0n };
  for (const a of awards) {
    const b = BUCKET[a.status] as keyof typeof sums | null;
    if (b) sums[b] += BigInt(a.amountFen);
  }
  const fromAwards = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v.toString()])) as Reconciliation['fromAwards'];
  return {
    policy: p.id,
    title: p.title,
    asOf,
    ledger,
    balanced: balanced(ledger),
    matchesAwards: (Object.keys(sums) as (keyof typeof sums)[]).every((k) => fromAwards[k] === ledger[k]),
    fromAwards,
    awards: awards.map((a) => ({ award: a.id, code: a.code, name: a.enterpriseName, amountFen: a.amountFen, status: a.status, attempts: a.attempts, endToEndId: a.current ?? null, bankRef: typeof a.paid?.bankRef === 'string' ? a.paid.bankRef : null, paidAt: a.paid?.time ?? null })),
    payments,
  };
}

/** The same report as CSV (UTF-8 with BOM for spreadsheet programs): totals first, then one line per award. */
export function reconciliationCsv(r: Reconciliation): string {
  const l = r.ledger;
  const lines = [
    ['policy', 'title', 'height', 'budget', 'awarded', 'reserved', 'failed', 'paid', 'remaining', 'balanced', 'matchesAwards'].join(','),
    csvLine([r.policy, r.title, r.asOf.height, yuan(l.budgetFen), yuan(l.awardedFen), yuan(l.reservedFen), yuan(l.failedFen), yuan(l.paidFen), yuan(l.remainingFen), r.balanced, r.matchesAwards]),
    '',
    ['award', 'code', 'name', 'amountFen', 'amountYuan', 'status', 'attempts', 'endToEndId', 'bankRef', 'paidAt'].join(','),
    ...r.awards.map((a) => csvLine([a.award, a.code, a.name, a.amountFen, yuan(a.amountFen), a.status, a.attempts, a.endToEndId, a.bankRef, a.paidAt ? new Date(a.paidAt).toISOString() : ''])),
  ];
  return csvFile(lines);
}
