import { randomBytes } from 'node:crypto';
import { buildPoseidon, type Poseidon } from 'circomlibjs';
import { ChainError } from '../../chain/errors.ts';
import { FIELD_ORDER, toU64 } from './field.ts';

/**
 * Commitment layout, shared with circuits/lib/committed_value.circom:
 *   C = Poseidon(enterpriseField(code), fieldId(name), period, value, salt)     (one Poseidon, 5 inputs)
 * value and period are integers in [0, 2^64); salt is a uniform field element the holder keeps secret.
 */
export interface Opening {
  enterprise: string; // unified social credit code
  field: string; // e.g. 'tax.paid'
  period: bigint; // e.g. 2025, or 202512 for a month
  value: bigint;
  salt: bigint;
}

let poseidon: Promise<Poseidon> | undefined;

/** Poseidon over BN254 (circomlibjs, the same constants as circomlib's circuits). Built once per process. */
export async function poseidonHash(inputs: readonly bigint[]): Promise<bigint> {
  poseidon ??= buildPoseidon();
  const p = await poseidon;
  return p.F.toObject(p(inputs));
}

const CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100-2015: 18 characters of a 31-letter alphabet, the last a weighted mod-31 check character. */
export function isCreditCode(code: string): boolean {
  if (code.length !== 18) return false;
  const digits = [...code].map((c) => CODE_ALPHABET.indexOf(c));
  if (digits.some((d) => d < 0)) return false;
  const sum = CODE_WEIGHTS.reduce((acc, w, i) => acc + w * digits[i], 0);
  return digits[17] === (31 - (sum % 31)) % 31;
}

const asciiInteger = (s: string): bigint => BigInt(`0x${Buffer.from(s, 'ascii').toString('hex')}`);

/** The code's 18 ASCII bytes as a big-endian integer: < 2^144, injective, readable back from the chain. */
export function enterpriseField(code: string): bigint {
  if (!isCreditCode(code)) throw new ChainError('ZK_BAD_CREDIT_CODE', `not a unified social credit code: ${code}`);
  return asciiInteger(code);
}

const FIELD_NAME = /^[a-z][a-z0-9._-]{0,30}$/;

/** A figure's name ('tax.paid', 'hrss.insured') as its ASCII bytes: at most 31 bytes, so < 2^248 < p. */
export function fieldId(name: string): bigint {
  if (!FIELD_NAME.test(name)) throw new ChainError('ZK_BAD_FIELD', `not a figure name: ${name}`);
  return asciiInteger(name);
}

/** A uniform salt in [0, p), by rejection sampling 254-bit strings (no modulo bias). */
export function randomSalt(): bigint {
  for (;;) {
    const bytes = randomBytes(32);
    bytes[0] &= 0x3f;
    const x = BigInt(`0x${bytes.toString('hex')}`);
    if (x < FIELD_ORDER) return x;
  }
}

/**
 * A licence's validity interval as one committed figure: validFrom * 2^32 + validTo (dates as yyyymmdd).
 * circuits/date_valid.circom unpacks it with the same layout.
 */
export function packInterval(validFrom: number, validTo: number): bigint {
  for (const d of [validFrom, validTo]) {
    if (!Number.isInteger(d) || d < 0 || d >= 2 ** 32) throw new ChainError('ZK_OUT_OF_RANGE', 'a date must be an integer in [0, 2^32)');
  }
  return (BigInt(validFrom) << 32n) | BigInt(validTo);
}

export const unpackInterval = (value: bigint): { validFrom: number; validTo: number } => ({
  validFrom: Number(value >> 32n),
  validTo: Number(value & 0xffffffffn),
});

/** The commitment a holder puts on the chain; enforces the circuit's bounds first. */
export async function commit(o: Opening): Promise<bigint> {
  const period = toU64(o.period, 'period');
  const value = toU64(o.value, 'value');
  if (o.salt < 0n || o.salt >= FIELD_ORDER) throw new ChainError('ZK_NOT_FIELD_ELEMENT', 'salt must be a field element');
  return poseidonHash([enterpriseField(o.enterprise), fieldId(o.field), period, value, o.salt]);
}
