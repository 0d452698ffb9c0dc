import { ChainError } from '../errors.ts';
import type { Header } from '../schema.ts';
import type { LedgerStore } from '../store/ledgerStore.ts';
import type { CheckpointEntry, CheckpointFrame } from './snapshotDigest.ts';

export type { CheckpointEntry } from './snapshotDigest.ts';

const PAGE = 2000;

/**
 * The frame of a checkpoint at `height` and the headers a node started from it needs: those
 * above the final height, whose votes may still be counted (the voter asks for their hashes).
 * The final height is what the headers up to `height` certify, which is what the node that
 * committed `height` had saved with it.
 */
export async function checkpointFrame(store: LedgerStore, chain: string, height: number): Promise<{ frame: CheckpointFrame; headers: Header[] }> {
  const headers: Header[] = [];
  let finalHeight: number | undefined;
  for (let h = height; h >= 1 && (finalHeight === undefined || h > finalHeight); h--) {
    const row = await store.blockByHeight(h);
    if (!row) throw new ChainError('SNAPSHOT_HEIGHT', `this node has no block at height ${h}, needed for a snapshot at ${height}`, { status: 404 });
    headers.unshift(row.header);
    if (finalHeight === undefined && row.header.certs.length) finalHeight = Math.max(...row.header.certs.map((c) => c.height));
  }
  const top = height === 0 ? undefined : await store.blockByHeight(height);
  if (!top) throw new ChainError('SNAPSHOT_HEIGHT', `no block at height ${height} to take a snapshot at`, { status: 404 });
  return { frame: { chain, height, hash: top.hash, finalHeight: finalHeight ?? 0, lastOffset: top.header.lastOffset }, headers };
}

/**
 * The entries of a checkpoint, read from a store that does not change meanwhile (a stopped
 * node, or the store's consistent snapshot()). A store past `height` is taken back to it: each
 * key written above it gets the value its first later write replaced.
 */
export async function* checkpointEntries(store: LedgerStore, frame: CheckpointFrame): AsyncGenerator<CheckpointEntry> {
  const back = new Map<string, string | null>();
  for (let after = 0; ; ) {
    const rows = await store.historyAbove(frame.height, after, PAGE);
    for (const r of rows) if (!back.has(r.k)) back.set(r.k, r.old_v);
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1].id;
  }
  const pending = [...back.keys()].sort();
  let p = 0;
  function* before(k: string | undefined): Generator<CheckpointEntry> {
    for (; p < pending.length && (k === undefined || pending[p] < k); p++) {
      const v = back.get(pending[p]);
      if (v != null) yield { s: 'state', k: pending[p], v };
    }
  }
  for (let after: string | undefined; ; ) {
    const rows = await store.statePage(after, PAGE);
    for (const r of rows) {
      yield* before(r.k);
      if (back.has(r.k)) {
        p++; // pending[p] === r.k: before() stopped at it
        const v = back.get(r.k);
        if (v != null) yield { s: 'state', k: r.k, v };
      } else yield { s: 'state', k: r.k, v: r.v };
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1].k;
  }
  yield* before(undefined);

  for (let after: string | undefined; ; ) {
    const ids = await store.idsUpTo(frame.height, after, PAGE);
    for (const id of ids) yield { s: 'id', id };
    if (ids.length < PAGE) break;
    after = ids[ids.length - 1];
  }
  for (let after: { signer: string; nonce: number } | undefined; ; ) {
    const rows = await store.noncesUpTo(frame.height, after, PAGE);
    for (const r of rows) yield { s: 'nonce', signer: r.signer, nonce: r.nonce };
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1];
  }
  for (const vote of await store.votesUpTo(frame.finalHeight, frame.lastOffset)) yield { s: 'vote', vote };
}
