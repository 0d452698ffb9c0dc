import { ChainError } from '../server/chain/errors.ts';

/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a
 * 31-character alphabet (no I, O, S, V, Z), the last one a check character over the first 17.
 *   [0] registration authority  [1] organisation type  [2..7] administrative division (digits)
 *   [8..16] organisation code   [17] check character
 */
export const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const SHAPE = /^[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$/;

/** The check character for the first 17 characters (which must be in the alphabet). */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARS.indexOf(first17[i]) * WEIGHTS[i];
  const r = 31 - (sum % 31);
  return CREDIT_CODE_CHARS[r === 31 ? 0 : r];
}

/** Why a code is invalid, or undefined when it is valid. */
export function creditCodeProblem(code: string): string | undefined {
  if (typeof code !== 'string' || code.length !== 18) return 'a unified social credit code has 18 characters';
  if (!SHAPE.test(code)) return 'characters 1-2 and 9-18 must be digits or capital letters other than I, O, S, V, Z; characters 3-8 are the division code (digits)';
  const want = creditCodeCheckChar(code.slice(0, 17));
  if (code[17] !== want) return `check character is ${code[17]}, expected ${want}`;
  return undefined;
}

export const isValidCreditCode = (code: string): boolean => creditCodeProblem(code) === undefined;

export function assertCreditCode(code: string): void {
  const problem = creditCodeProblem(code);
  if (problem) throw new ChainError('BAD_CREDIT_CODE', `统一社会信用代码无效 / invalid credit code ${JSON.stringify(code)}: ${problem}`, { data: { code } });
}

/** Completes 17 characters with their check character (used by the demo generator and tests). */
export const withCheckChar = (first17: string): string => first17 + creditCodeCheckChar(first17);
