import { ChainError } from '../../chain/errors.ts';

/** Order of the BN254 scalar field: every circuit signal and public input lives in [0, P). */
export const FIELD_ORDER = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Every committed figure, threshold and bound is an integer in [0, U64_LIMIT): the circuits' Num2Bits(64). */
export const U64_LIMIT = 1n << 64n;

const DECIMAL = /^(0|[1-9][0-9]*)$/;

export const isFieldElement = (x: bigint): boolean => x >= 0n && x < FIELD_ORDER;

/**
 * A field element from its canonical decimal form. Anything else (a sign, leading zeros, hex, a value >= p)
 * is refused: snarkjs would quietly reduce it mod p, so p + x would pass as x.
 */
export function parseFieldElement(s: unknown, what = 'value'): bigint {
  if (typeof s !== 'string' || s.length > 80 || !DECIMAL.test(s)) {
    throw new ChainError('ZK_NOT_FIELD_ELEMENT', `${what} is not a canonical decimal integer`);
  }
  const x = BigInt(s);
  if (x >= FIELD_ORDER) throw new ChainError('ZK_NOT_FIELD_ELEMENT', `${what} is not below the field order`);
  return x;
}

/** An integer in [0, 2^64), from a bigint, a safe integer or a decimal string. */
export function toU64(x: unknown, what = 'value'): bigint {
  let v: bigint | undefined;
  if (typeof x === 'bigint') v = x;
  else if (typeof x === 'number' && Number.isSafeInteger(x)) v = BigInt(x);
  else if (typeof x === 'string' && x.length <= 20 && DECIMAL.test(x)) v = BigInt(x);
  if (v === undefined || v < 0n || v >= U64_LIMIT) {
    throw new ChainError('ZK_OUT_OF_RANGE', `${what} must be an integer in [0, 2^64)`, { data: { what } });
  }
  return v;
}

/**
 * The query id as two public inputs: the high and low 128 bits of the 32-byte query transaction id.
 * Two limbs keep the mapping injective; one limb mod p would make ids x and x + p the same query.
 */
export function queryIdLimbs(txId: string): { queryIdHi: bigint; queryIdLo: bigint } {
  if (!/^[0-9a-f]{64}$/.test(txId)) throw new ChainError('ZK_BAD_QUERY_ID', 'query id must be a 32-byte transaction id in lowercase hex');
  return { queryIdHi: BigInt(`0x${txId.slice(0, 32)}`), queryIdLo: BigInt(`0x${txId.slice(32)}`) };
}
