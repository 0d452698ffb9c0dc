import type { Knex } from 'knex';
import { ChainError } from '../errors.ts';
import { blockHash } from '../header.ts';
import type { Genesis } from '../schema.ts';
import { openLedgerStore } from '../store/chainStore.ts';
import { metaOf } from '../store/ledgerCommon.ts';
import { isMemberKey } from '../memberKeys.ts';
import type { CheckpointEntry } from './checkpointView.ts';
import { SnapshotDigest, type Vote } from './snapshotDigest.ts';
import { saveSnapshotOrigin, SNAPSHOT_TX_ID } from './snapshotOrigin.ts';
import { PROJECT_STATE_PENDING } from './projectFromState.ts';
import { openSnapshot } from './snapshotFile.ts';
import { verifySnapshotMeta } from './verifySnapshotMeta.ts';

const BATCH = 100;

export interface ImportResult {
  height: number;
  hash: string;
  counts: SnapshotDigest['counts'];
}

/**
 * Fills an empty node database from an untrusted snapshot file. The file's description is
 * checked first (verifySnapshotMeta), then its entries' root is computed and must be the one a
 * quorum signed; only then is anything written, in one database transaction that computes the
 * root again from what it writes, so a file changed in between is rolled back too. The node
 * then starts (ChainNode.start) at the snapshot's height and follows the log from the offset
 * after its block. The description and the votes are kept (snapshotOrigin.ts) and the state is
 * also written as state_history rows at the height, so `npm run verify` can check the node
 * from there as it checks one from genesis.
 *
 * Read models are not in a snapshot: they hold what this department's keys open, so another
 * department's node cannot give them. The node makes them from the imported state on its first
 * start (projectFromState.ts); what only past events hold starts at the snapshot's height.
 */
export async function importSnapshot(db: Knex, genesis: Genesis, path: string): Promise<ImportResult> {
  const store = openLedgerStore(db);
  await store.migrate();
  if (await store.head()) throw new ChainError('SNAPSHOT_TARGET_NOT_EMPTY', 'this database already holds a chain; a snapshot starts an empty one', { status: 409 });
  const file = await openSnapshot(path);
  const { meta } = file;
  const { frame, track, kept } = verifySnapshotMeta(meta, genesis);
  const check = async (entries: AsyncIterable<CheckpointEntry>, sink?: (e: CheckpointEntry) => Promise<void>) => {
    const d = new SnapshotDigest();
    const memberState = new Map<string, string>();
    for await (const e of entries) {
      d.add(e);
      if (e.s === 'state' && isMemberKey(e.k)) memberState.set(e.k, e.v);
      await sink?.(e);
    }
    if (d.root(frame) !== meta.root) {
      throw new ChainError('SNAPSHOT_ROOT_MISMATCH', `the snapshot's entries do not hash to the root the members signed at height ${meta.height}`, { status: 422 });
    }
    track.assertState(meta.height, memberState);
    return d.counts;
  };
  await check(file.entries());
  const counts = await db.transaction(async (trx) => {
    const rows: Record<string, Record<string, unknown>[]> = { state: [], state_history: [], known_txids: [], nonces: [], attestations: [] };
    const votes: Vote[] = [];
    const flush = async (table: string) => {
      if (rows[table].length) await trx(table).insert(rows[table]);
      rows[table] = [];
    };
    const put = async (table: string, row: Record<string, unknown>) => {
      rows[table].push(row);
      if (rows[table].length >= BATCH) await flush(table);
    };
    const counts = await check(file.entries(), async (e) => {
      if (e.s === 'state') {
        await put('state', { k: e.k, v: e.v });
        // the state the node starts from, as genesis's is: verify reads it back from here
        await put('state_history', { k: e.k, height: meta.height, tx_id: SNAPSHOT_TX_ID, old_v: null, new_v: e.v });
      }
      else if (e.s === 'id') await put('known_txids', { id: e.id, height: meta.height });
      else if (e.s === 'nonce') await put('nonces', { signer: e.signer, nonce: e.nonce, height: meta.height });
      else {
        votes.push(e.vote);
        await put('attestations', { height: e.vote.height, dept: e.vote.dept, hash: e.vote.hash, sig: e.vote.sig, log_offset: e.vote.offset });
      }
    });
    for (const t of Object.keys(rows)) await flush(t);
    await saveSnapshotOrigin(trx, { height: meta.height, meta: kept, votes });
    for (const h of meta.headers) await trx('blocks').insert({ height: h.height, hash: blockHash(h), header: JSON.stringify(h), time: h.time, tx_count: h.txCount });
    const top = meta.headers[meta.headers.length - 1];
    const chainMeta = [...metaOf({ header: top, hash: meta.hash, finalHeight: frame.finalHeight }), ['snapshotHeight', String(meta.height)], [PROJECT_STATE_PENDING, '1']];
    await trx('chain_meta').insert(chainMeta.map(([k, v]) => ({ k, v })));
    return counts;
  });
  return { height: meta.height, hash: meta.hash, counts };
}
