import type { LogEntry, LogRecord } from './schema.ts';

export interface CutBlock<E extends LogEntry = LogEntry> {
  height: number;
  txs: E[];
  firstOffset: number;
  /** offset of the record that ended the block (a full block's last tx, or a cut marker) */
  lastOffset: number;
  /** timestamp of that record: the block's time */
  time: number;
}

/**
 * Cuts blocks from the ordered log, never from a local clock: a block ends when it holds
 * `maxTxs` transactions, or at the first cut marker for its height. Later markers for a
 * height, and markers while nothing is pending, are ignored. Every node reading the same
 * log therefore cuts the same blocks.
 */
export class BlockCutter<E extends LogEntry = LogEntry> {
  private pending: E[] = [];

  constructor(
    private nextHeight: number,
    private readonly maxTxs: number,
  ) {}

  get height(): number {
    return this.nextHeight;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Feed one record in log order; returns the block it completes, if any. */
  feed(entry: E, record: LogRecord | undefined): CutBlock<E> | undefined {
    // A record that is not a recognised cut or sig is treated as a transaction so the
    // executor can reject it visibly instead of it vanishing.
    if (!record || record.t === 'tx') {
      this.pending.push(entry);
      if (this.pending.length >= this.maxTxs) return this.cut(entry);
      return undefined;
    }
    if (record.t === 'cut' && record.h === this.nextHeight && this.pending.length > 0) return this.cut(entry);
    return undefined;
  }

  private cut(end: LogEntry): CutBlock<E> {
    const block: CutBlock<E> = {
      height: this.nextHeight,
      txs: this.pending,
      firstOffset: this.pending[0].offset,
      lastOffset: end.offset,
      time: end.timestamp,
    };
    this.pending = [];
    this.nextHeight++;
    return block;
  }
}
