import { ChainError } from '../chain/errors.ts';

/** An event's place in commit order; its id and the feed's cursor are `<height>-<txIndex>-<eventIndex>`. */
export interface Position {
  height: number;
  txIndex: number;
  eventIndex: number;
}

export const START: Position = { height: 0, txIndex: 0, eventIndex: -1 };

export const eventId = (p: Position): string => `${p.height}-${p.txIndex}-${p.eventIndex}`;

const CURSOR = /^(\d{1,12})-(\d{1,6})-(\d{1,6})$/;
const LAST = 999_999;

/** Whether a position is the end of a block (a cursor given as a bare height), not an event. */
export const isBlockEnd = (p: Position): boolean => p.txIndex === LAST && p.eventIndex === LAST;

/**
 * Parses a cursor; '' or '0' mean the start of the feed, a bare height `h` everything after
 * block h (replaying from a height). Anything else is a 400.
 */
export function parseCursor(s: string | undefined): Position {
  if (s === undefined || s === '' || s === '0') return START;
  if (/^\d{1,12}$/.test(s)) return { height: Number(s), txIndex: LAST, eventIndex: LAST };
  const m = CURSOR.exec(s);
  if (!m) throw new ChainError('BAD_CURSOR', 'a cursor is an event id like 12-0-1 (height-txIndex-eventIndex), a block height, or 0 for the start', { status: 400 });
  return { height: Number(m[1]), txIndex: Number(m[2]), eventIndex: Number(m[3]) };
}

/** Commit order of two positions: negative when `a` comes first. */
export const comparePositions = (a: Position, b: Position): number => a.height - b.height || a.txIndex - b.txIndex || a.eventIndex - b.eventIndex;
