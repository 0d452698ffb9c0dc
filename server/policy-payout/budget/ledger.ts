import { reject } from '../../chain/errors.ts';
import type { StateView } from '../../chain/state.ts';
import type { LedgerRecord } from '../records.ts';
import { pk } from '../stateKeys.ts';

export type Bucket = 'awarded' | 'reserved' | 'failed' | 'paid' | 'remaining';
const field = (b: Bucket) => `${b}Fen` as const;

export const emptyLedger = (policy: string, budgetFen: string): LedgerRecord => ({
  policy,
  budgetFen,
  awardedFen: '0',
  reservedFen: '0',
  failedFen: '0',
  paidFen: '0',
  remainingFen: budgetFen,
});

/** The books balance: every fen of the budget in one bucket, none negative. */
export function balanced(l: LedgerRecord): boolean {
  const parts = [l.awardedFen, l.reservedFen, l.failedFen, l.paidFen, l.remainingFen].map(BigInt);
  return parts.every((p) => p >= 0n) && parts.reduce((a, b) => a + b, 0n) === BigInt(l.budgetFen);
}

/**
 * The books of a policy line: every version of a policy draws on its first version's ledger, so a
 * new version cannot bring a second budget (awards under the old terms and the new share one).
 */
export async function loadLedger(state: StateView, policy: { lineage: string }): Promise<LedgerRecord> {
  const l = await state.get<LedgerRecord>(pk.ledger(policy.lineage));
  if (!l) reject('UNKNOWN_POLICY', `no policy ${policy.lineage}`, 404);
  return l;
}

/** What the line has spoken for: every fen awarded, reserved, failed (held for a retry) or paid. */
export const committedFen = (l: LedgerRecord): bigint => BigInt(l.budgetFen) - BigInt(l.remainingFen);

/**
 * A new version sets the line's budget. It may raise or lower it, but never below what the line has
 * already committed, so the total of all versions' awards stays within the current budget.
 */
export function rebudget(l: LedgerRecord, budgetFen: string): LedgerRecord {
  const committed = committedFen(l);
  if (BigInt(budgetFen) < committed) {
    reject('BUDGET_BELOW_COMMITTED', `the policy line has already committed ${committed} fen; a new version's budget (${budgetFen} fen) cannot be less`, 409, { committedFen: committed.toString(), budgetFen });
  }
  const next = { ...l, budgetFen, remainingFen: (BigInt(budgetFen) - committed).toString() };
  if (!balanced(next)) reject('LEDGER_INCONSISTENT', 'the budget buckets no longer add up', 500);
  return next;
}

/**
 * Moves an amount from one bucket to another. Taking more than a bucket holds is refused; out of
 * `remaining` that is the budget limit (BUDGET_EXCEEDED), anywhere else a broken invariant.
 */
export function move(l: LedgerRecord, amountFen: string | bigint, from: Bucket, to: Bucket): LedgerRecord {
  const amt = BigInt(amountFen);
  if (amt < 0n) reject('NEGATIVE_AMOUNT', 'a ledger movement cannot be negative');
  const have = BigInt(l[field(from)]);
  if (amt > have) {
    if (from === 'remaining') {
      reject('BUDGET_EXCEEDED', `the policy has ${have} fen of its budget left; ${amt} fen do not fit`, 409, { remainingFen: have.toString(), amountFen: amt.toString() });
    }
    reject('LEDGER_INCONSISTENT', `the ${from} bucket holds ${have} fen, less than ${amt}`, 500);
  }
  const next = { ...l, [field(from)]: (have - amt).toString(), [field(to)]: (BigInt(l[field(to)]) + amt).toString() };
  if (!balanced(next)) reject('LEDGER_INCONSISTENT', 'the budget buckets no longer add up', 500);
  return next;
}

export function saveLedger(state: StateView, l: LedgerRecord): void {
  state.put(pk.ledger(l.policy), l);
}
