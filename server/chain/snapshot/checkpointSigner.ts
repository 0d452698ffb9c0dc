import type { Logger } from 'pino';
import { canonicalJson } from '../canonical.ts';
import type { MemberRecord } from '../identity.ts';
import type { Orderer } from '../orderer/orderer.ts';
import type { LogRecord } from '../schema.ts';
import type { LedgerStore } from '../store/ledgerStore.ts';
import type { CryptoSuite } from '../suites/suite.ts';
import { checkpointEntries, checkpointFrame } from './checkpointView.ts';
import { rootOf, snapshotMessage } from './snapshotDigest.ts';
import { saveSnapshotSig } from './snapshotSigs.ts';

export interface CheckpointSignerDeps {
  chain: string;
  dept: string;
  suite: CryptoSuite;
  privateKey: string;
  store: LedgerStore;
  orderer: Orderer;
  log: Logger;
  /** blocks between checkpoints (genesis limits.snapshotEvery); none when absent */
  every?: number;
  members(): MemberRecord[];
}

export type SnapRecord = Extract<LogRecord, { t: 'snap' }>;

/**
 * This node's part in snapshots: at every checkpoint height it takes a consistent copy of its
 * store right after committing the block, before the next one (store.snapshot(): a read
 * transaction, cheap), then works out the root of that copy (snapshotDigest.ts) beside the block
 * loop, signs it with the block hash and logs the signature. The root is of the state at the
 * height whenever it is finished; at city size reading every entry takes seconds to minutes,
 * and blocks go on being applied meanwhile. Roots are worked out one at a time, in height
 * order. It also keeps the members' signatures it reads, so that a snapshot made here carries a
 * quorum. Nothing here touches block execution: a lost or late signature only means no
 * snapshot at that height.
 */
export class CheckpointSigner {
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly d: CheckpointSignerDeps) {}

  isCheckpoint(height: number): boolean {
    return !!this.d.every && height > 0 && height % this.d.every === 0;
  }

  /** Called after committing `height`, before the next block: takes the copy; the root follows in the background. */
  async committed(height: number): Promise<void> {
    if (!this.isCheckpoint(height) || this.stopped) return;
    const { d } = this;
    let copy: Awaited<ReturnType<LedgerStore['snapshot']>>;
    try {
      copy = await d.store.snapshot();
      const at = (await copy.store.head())?.height;
      if (at !== height) {
        await copy.release();
        throw new Error(`the copy is at height ${at}, not ${height}`);
      }
    } catch (err) {
      d.log.warn({ err, height }, 'could not take a copy for the checkpoint root');
      return;
    }
    this.queue = this.queue.then(() => this.sign(height, copy.store).finally(() => copy.release()));
  }

  /** Resolves once the roots under way are signed (or given up, after stop()). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Abandons the roots under way (each stops at its next entry) and waits for them to let go of their copies. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.queue;
    this.stopped = false; // a node started again signs again
  }

  private async sign(height: number, store: LedgerStore): Promise<void> {
    const { d } = this;
    try {
      if (this.stopped) return;
      const started = Date.now();
      const { frame } = await checkpointFrame(store, d.chain, height);
      const { root, counts } = await rootOf(frame, this.untilStopped(checkpointEntries(store, frame)));
      const sig = d.suite.sign(d.privateKey, snapshotMessage(d.chain, height, frame.hash, root));
      await d.orderer.append([Buffer.from(canonicalJson({ t: 'snap', h: height, hash: frame.hash, root, dept: d.dept, sig }))]);
      d.log.info({ height, root, ...counts, ms: Date.now() - started }, 'checkpoint root signed');
    } catch (err) {
      if (!this.stopped) d.log.warn({ err, height }, 'could not sign the checkpoint root');
    }
  }

  private async *untilStopped<T>(entries: AsyncIterable<T>): AsyncGenerator<T> {
    for await (const e of entries) {
      if (this.stopped) throw new Error('stopped');
      yield e;
    }
  }

  /** A member's signature over a checkpoint root, read from the log: kept when it verifies. */
  async onSnap(rec: SnapRecord): Promise<void> {
    const key = this.d.members().find((m) => m.dept === rec.dept)?.nodeKey;
    if (!key || !this.d.suite.verify(key, snapshotMessage(this.d.chain, rec.h, rec.hash, rec.root), rec.sig)) return;
    await saveSnapshotSig(this.d.store.db, { height: rec.h, dept: rec.dept, hash: rec.hash, root: rec.root, sig: rec.sig });
  }
}
