import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Knex } from 'knex';
import { BackupWriter, type Manifest } from './backupFile.ts';

export const isMysql = (db: Knex): boolean => /mysql/.test(String(db.client.config.client));

/**
 * One node's database to a backup file, every table at one instant while the node keeps
 * committing: SQLite copies itself with VACUUM INTO (one statement, so one snapshot) and the
 * copy is read; MySQL/MariaDB reads every table inside one REPEATABLE READ transaction started
 * WITH CONSISTENT SNAPSHOT.
 */
export async function backupNode(db: Knex, dept: string, file: string, now = Date.now()): Promise<Manifest> {
  const w = new BackupWriter(file);
  try {
    await w.header({ format: 'tongban-backup/1', dept, client: isMysql(db) ? 'mysql' : 'sqlite', createdAt: now });
    const head = isMysql(db) ? await dumpMysql(db, w) : await dumpSqlite(db, w);
    return await w.finish(head);
  } catch (err) {
    await w.abort();
    throw err;
  }
}

function headOf(meta: Map<string, string>): Manifest['head'] {
  if (!meta.has('height')) return null;
  return { height: Number(meta.get('height')), hash: String(meta.get('hash')), lastOffset: Number(meta.get('lastOffset') ?? -1) };
}

async function dumpSqlite(db: Knex, w: BackupWriter): Promise<Manifest['head']> {
  const file = join(tmpdir(), `tongban-backup-${process.pid}-${randomBytes(6).toString('hex')}.sqlite`);
  await db.raw('VACUUM INTO ?', [file]);
  const copy = new Database(file, { readonly: true });
  try {
    const tables = copy.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string; sql: string }[];
    let meta = new Map<string, string>();
    for (const t of tables) {
      const indexes = copy.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name").pluck().all(t.name) as string[];
      const stmt = copy.prepare(`SELECT * FROM "${t.name}"`).raw();
      await w.startTable({ name: t.name, columns: stmt.columns().map((c) => c.name), ddl: [t.sql, ...indexes] });
      for (const row of stmt.iterate() as Iterable<unknown[]>) await w.row(row);
      if (t.name === 'chain_meta') meta = new Map(copy.prepare('SELECT k, v FROM chain_meta').raw().all() as [string, string][]);
    }
    return headOf(meta);
  } finally {
    copy.close();
    await Promise.all(['', '-wal', '-shm'].map((s) => rm(file + s, { force: true })));
  }
}

/** knex's mysql2 connection is mysql2's callback Connection; its query streams rows. */
interface MysqlConn {
  query(o: { sql: string; rowsAsArray?: boolean }): { stream(): AsyncIterable<unknown> };
}

async function dumpMysql(db: Knex, w: BackupWriter): Promise<Manifest['head']> {
  const conn = (await db.client.acquireConnection()) as MysqlConn;
  const q = async <T>(sql: string): Promise<T[]> => ((await db.raw(sql).connection(conn as never)) as unknown as [T[]])[0];
  try {
    await q('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await q('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    const tables = (await q<Record<string, string>>("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")).map((r) => Object.values(r)[0]).sort();
    let meta = new Map<string, string>();
    for (const name of tables) {
      const [create] = await q<Record<string, string>>(`SHOW CREATE TABLE \`${name}\``);
      const columns = (await q<{ Field: string }>(`SHOW COLUMNS FROM \`${name}\``)).map((c) => c.Field);
      await w.startTable({ name, columns, ddl: [create['Create Table']] });
      for await (const row of conn.query({ sql: `SELECT ${columns.map((c) => `\`${c}\``).join(', ')} FROM \`${name}\``, rowsAsArray: true }).stream()) await w.row(row as unknown[]);
      if (name === 'chain_meta') meta = new Map((await q<{ k: string; v: string }>('SELECT k, v FROM chain_meta')).map((r) => [r.k, r.v]));
    }
    await q('ROLLBACK');
    return headOf(meta);
  } finally {
    await db.client.releaseConnection(conn);
  }
}
