import type { Knex } from 'knex';
import { isMysql } from './migrate.ts';

/**
 * Adds an index to a table that may already exist, once: tables are created when missing, so an
 * index a later version needs is added here rather than in the table's builder alone. On a
 * large table this is the one slow step of an upgrade (the index is built from every row).
 */
export async function ensureIndex(db: Knex, table: string, name: string, columns: string[]): Promise<void> {
  if (isMysql(db)) {
    const [rows] = (await db.raw('select 1 from information_schema.statistics where table_schema = database() and table_name = ? and index_name = ? limit 1', [table, name])) as [unknown[]];
    if (!rows.length) await db.schema.alterTable(table, (t) => t.index(columns, name));
    return;
  }
  await db.raw(`create index if not exists ?? on ?? (${columns.map(() => '??').join(', ')})`, [name, table, ...columns]);
}
