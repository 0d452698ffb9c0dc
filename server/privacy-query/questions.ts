import { z } from 'zod';

/*
 * The questions a basis allows, written without the figure's period or the asking day so one entry
 * serves every year or every application. A statute, a consent and an approval check all name their
 * questions this way; raiseQuery turns a spec into the exact predicate and day window it allows.
 * Pure calendar arithmetic (China Standard Time, UTC+8, no daylight saving): the same on every node.
 */

const DAY = 86_400_000;
const CST = 8 * 3_600_000;

const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;
const VALUE_SHAPE: Record<QuestionKind, RegExp> = {
  gte: DECIMAL,
  lte: DECIMAL,
  eq: DECIMAL,
  range: /^(0|[1-9][0-9]{0,19})-(0|[1-9][0-9]{0,19})$/,
  dateValid: /^([0-9]{8})?$/,
  inSet: /^[1-9][0-9]{0,3}[dmy]$/,
  notInSet: /^[1-9][0-9]{0,3}[dmy]$/,
};

/**
 * kind and value, as a check definition writes them:
 * - gte, lte, eq: value is the threshold (target), a decimal integer;
 * - range: value is "lower-upper";
 * - dateValid: value is the day (yyyymmdd); without one, the day the question is asked;
 * - inSet, notInSet: value is the window that ends on the as-of day, e.g. "12m", "90d", "3y".
 */
const QuestionKind = z.enum(['gte', 'lte', 'eq', 'range', 'dateValid', 'inSet', 'notInSet']);
type QuestionKind = z.infer<typeof QuestionKind>;

export const QuestionSpec = z
  .strictObject({
    kind: QuestionKind,
    value: z.string().max(41).optional(),
  })
  .refine((s) => VALUE_SHAPE[s.kind].test(s.value ?? ''), { message: 'value does not fit the kind (threshold, lower-upper, yyyymmdd or a window like 12m)' });
export type QuestionSpec = z.infer<typeof QuestionSpec>;

/** A calendar day (yyyymmdd) of a block time, in China Standard Time. */
export function cstDay(time: number): string {
  const d = new Date(Math.floor((time + CST) / DAY) * DAY);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** The first day of a window of `amount` days, months or years ending on `to` (yyyymmdd). */
export function windowStart(to: string, amount: number, unit: 'd' | 'm' | 'y'): string {
  const d = new Date(Date.UTC(Number(to.slice(0, 4)), Number(to.slice(4, 6)) - 1, Number(to.slice(6))));
  if (unit === 'd') d.setUTCDate(d.getUTCDate() - amount + 1);
  else {
    d.setUTCMonth(d.getUTCMonth() - (unit === 'y' ? 12 * amount : amount));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** A window like "12m" as [from, to] ending on the as-of day. */
export function windowOf(value: string, to: string): { from: string; to: string } {
  const m = /^([1-9][0-9]{0,3})([dmy])$/.exec(value)!;
  return { from: windowStart(to, Number(m[1]), m[2] as 'd' | 'm' | 'y'), to };
}

export type PeriodFormat = 'yyyy' | 'yyyymm' | 'yyyymmdd';

/**
 * The period a check made at `time` is about. An annual value (tax paid) is known only once its
 * year is over, so it is the previous calendar year; every other figure is read as of the moment:
 * the month (insured employees), the day (enforcement cases), the year (a licence's validity).
 */
export function periodAt(format: PeriodFormat, kind: 'value' | 'interval' | 'set', time: number): string {
  const now = currentPeriod(format, time);
  return format === 'yyyy' && kind === 'value' ? previousPeriod(format, now) : now;
}

/** The year, month or day (China Standard Time) that `time` falls in, written in `format`. */
export function currentPeriod(format: PeriodFormat, time: number): string {
  const day = cstDay(time);
  return format === 'yyyymmdd' ? day : format === 'yyyymm' ? day.slice(0, 6) : day.slice(0, 4);
}

/** The period before `period` in its own format (yyyy, yyyymm or yyyymmdd). */
export function previousPeriod(format: PeriodFormat, period: string): string {
  if (format === 'yyyy') return String(Number(period) - 1);
  if (format === 'yyyymm') {
    const [y, m] = [Number(period.slice(0, 4)), Number(period.slice(4))];
    return m === 1 ? `${y - 1}12` : `${y}${String(m - 1).padStart(2, '0')}`;
  }
  const d = new Date(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(4, 6)) - 1, Number(period.slice(6))) - DAY);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** A question exactly: its predicate with canonical decimal parameters and, for a set question, its day window. */
export interface ExactQuestion {
  kind: QuestionSpec['kind'];
  /** canonical decimal strings; a set question's root is its window's and is checked elsewhere */
  params: Record<string, string>;
  set?: { from: string; to: string };
}

/** The exact question a spec allows about `period`, asked at `time`. */
export function exactOf(spec: QuestionSpec, period: string, time: number): ExactQuestion {
  const v = spec.value ?? '';
  switch (spec.kind as QuestionKind) {
    case 'gte':
    case 'lte':
      return { kind: spec.kind, params: { threshold: v } };
    case 'eq':
      return { kind: 'eq', params: { target: v } };
    case 'range': {
      const [lower, upper] = v.split('-');
      return { kind: 'range', params: { lower, upper } };
    }
    case 'dateValid':
      return { kind: 'dateValid', params: { date: v || cstDay(time) } };
    case 'inSet':
    case 'notInSet':
      return { kind: spec.kind, params: {}, set: windowOf(v, period) };
  }
}

/** Does an asked question (predicate already checked, integers canonical) equal the allowed one? Set roots are left to checkPredicate. */
export function sameQuestion(asked: { kind: string; params: Record<string, string> }, set: { from: string; to: string } | undefined, allowed: ExactQuestion): boolean {
  if (asked.kind !== allowed.kind) return false;
  if (allowed.set) return set?.from === allowed.set.from && set?.to === allowed.set.to;
  const keys = Object.keys(allowed.params);
  return keys.length === Object.keys(asked.params).length && keys.every((k) => asked.params[k] === allowed.params[k]);
}

/** The question an approval check asks (server/approval/processes.ts CheckDef, type privacy). */
export function specOfCheck(check: { op: 'gte' | 'lte' | 'eq' | 'validOn' | 'noneWithin'; value: string }): QuestionSpec {
  if (check.op === 'validOn') return { kind: 'dateValid', value: check.value.replace(/-/g, '') };
  if (check.op === 'noneWithin') return { kind: 'notInSet', value: check.value };
  return { kind: check.op, value: check.value };
}
