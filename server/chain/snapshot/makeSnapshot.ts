import { ChainError } from '../errors.ts';
import { isMemberKey, type MemberKeys } from '../memberKeys.ts';
import type { Cert, Genesis } from '../schema.ts';
import type { LedgerStore } from '../store/ledgerStore.ts';
import { checkpointEntries, checkpointFrame, type CheckpointEntry } from './checkpointView.ts';
import { memberChangesUpTo } from './memberChangesUpTo.ts';
import { rootOf } from './snapshotDigest.ts';
import { SNAPSHOT_FORMAT, writeSnapshot, type SnapshotMeta } from './snapshotFile.ts';
import { snapshotSigsAt } from './snapshotSigs.ts';
import { verifySnapshotMeta } from './verifySnapshotMeta.ts';

/**
 * Writes the snapshot of a store at a final checkpoint height: its entries, the headers a node
 * starting from it needs, the height's finality certificate, the membership changes up to it
 * and the members' signatures over its root. `store` must not change while this runs (a
 * stopped node, or store.snapshot()). Refused when the members at that height have not signed
 * its root with a quorum, since no node would accept the file; the description is checked as
 * an importing node checks it before the file is written.
 */
export async function makeSnapshot(store: LedgerStore, genesis: Genesis, height: number, out: string): Promise<SnapshotMeta & { counts: Record<string, number> }> {
  const head = await store.head();
  if (!head || height > head.height) throw new ChainError('SNAPSHOT_HEIGHT', `height ${height} is above this node's head ${head?.height ?? 0}`, { status: 404 });
  const { frame, headers } = await checkpointFrame(store, genesis.chain, height);
  const memberState = new Map<string, string>();
  async function* tap(entries: AsyncIterable<CheckpointEntry>) {
    for await (const e of entries) {
      if (e.s === 'state' && isMemberKey(e.k)) memberState.set(e.k, e.v);
      yield e;
    }
  }
  const { root, counts } = await rootOf(frame, tap(checkpointEntries(store, frame)));
  const { changes, track } = await memberChangesUpTo(store, genesis, height);
  track.assertState(height, memberState);
  const members = track.members;
  const sigs = (await snapshotSigsAt(store.db, height)).filter((s) => s.hash === frame.hash && s.root === root && members.nodeKey(s.dept)).map(({ dept, sig }) => ({ dept, sig }));
  if (sigs.length < members.quorum) {
    throw new ChainError('SNAPSHOT_NO_QUORUM', `only ${sigs.length} members signed this node's root at height ${height}; ${members.quorum} are needed (checkpoint heights are multiples of the genesis limit snapshotEvery)`, { status: 409 });
  }
  const cert = await certOf(store, height, frame.hash, members);
  const meta: SnapshotMeta = { format: SNAPSHOT_FORMAT, chain: genesis.chain, height, hash: frame.hash, root, headers, cert, sigs, ...(changes.length ? { members: changes } : {}) };
  verifySnapshotMeta(meta, genesis);
  await writeSnapshot(out, meta, checkpointEntries(store, frame));
  return { ...meta, counts };
}

/** The height's certificate: as a later header carries it, or from the votes this node kept. */
async function certOf(store: LedgerStore, height: number, hash: string, members: MemberKeys): Promise<Cert> {
  for (const b of await store.blocks(height + 1, 64)) {
    const c = b.header.certs.find((x) => x.height === height);
    if (c) return c;
  }
  const votes = (await store.votesUpTo(height - 1, Number.MAX_SAFE_INTEGER)).filter((v) => v.height === height && v.hash === hash && members.nodeKey(v.dept));
  const sigs = [...new Map(votes.map((v) => [v.dept, v.sig])).entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([dept, sig]) => ({ dept, sig }));
  if (sigs.length < members.quorum) throw new ChainError('SNAPSHOT_NOT_FINAL', `no finality certificate for height ${height} on this node; take the snapshot at another checkpoint`, { status: 409 });
  return { height, hash, sigs };
}
