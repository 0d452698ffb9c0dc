import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogEntry } from '../schema.ts';
import type { Orderer, Subscription } from './orderer.ts';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

const BATCH = 4000;
const POLL_MS = 100;

/**
 * The embedded ordering log: a table in a SQLite file shared by the nodes of one process.
 * Offsets are dense from 0; timestamps never go backwards, so block times don't either.
 *
 * An append resolves only once its records are on disk (WAL with synchronous=FULL: the commit
 * syncs the WAL), since a submit is acknowledged "after the log has it" and must survive a power
 * failure. Appends made in the same turn of the event loop (the nodes' submits, attestations and
 * cut markers) are written in one transaction, so one sync covers them all.
 */
export class LocalLog implements Orderer {
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private lastTs = 0;
  private readonly insert: Database.Statement;
  private readonly read: Database.Statement;
  private readonly tail: Database.Statement;

  constructor(filename: string, private readonly clock: Clock = systemClock) {
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    this.db = new Database(filename);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec('CREATE TABLE IF NOT EXISTS log (offset INTEGER PRIMARY KEY, ts INTEGER NOT NULL, data BLOB NOT NULL)');
    this.insert = this.db.prepare('INSERT INTO log (offset, ts, data) VALUES (?, ?, ?)');
    this.read = this.db.prepare('SELECT offset, ts, data FROM log WHERE offset >= ? ORDER BY offset LIMIT ?');
    this.tail = this.db.prepare('SELECT offset, ts FROM log ORDER BY offset DESC LIMIT 1');
    const last = this.tail.get() as { offset: number; ts: number } | undefined;
    this.next = last ? last.offset + 1 : 0;
    this.lastTs = last?.ts ?? 0;
    this.appended.setMaxListeners(0);
  }

  private next: number;
  /** appends waiting for the next write, in call order */
  private queued: { records: Buffer[]; resolve: (offset: number) => void; reject: (err: unknown) => void }[] = [];

  get length(): number {
    return this.next;
  }

  /** The log database's synchronous setting (2 = FULL), for the durability test and status. */
  get synchronous(): number {
    return this.db.pragma('synchronous', { simple: true }) as number;
  }

  async append(records: Buffer[]): Promise<void> {
    await this.appendAt(records);
  }

  /** As append, resolving with the offset of the first record (other appends share the write). */
  appendAt(records: Buffer[]): Promise<number> {
    if (records.length === 0) return Promise.resolve(this.next);
    return new Promise((resolve, reject) => {
      this.queued.push({ records, resolve, reject });
      if (this.queued.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queued;
    this.queued = [];
    if (batch.length === 0) return;
    const starts: number[] = [];
    try {
      // Offsets and time are read inside the write transaction, so a second process appending
      // to the same file (a tool, a crash test) can't take the same offset or turn time back.
      this.db.transaction(() => {
        const last = this.tail.get() as { offset: number; ts: number } | undefined;
        let offset = last ? last.offset + 1 : 0;
        const ts = Math.max(this.lastTs, last?.ts ?? 0, this.clock.now());
        for (const { records } of batch) {
          starts.push(offset);
          for (const r of records) this.insert.run(offset++, ts, r);
        }
        this.lastTs = ts;
        this.next = offset;
      }).immediate();
    } catch (err) {
      for (const b of batch) b.reject(err);
      return;
    }
    this.appended.emit('append');
    batch.forEach((b, i) => b.resolve(starts[i]));
  }

  subscribe(fromOffset: number, handler: (entries: LogEntry[]) => Promise<void>): Subscription {
    let stopped = false;
    let wake: (() => void) | undefined;
    const onAppend = () => wake?.();
    this.appended.on('append', onAppend);
    const loop = async () => {
      let offset = fromOffset;
      try {
        while (!stopped) {
          const rows = this.read.all(offset, BATCH) as { offset: number; ts: number; data: Buffer }[];
          if (rows.length === 0) {
            // Woken by an append in this process, or by the poll for other processes' appends.
            await new Promise<void>((resolve) => {
              const poll = setTimeout(resolve, POLL_MS);
              wake = () => {
                clearTimeout(poll);
                resolve();
              };
              if (stopped || this.next > offset) wake();
            });
            wake = undefined;
            continue;
          }
          await handler(rows.map((r) => ({ offset: r.offset, timestamp: r.ts, data: r.data })));
          offset = rows[rows.length - 1].offset + 1;
        }
      } finally {
        this.appended.off('append', onAppend);
      }
    };
    const done = loop();
    return {
      done,
      stop: async () => {
        stopped = true;
        wake?.();
        await done.catch(() => undefined);
      },
    };
  }

  /** Direct read for tests and tools. */
  entries(fromOffset = 0, limit = BATCH): LogEntry[] {
    return (this.read.all(fromOffset, limit) as { offset: number; ts: number; data: Buffer }[]).map((r) => ({
      offset: r.offset,
      timestamp: r.ts,
      data: r.data,
    }));
  }

  async close(): Promise<void> {
    this.flush();
    this.db.close();
  }
}
