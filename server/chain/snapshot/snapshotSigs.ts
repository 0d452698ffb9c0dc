import type { Knex } from 'knex';

export interface SnapshotSig {
  height: number;
  dept: string;
  hash: string;
  root: string;
  sig: string;
}

/** Keeps a member's signature over a checkpoint root (verified by the caller); the first one per member and height stays. */
export async function saveSnapshotSig(db: Knex, s: SnapshotSig): Promise<void> {
  await db('snapshot_sigs').insert(s).onConflict(['height', 'dept']).ignore();
}

export async function snapshotSigsAt(db: Knex, height: number): Promise<SnapshotSig[]> {
  const rows: SnapshotSig[] = await db('snapshot_sigs').where({ height }).orderBy('dept').select('height', 'dept', 'hash', 'root', 'sig');
  return rows.map((r) => ({ ...r, height: Number(r.height) }));
}
