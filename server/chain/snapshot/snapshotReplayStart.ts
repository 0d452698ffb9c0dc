import { ChainError } from '../errors.ts';
import { isMemberKey } from '../memberKeys.ts';
import type { Genesis, Header } from '../schema.ts';
import type { HistoryRow, LedgerStore } from '../store/ledgerStore.ts';
import { SnapshotDigest } from './snapshotDigest.ts';
import { SNAPSHOT_TX_ID, type SnapshotOrigin } from './snapshotOrigin.ts';
import { verifySnapshotMeta } from './verifySnapshotMeta.ts';

/** What a replay starts from on a node that started from a snapshot (replay.ts). */
export interface SnapshotStart {
  state: Map<string, string>;
  nonces: Set<string>;
  /** the snapshot's headers, whose hashes later certificates may name */
  headers: Header[];
  finalHeight: number;
}

/** A difference, named as the replay names one. */
export class StartProblem {
  constructor(
    readonly height: number,
    readonly field: string,
    readonly expected: unknown,
    readonly actual: unknown,
  ) {}
}

const FIELD: Record<string, string> = {
  SNAPSHOT_WRONG_CHAIN: 'snapshot.chain',
  SNAPSHOT_BAD_HEADERS: 'snapshot.headers',
  SNAPSHOT_NOT_FINAL: 'snapshot.cert',
  SNAPSHOT_NO_QUORUM: 'snapshot.sigs',
  SNAPSHOT_BAD_MEMBERS: 'snapshot.members',
  SNAPSHOT_MEMBERS_MISSING: 'snapshot.members',
  SNAPSHOT_MALFORMED: 'snapshot.entries',
};

/**
 * Checks a node's start from a snapshot as the import did, from what the node keeps: the
 * description (snapshot_origin) again, strictly (the node kept only signatures that verify),
 * and the root recomputed from the state_history rows the import wrote at the height, the
 * transaction ids and nonces spent up to it, and the votes it carried. `rows` are those
 * history rows. The state so checked is where the replay of the blocks above begins; the
 * state table itself is compared at the end, as after a replay from genesis.
 */
export async function snapshotReplayStart(store: LedgerStore, genesis: Genesis, origin: SnapshotOrigin, rows: HistoryRow[]): Promise<SnapshotStart> {
  const h = origin.height;
  const named = <T>(run: () => T): T => {
    try {
      return run();
    } catch (e) {
      if (!(e instanceof ChainError)) throw e;
      throw new StartProblem(h, FIELD[e.code] ?? 'snapshot', 'what the members signed', `${e.code}: ${e.message}`);
    }
  };
  const { frame, track } = named(() => verifySnapshotMeta(origin.meta, genesis, { strict: true }));
  const digest = new SnapshotDigest();
  const state = new Map<string, string>();
  const members = new Map<string, string>();
  for (const r of rows) {
    if (r.tx_id !== SNAPSHOT_TX_ID || r.old_v !== null || r.new_v === null) throw new StartProblem(h, `history[${r.k}]`, 'a state entry of the snapshot', [r.k, r.old_v, r.new_v, r.tx_id]);
    named(() => digest.state(r.k, r.new_v!));
    state.set(r.k, r.new_v);
    if (isMemberKey(r.k)) members.set(r.k, r.new_v);
  }
  for (let after: string | undefined; ; ) {
    const ids = await store.idsUpTo(h, after, 2000);
    for (const id of ids) named(() => digest.id(id));
    if (ids.length < 2000) break;
    after = ids[ids.length - 1];
  }
  const nonces = new Set<string>();
  for (let after: { signer: string; nonce: number } | undefined; ; ) {
    const page = await store.noncesUpTo(h, after, 2000);
    for (const n of page) {
      named(() => digest.nonce(n.signer, n.nonce));
      nonces.add(`${n.signer}:${n.nonce}`);
    }
    if (page.length < 2000) break;
    after = page[page.length - 1];
  }
  for (const v of origin.votes) named(() => digest.vote(v));
  const root = digest.root(frame);
  if (root !== origin.meta.root) throw new StartProblem(h, 'snapshot.root', origin.meta.root, root);
  named(() => track.assertState(h, members));
  return { state, nonces, headers: origin.meta.headers, finalHeight: frame.finalHeight };
}
