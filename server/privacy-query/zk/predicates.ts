import { z } from 'zod';
import { ChainError } from '../../chain/errors.ts';
import { unpackInterval } from './commitment.ts';
import { FIELD_ORDER, U64_LIMIT, toU64 } from './field.ts';
import type { IndexedSet } from './indexedSet.ts';

/*
 * Yes/no predicates over one committed figure, as a query carries them, and the reference evaluation the
 * circuits must agree with. The schemas enforce every bound the circuits leave to the caller; a failed
 * bound becomes a ChainError whose code is carried in the issue's params.
 */

const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const integer = z.union([z.string().regex(INTEGER), z.number().int(), z.bigint()]).transform((x) => BigInt(x));

/** An integer in [0, 2^64): a threshold or bound of the circuits' 64-bit comparators. */
const u64 = integer.refine((v) => v >= 0n && v < U64_LIMIT, { message: 'must be an integer in [0, 2^64)', params: { code: 'ZK_OUT_OF_RANGE' } });

/** A calendar day as yyyymmdd, so that integer order is date order. */
export function isCalendarDay(yyyymmdd: bigint): boolean {
  if (yyyymmdd < 10000101n || yyyymmdd > 99991231n) return false;
  const n = Number(yyyymmdd);
  const [y, m, d] = [Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}
const day = integer.refine(isCalendarDay, { message: 'must be a calendar day as yyyymmdd', params: { code: 'ZK_BAD_DATE' } });

/** A set root: a canonical decimal field element (snarkjs would reduce a larger one mod p). */
const root = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/)
  .transform((s) => BigInt(s))
  .refine((v) => v < FIELD_ORDER, { message: 'must be below the field order', params: { code: 'ZK_NOT_FIELD_ELEMENT' } });

export const Predicate = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('gte'), params: z.strictObject({ threshold: u64 }) }),
  z.object({ kind: z.literal('lte'), params: z.strictObject({ threshold: u64 }) }),
  z.object({
    kind: z.literal('range'),
    params: z
      .strictObject({ lower: u64, upper: u64 })
      .refine((p) => p.lower <= p.upper, { message: 'lower must not exceed upper', params: { code: 'ZK_BAD_RANGE' } }),
  }),
  z.object({ kind: z.literal('eq'), params: z.strictObject({ target: u64 }) }),
  z.object({ kind: z.literal('dateValid'), params: z.strictObject({ date: day }) }),
  z.object({ kind: z.literal('inSet'), params: z.strictObject({ setRoot: root }) }),
  z.object({ kind: z.literal('notInSet'), params: z.strictObject({ setRoot: root }) }),
]);
/** A checked predicate: every parameter is a bigint within the circuit's bounds. */
export type Predicate = z.output<typeof Predicate>;
/** A predicate as it arrives in a transaction (integers as decimal strings or numbers). */
export type PredicateInput = z.input<typeof Predicate>;

export function parsePredicate(input: unknown): Predicate {
  const r = Predicate.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const code = (issue.code === 'custom' && (issue.params?.code as string | undefined)) || 'ZK_BAD_PREDICATE';
  throw new ChainError(code, `predicate ${issue.path.join('.') || ''}: ${issue.message}`.replace(' :', ':'), { data: { issues: r.error.issues } });
}

/**
 * The reference answer. `value` is the committed figure (for dateValid, the packed validity interval);
 * set predicates need the set itself, and it must be the one the query names.
 */
export function evaluate(predicate: Predicate, value: bigint, set?: IndexedSet): boolean {
  const v = toU64(value, 'value');
  switch (predicate.kind) {
    case 'gte':
      return v >= predicate.params.threshold;
    case 'lte':
      return v <= predicate.params.threshold;
    case 'range':
      return predicate.params.lower <= v && v <= predicate.params.upper;
    case 'eq':
      return v === predicate.params.target;
    case 'dateValid': {
      const { validFrom, validTo } = unpackInterval(v);
      const date = Number(predicate.params.date);
      return validFrom <= date && date <= validTo;
    }
    case 'inSet':
    case 'notInSet': {
      if (!set || set.root !== predicate.params.setRoot) throw new ChainError('ZK_SET_MISMATCH', 'the set does not have the root the query names');
      return set.has(v) === (predicate.kind === 'inSet');
    }
  }
}
