import type { Genesis } from './schema.ts';

/**
 * A block's time from the log timestamp of the record that ended it. Never earlier than the
 * previous block's (a producer's clock may lag), and, when the genesis sets
 * `maxBlockTimeStepMs`, never more than that past it: one far-future timestamp (a producer's
 * clock, or a topic stamped with producer time) then moves block time by that step at most, so
 * it cannot end a publicity period or a deadline at once. Without the limit (chains created
 * before it existed) only the first rule applies, so their blocks keep their times and hashes.
 */
export function blockTime(logTime: number, prevTime: number, limits: Genesis['limits']): number {
  const t = Math.max(logTime, prevTime);
  const step = limits.maxBlockTimeStepMs;
  return step === undefined ? t : Math.min(t, prevTime + step);
}

/** The replay's check of a stored block time against the previous one: what blockTime can give. */
export function isValidBlockTime(time: number, prevTime: number, limits: Genesis['limits']): boolean {
  if (!Number.isSafeInteger(time) || time < prevTime) return false;
  const step = limits.maxBlockTimeStepMs;
  return step === undefined || time <= prevTime + step;
}
