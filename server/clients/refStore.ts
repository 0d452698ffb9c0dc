import type { Knex } from 'knex';

/**
 * Idempotency references: a client's own reference id for a submission, bound to what it asked
 * (the hash of kind and payload) and to the one transaction it became, with that transaction
 * as signed so that a retry after a crash can order the very same one again. The primary key
 * is what makes a reference one transaction: of two submissions racing with one reference,
 * exactly one row is inserted, on SQLite and MariaDB alike.
 */
export interface RefRow {
  client: string;
  ref: string;
  bodyHash: string;
  txId: string;
  raw: string;
  createdAt: number;
}

export async function migrateRefs(db: Knex): Promise<void> {
  if (await db.schema.hasTable('cl_refs')) return;
  await db.schema.createTable('cl_refs', (t) => {
    t.string('client', 24).notNullable();
    t.string('ref', 100).notNullable();
    t.string('body_hash', 64).notNullable();
    t.string('tx_id', 64).notNullable();
    t.text('raw', 'mediumtext').notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['client', 'ref']);
  });
}

const toRef = (r: { client: string; ref: string; body_hash: string; tx_id: string; raw: string; created_at: number | string }): RefRow => ({
  client: r.client,
  ref: r.ref,
  bodyHash: r.body_hash,
  txId: r.tx_id,
  raw: r.raw,
  createdAt: Number(r.created_at),
});

export async function findRef(db: Knex, client: string, ref: string): Promise<RefRow | undefined> {
  const r = await db('cl_refs').where({ client, ref }).first();
  return r ? toRef(r) : undefined;
}

/** Inserts the reference unless one exists; returns the row that holds it now (ours or the first one's). */
export async function reserveRef(db: Knex, row: RefRow): Promise<RefRow> {
  await db('cl_refs')
    .insert({ client: row.client, ref: row.ref, body_hash: row.bodyHash, tx_id: row.txId, raw: row.raw, created_at: row.createdAt })
    .onConflict(['client', 'ref'])
    .ignore();
  return (await findRef(db, row.client, row.ref))!;
}

/** Frees a reference whose transaction was refused at the door (nothing was ordered), only if it is still that one's. */
export async function releaseRef(db: Knex, client: string, ref: string, txId: string): Promise<void> {
  await db('cl_refs').where({ client, ref, tx_id: txId }).delete();
}
