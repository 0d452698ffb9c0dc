import type { Knex } from 'knex';
import { z } from 'zod';
import { DeptId, Hash } from '../schema.ts';
import type { Vote } from './snapshotDigest.ts';
import { SnapshotMeta } from './snapshotFile.ts';

/**
 * Where a node started from a snapshot begins: the file's description (headers, certificate,
 * root signatures, membership changes) and the votes it carried. The state, ids and nonces are
 * in the node's own tables (the state also as state_history rows at the height, tx id
 * SNAPSHOT_TX_ID), so verify can recompute the root from them and replay from the height.
 */
export interface SnapshotOrigin {
  height: number;
  meta: SnapshotMeta;
  votes: Vote[];
}

/** The tx id of the state_history rows that hold the state a node was started from. */
export const SNAPSHOT_TX_ID = 'snapshot';

const Votes = z.array(z.strictObject({ height: z.number().int().nonnegative(), dept: DeptId, hash: Hash, sig: z.string().max(200), offset: z.number().int().nonnegative() }));

export async function saveSnapshotOrigin(db: Knex, o: SnapshotOrigin): Promise<void> {
  await db('snapshot_origin').insert({ height: o.height, meta: JSON.stringify(o.meta), votes: JSON.stringify(o.votes) });
}

/**
 * The origin as stored, checked against the file's schema: undefined for a node that started
 * at genesis, the stored column that is not what an import wrote otherwise (a stored row is as
 * untrusted as the file was).
 */
export async function loadSnapshotOrigin(db: Knex): Promise<SnapshotOrigin | { broken: 'meta' | 'votes'; height: number } | undefined> {
  // a database the node has not opened since the table came in cannot have started from one
  if (!(await db.schema.hasTable('snapshot_origin'))) return undefined;
  const row = await db('snapshot_origin').orderBy('height').first();
  if (!row) return undefined;
  const height = Number(row.height);
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  };
  const meta = SnapshotMeta.safeParse(parse(row.meta));
  if (!meta.success || meta.data.height !== height) return { broken: 'meta', height };
  const votes = Votes.safeParse(parse(row.votes));
  if (!votes.success) return { broken: 'votes', height };
  return { height, meta: meta.data, votes: votes.data };
}
