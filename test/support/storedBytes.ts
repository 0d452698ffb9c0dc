import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';

/*
 * What a database administrator could read: for least-knowledge tests that look for a plaintext
 * in a node's storage, both as SQLite files on disk (WAL and journal included) and cell by cell.
 */

/** The bytes of every file in `dir` whose name starts with `prefix` (db, -wal, -shm, -journal). */
export const fileBytes = (dir: string, prefix: string): Buffer =>
  Buffer.concat(readdirSync(dir).filter((f) => f.startsWith(prefix)).map((f) => readFileSync(join(dir, f))));

/** Every cell of every table of an SQLite database, as one string (blobs as latin1). */
export async function allCells(db: Knex): Promise<string> {
  const tables: { name: string }[] = await db.raw(`SELECT name FROM sqlite_master WHERE type = 'table'`);
  let out = '';
  for (const t of tables) for (const row of await db(t.name).select()) out += JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString('latin1') : v));
  return out;
}
