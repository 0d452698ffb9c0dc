import type Database from 'better-sqlite3';
import type { Knex } from 'knex';

/** Whether knex talks to SQLite through better-sqlite3 (openDb's embedded default). */
export const isBetterSqlite = (db: Knex): boolean => String(db.client.config.client) === 'better-sqlite3';

const prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * A statement compiled once per connection and kept: building SQL and compiling it again for
 * every row or block cost more than running it.
 */
export function statement(conn: Database.Database, sql: string): Database.Statement {
  let cache = prepared.get(conn);
  if (!cache) prepared.set(conn, (cache = new Map()));
  let st = cache.get(sql);
  if (!st) cache.set(sql, (st = conn.prepare(sql)));
  return st;
}

/**
 * Runs `use` on the connection knex would run a query of `db` on: inside a transaction, the
 * transaction's own; otherwise one taken from the pool for the call, so nothing else uses it
 * meanwhile. `use` is synchronous, like better-sqlite3 itself.
 */
export async function withConnection<T>(db: Knex | Knex.Transaction, use: (conn: Database.Database) => T): Promise<T> {
  const client = db.client;
  const conn = (await client.acquireConnection()) as Database.Database;
  try {
    return use(conn);
  } finally {
    await client.releaseConnection(conn);
  }
}

/** Bound-parameter counts an IN list is padded up to, so a handful of statements serve every length. */
const SIZES = [1, 8, 64, 500];
export const MAX_IN = SIZES[SIZES.length - 1];

/**
 * `values` (1 to MAX_IN of them) padded with copies of its last element to one of a few
 * lengths, and the matching "?,?,..." list; repeating a value doesn't change what `IN (...)`
 * matches.
 */
export function inList<V>(values: V[]): { params: V[]; marks: string } {
  const size = SIZES.find((n) => n >= values.length) ?? values.length;
  const params = values.length === size ? values : values.concat(Array<V>(size - values.length).fill(values[values.length - 1]));
  return { params, marks: MARKS.get(size) ?? '?,'.repeat(size).slice(0, -1) };
}

const MARKS = new Map(SIZES.map((n) => [n, '?,'.repeat(n).slice(0, -1)]));
