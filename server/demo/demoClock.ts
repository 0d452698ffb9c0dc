import type { Clock } from '../chain/orderer/localLog.ts';

const DAY = 86_400_000;

/**
 * The embedded platform's clock (its ordering log's and its nodes'): while the demo writes its
 * history it reads a time the seeding sets, days in the past, so that publicity periods and
 * deadlines have run by the first day; afterwards it is the system clock. It only ever moves
 * forward, and the log keeps block times monotonic in any case.
 */
export class DemoClock implements Clock {
  private pinned: number | null = null;

  now(): number {
    return this.pinned ?? Date.now();
  }

  /** From now until live(), the clock reads `t` (never earlier than it read before). */
  pin(t: number): void {
    this.pinned = Math.max(t, this.pinned ?? t);
  }

  /** Moves a pinned clock on; the live clock is not moved. */
  advance(ms: number): void {
    if (this.pinned !== null) this.pinned += ms;
  }

  live(): void {
    this.pinned = null;
  }
}

/**
 * Where the demo's history starts: 09:00 in 滨江 (UTC+8) thirty days before the day of the first
 * start. The same day always gives the same times; the seeding's own speed does not enter them.
 */
export function demoHistoryStart(now: number): number {
  return Math.floor(now / DAY) * DAY - 30 * DAY + 1 * 3_600_000;
}
