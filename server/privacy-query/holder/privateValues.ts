import type { Knex } from 'knex';

/**
 * The holder's raw figures and salts: the only place they exist. A table of the holder node's own
 * database, never written by a block and never read by a contract, so nothing in it reaches the chain,
 * the read models of other departments or the logs. Every version stays (keyed by its commitment):
 * an open question about a superseded commitment can still be answered.
 */
export const PRIVATE_TABLE = 'pq_private_values';

export interface PrivateValue {
  field: string;
  period: string;
  enterprise: string;
  commitment: string;
  value: string;
  salt: string;
}

export async function migratePrivateValues(db: Knex): Promise<void> {
  if (await db.schema.hasTable(PRIVATE_TABLE)) return;
  await db.schema.createTable(PRIVATE_TABLE, (t) => {
    t.increments('id');
    t.string('field', 31).notNullable();
    t.string('period', 8).notNullable();
    t.string('enterprise', 18).notNullable();
    t.string('commitment', 80).notNullable();
    t.string('value', 20).notNullable();
    t.string('salt', 80).notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['field', 'period', 'enterprise', 'commitment']);
  });
}

/** The opening of one committed figure, found by the commitment the question pinned. */
export async function openingOf(db: Knex, k: { field: string; period: string; enterprise: string; commitment: string }): Promise<PrivateValue | undefined> {
  return db(PRIVATE_TABLE).where(k).first('field', 'period', 'enterprise', 'commitment', 'value', 'salt');
}

/** The latest opening per enterprise for one figure and period (to reuse a salt when a value is unchanged). */
export async function latestOpenings(db: Knex, field: string, period: string): Promise<Map<string, PrivateValue>> {
  const rows: PrivateValue[] = await db(PRIVATE_TABLE).where({ field, period }).orderBy('id').select('field', 'period', 'enterprise', 'commitment', 'value', 'salt');
  return new Map(rows.map((r) => [r.enterprise, r]));
}

/** How many enterprises have a figure loaded, per figure and period (counts only, never values). */
export async function figureCounts(db: Knex): Promise<{ field: string; period: string; enterprises: number }[]> {
  const rows: { field: string; period: string; enterprises: number | string }[] = await db(PRIVATE_TABLE).groupBy('field', 'period').select('field', 'period').countDistinct({ enterprises: 'enterprise' });
  return rows.map((x) => ({ ...x, enterprises: Number(x.enterprises) }));
}

const CHUNK = 100; // 7 columns a row: stays under SQLite's bound-variable limit

export async function saveOpenings(db: Knex, rows: PrivateValue[], now: number): Promise<void> {
  await db.transaction(async (trx) => {
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx(PRIVATE_TABLE)
        .insert(rows.slice(i, i + CHUNK).map((r) => ({ ...r, created_at: now })))
        .onConflict(['field', 'period', 'enterprise', 'commitment'])
        .ignore();
    }
  });
}
