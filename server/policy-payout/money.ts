import { z } from 'zod';
import { ChainError } from '../chain/errors.ts';

/**
 * Money on the ledger is integer fen, carried as a decimal string and computed with BigInt, so no
 * float ever rounds a subsidy. The ceiling keeps every sum of a budget's amounts inside a signed
 * 64-bit column and inside ISO 20022's 18 total digits (16 integer yuan digits + 2 fen digits).
 */
export const MAX_FEN = 10n ** 16n - 1n;

export interface AmountProblem {
  code: string;
  message: string;
}

const HINT = 'amounts are integer fen as a decimal string, e.g. "150000" for ¥1,500.00';

/** Why a value is not an amount, with a code per kind of mistake; undefined when it is one. */
export function amountProblem(v: unknown, opts: { positive?: boolean } = {}): AmountProblem | undefined {
  if (typeof v !== 'string') return { code: 'AMOUNT_NOT_STRING', message: `${HINT}; got a ${typeof v}` };
  if (/^-/.test(v)) return { code: 'NEGATIVE_AMOUNT', message: `an amount cannot be negative (${v})` };
  if (/^[0-9]*[.,][0-9]*$/.test(v) || /e/i.test(v)) return { code: 'FRACTIONAL_AMOUNT', message: `fen are whole numbers; ${v} is not` };
  if (!/^(0|[1-9][0-9]*)$/.test(v)) return { code: 'BAD_AMOUNT', message: `${HINT}; "${v.slice(0, 40)}" is not` };
  if (v.length > 17 || BigInt(v) > MAX_FEN) return { code: 'AMOUNT_TOO_LARGE', message: `an amount may be at most ${MAX_FEN} fen` };
  if (opts.positive && v === '0') return { code: 'ZERO_AMOUNT', message: 'the amount must be more than zero' };
  return undefined;
}

const amount = (positive: boolean) =>
  z
    .unknown()
    .superRefine((v, ctx) => {
      const p = amountProblem(v, { positive });
      if (p) ctx.addIssue({ code: 'custom', message: p.message, params: { code: p.code } });
    })
    .transform((v) => v as string);

/** An amount in fen (zero allowed). */
export const Fen = amount(false);
/** An amount in fen above zero. */
export const PositiveFen = amount(true);

export const fen = (s: string): bigint => BigInt(s);
export const str = (n: bigint): string => n.toString();
export const addFen = (...xs: string[]): string => xs.reduce((s, x) => s + BigInt(x), 0n).toString();

/** ¥ with two decimals, for payment files and reports: "150000" → "1500.00". */
export function yuan(f: string | bigint): string {
  const n = BigInt(f);
  if (n < 0n) throw new ChainError('NEGATIVE_AMOUNT', 'a payment amount cannot be negative');
  const s = n.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}
