import type { Logger } from 'pino';
import { BlockCutter, type CutBlock } from './blockCutter.ts';
import { canonicalJson } from './canonical.ts';
import type { LogReader, ReadEntry } from './logReader.ts';
import type { Orderer, Subscription } from './orderer/orderer.ts';
import type { LogEntry, LogRecord } from './schema.ts';

export interface FollowerDeps {
  dept: string;
  orderer: Orderer;
  reader: LogReader;
  maxBlockTxs: number;
  blockWaitMs: number;
  log: Logger;
  /** the last committed block: where following starts again */
  position(): { height: number; lastOffset: number };
  isHalted(): boolean;
  /** member departments in order, for taking turns at cut markers */
  memberDepts(): string[];
  onSig(record: Extract<LogRecord, { t: 'sig' }>, entry: LogEntry): Promise<void>;
  onSnap(record: Extract<LogRecord, { t: 'snap' }>): Promise<void>;
  onBlock(cut: CutBlock<ReadEntry>): Promise<void>;
  onError(err: unknown): void;
}

/**
 * Reads the ordering log in order and turns it into blocks: transaction records go to the
 * cutter, attestations to the voter, each cut block to the importer, one at a time. Also the
 * cut-marker timer, and following again after a failed subscription.
 */
export class LogFollower {
  private cutter!: BlockCutter<ReadEntry>;
  private subscription?: Subscription;
  private cutTimer?: NodeJS.Timeout;
  private cutTimerHeight = -1;
  private stopped = false;
  /** blocks being applied, in log order; never rejects */
  private pipeline: Promise<void> = Promise.resolve();
  /** which subscription the queued batches belong to; batches of an abandoned one are dropped */
  private generation = 0;

  constructor(private readonly d: FollowerDeps) {}

  /**
   * Reads the log from the offset after the last committed block. If the subscription fails
   * (a broker outage outlasting the client's retries), or applying a block does, start again
   * from there after a pause: the uncommitted tail is simply read again, and the cutter starts
   * afresh with it.
   */
  follow(): void {
    if (this.stopped) return;
    const at = this.d.position();
    this.cutter = new BlockCutter<ReadEntry>(at.height + 1, this.d.maxBlockTxs);
    this.cutTimerHeight = -1;
    const gen = ++this.generation;
    const sub = this.d.orderer.subscribe(at.lastOffset + 1, (entries) => this.onEntries(entries, gen));
    this.subscription = sub;
    sub.done.then(
      () => undefined,
      (err) => this.refollow(err, gen),
    );
  }

  private refollow(err: unknown, gen: number): void {
    if (gen !== this.generation || this.stopped || this.d.isHalted()) return;
    this.generation++;
    this.d.log.error({ err }, 'log subscription failed; following again in 1 s');
    this.d.onError(err);
    const sub = this.subscription;
    void (async () => {
      await sub?.stop();
      // whatever was applying finishes first, so the new subscription starts after it
      await this.pipeline;
      setTimeout(() => this.follow(), 1000).unref?.();
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.cutTimer);
    await this.subscription?.stop();
    await this.pipeline;
  }

  /**
   * Takes a delivered batch: parses and checks it at once, sends its signatures to the worker
   * pool, and queues it behind the batches being applied. Resolves when the batch before it is
   * applied, so the orderer reads one batch ahead and the pool verifies it while this thread
   * executes and commits blocks; blocks are still applied one at a time, in log order.
   */
  private async onEntries(entries: LogEntry[], gen: number): Promise<void> {
    if (this.d.isHalted()) return;
    const read = this.d.reader.read(entries);
    const before = this.pipeline;
    this.pipeline = before.then(async () => {
      if (gen !== this.generation || this.stopped) return;
      try {
        await this.process(read);
      } catch (err) {
        this.refollow(err, gen);
      }
    });
    await before;
  }

  private async process(entries: ReadEntry[]): Promise<void> {
    for (const entry of entries) {
      if (this.d.isHalted()) return;
      if (entry.record?.t === 'sig') {
        await this.d.onSig(entry.record, entry);
        continue;
      }
      if (entry.record?.t === 'snap') {
        await this.d.onSnap(entry.record);
        continue;
      }
      const block = this.cutter.feed(entry, entry.record);
      if (block) await this.d.onBlock(block);
    }
    this.armCutTimer();
  }

  /**
   * Any node may end a block by logging a cut marker once its wait has passed. Nodes take
   * turns by height so that usually one marker is written; the others follow a step later
   * only if that one is missing.
   */
  private armCutTimer(): void {
    if (this.stopped || this.d.isHalted() || this.cutter.pendingCount === 0) return;
    const height = this.cutter.height;
    // Armed once per height: re-arming on every arrival would postpone the cut forever
    // under a steady stream of transactions.
    if (this.cutTimerHeight === height) return;
    clearTimeout(this.cutTimer);
    this.cutTimerHeight = height;
    const depts = this.d.memberDepts();
    const n = Math.max(1, depts.length);
    const me = Math.max(0, depts.indexOf(this.d.dept));
    const rank = (me - (height % n) + n) % n;
    const wait = this.d.blockWaitMs;
    const fire = (delay: number) => {
      this.cutTimer = setTimeout(() => {
        if (this.stopped || this.cutter.height !== height || this.cutter.pendingCount === 0) return;
        this.d.orderer
          .append([Buffer.from(canonicalJson({ t: 'cut', h: height, by: this.d.dept }))])
          .catch((err) => this.d.log.warn({ err, height }, 'could not post cut marker'));
        // If the marker is lost (or landed while nothing was pending), try again after
        // everyone else has had a turn.
        fire(wait * (n + 1));
      }, delay);
      this.cutTimer.unref?.();
    };
    fire(wait * (1 + rank));
  }
}
