import { reject } from '../chain/errors.ts';
import { IndexedSet } from './zk/indexedSet.ts';
import { isCalendarDay } from './zk/predicates.ts';

/**
 * The set a "set" question is about: every calendar day from `from` to `to` (yyyymmdd). Anyone can
 * rebuild it from the two dates, so the circuit's trust in the tree's shape (see set_membership.circom)
 * rests on a rule every node checks, not on whoever computed the root.
 */
export function daysBetween(from: string, to: string, maxDays: number): number[] {
  if (!/^[0-9]{8}$/.test(from) || !/^[0-9]{8}$/.test(to) || !isCalendarDay(BigInt(from)) || !isCalendarDay(BigInt(to))) {
    reject('PQ_BAD_SET', 'a day window is two calendar days as yyyymmdd');
  }
  if (from > to) reject('PQ_BAD_SET', 'the window starts after it ends');
  const days: number[] = [];
  // Calendar arithmetic only (UTC, no clock): the same days on every node.
  const d = new Date(Date.UTC(Number(from.slice(0, 4)), Number(from.slice(4, 6)) - 1, Number(from.slice(6))));
  for (;;) {
    const ymd = d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
    if (ymd > Number(to)) break;
    if (days.length >= maxDays) reject('PQ_SET_TOO_LARGE', `a day window holds at most ${maxDays} days`);
    days.push(ymd);
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return days;
}

// Building a tree costs tens of milliseconds; a pure function of (from, to), so a memo is safe.
const memo = new Map<string, Promise<IndexedSet>>();

export function daySet(from: string, to: string, maxDays: number): Promise<IndexedSet> {
  const days = daysBetween(from, to, maxDays);
  const key = `${from}-${to}`;
  let s = memo.get(key);
  if (!s) {
    if (memo.size >= 256) memo.delete(memo.keys().next().value!);
    memo.set(key, (s = IndexedSet.build(days)));
  }
  return s;
}
