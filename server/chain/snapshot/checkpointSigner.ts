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
 * This node's part in snapshots: at every checkpoint height it computes the root of its state
 * (snapshotDigest.ts) right after committing the block, before the next one, signs it with the
 * block hash and logs the signature; and it keeps the members' signatures it reads, so that a
 * snapshot made here carries a quorum. Nothing here touches block execution: a lost or late
 * signature only means no snapshot at that height.
 */
export class CheckpointSigner {
  constructor(private readonly d: CheckpointSignerDeps) {}

  isCheckpoint(height: number): boolean {
    return !!this.d.every && height > 0 && height % this.d.every === 0;
  }

  async committed(height: number): Promise<void> {
    if (!this.isCheckpoint(height)) return;
    const { d } = this;
    try {
      const started = Date.now();
      const { frame } = await checkpointFrame(d.store, d.chain, height);
      const { root, counts } = await rootOf(frame, checkpointEntries(d.store, frame));
      const sig = d.suite.sign(d.privateKey, snapshotMessage(d.chain, height, frame.hash, root));
      await d.orderer.append([Buffer.from(canonicalJson({ t: 'snap', h: height, hash: frame.hash, root, dept: d.dept, sig }))]);
      d.log.info({ height, root, ...counts, ms: Date.now() - started }, 'checkpoint root signed');
    } catch (err) {
      d.log.warn({ err, height }, 'could not sign the checkpoint root');
    }
  }

  /** A member's signature over a checkpoint root, read from the log: kept when it verifies. */
  async onSnap(rec: SnapRecord): Promise<void> {
    const key = this.d.members().find((m) => m.dept === rec.dept)?.nodeKey;
    if (!key || !this.d.suite.verify(key, snapshotMessage(this.d.chain, rec.h, rec.hash, rec.root), rec.sig)) return;
    await saveSnapshotSig(this.d.store.db, { height: rec.h, dept: rec.dept, hash: rec.hash, root: rec.root, sig: rec.sig });
  }
}
