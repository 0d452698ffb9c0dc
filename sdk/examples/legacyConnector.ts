import type { Knex } from 'knex';
import type { TongbanClient } from '../client.ts';

/**
 * A worked connector between a legacy approval system and the chain, the legacy system left as
 * it is: its own database (MariaDB or MySQL), a table of permits it writes. The connector adds two
 * tables of its own to that database and
 *
 * - mirrors each new permit to the chain through the SDK, with the permit's id as the reference:
 *   a connector killed between submitting and marking the row submits it again on restart, and the
 *   node answers the first transaction's receipt, so a permit never becomes two transactions;
 * - writes the chain's outcome back from the department's feed, the feed's cursor saved in the same
 *   database transaction as the write-back: a crash leaves both or neither, so no event is applied
 *   twice and none is skipped.
 */
export interface ConnectorMapping {
  /** the permits table and its key column */
  table: string;
  /** the kind and payload a new permit becomes on the chain */
  toTx(row: Record<string, unknown>): { kind: string; payload: Record<string, unknown> };
  /** the feed's event types to write back, and which permit an event is about */
  kinds: string[];
  permitOf(event: { type: string; data: Record<string, unknown> }): string | undefined;
}

export async function migrateConnector(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable('tb_mirror'))) {
    await db.schema.createTable('tb_mirror', (t) => {
      t.string('permit', 100).primary();
      t.string('tx_id', 64).notNullable();
    });
  }
  if (!(await db.schema.hasTable('tb_cursor'))) {
    await db.schema.createTable('tb_cursor', (t) => {
      t.string('name', 40).primary();
      t.string('cursor', 40).notNullable();
    });
  }
}

/** Submits every permit not yet mirrored, oldest first; returns how many it mirrored. `crashAfterSubmit` is for fault tests. */
export async function mirrorNew(db: Knex, tb: TongbanClient, m: ConnectorMapping, o: { crashAfterSubmit?: number } = {}): Promise<number> {
  const rows = (await db(m.table).whereNotIn('id', db('tb_mirror').select('permit')).orderBy('id')) as Record<string, unknown>[];
  let n = 0;
  for (const row of rows) {
    const { kind, payload } = m.toTx(row);
    const r = await tb.submit(kind, payload, { ref: `permit:${String(row.id)}` });
    if (o.crashAfterSubmit !== undefined && n >= o.crashAfterSubmit) throw new Error('connector killed after submitting, before marking');
    await db('tb_mirror').insert({ permit: String(row.id), tx_id: r.id }).onConflict('permit').ignore();
    n++;
  }
  return n;
}

/**
 * Applies the feed's events after the saved cursor: `apply` writes the outcome into the legacy
 * tables inside the transaction that also moves the cursor. Stops at the end of the feed.
 */
export async function writeBack(
  db: Knex,
  tb: TongbanClient,
  m: ConnectorMapping,
  apply: (trx: Knex.Transaction, permit: string, event: { type: string; data: Record<string, unknown> }) => Promise<void>,
  o: { crashAfterApply?: number } = {},
): Promise<number> {
  const saved = (await db('tb_cursor').where('name', 'feed').first('cursor')) as { cursor: string } | undefined;
  let n = 0;
  for await (const e of tb.events({ after: saved?.cursor ?? '0', kinds: m.kinds, follow: false })) {
    await db.transaction(async (trx) => {
      const permit = m.permitOf(e);
      if (permit) await apply(trx, permit, e);
      if (o.crashAfterApply !== undefined && n >= o.crashAfterApply) throw new Error('connector killed between the write-back and its cursor');
      await trx('tb_cursor').insert({ name: 'feed', cursor: e.id }).onConflict('name').merge();
    });
    n++;
  }
  return n;
}
