import type { Knex } from 'knex';
import { ChainError } from '../chain/errors.ts';
import { readBackup, type BackupHeader, type Manifest, type TableStart } from './backupFile.ts';
import { isMysql } from './backupNode.ts';

/** Rows per INSERT, and bytes: under SQLite's bound-variable limit and MySQL's packet size. */
const CHUNK_ROWS = 200;
const CHUNK_BYTES = 4 << 20;

async function tablesOf(db: Knex): Promise<string[]> {
  if (isMysql(db)) return ((await db.raw("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")) as unknown as [Record<string, string>[]])[0].map((r) => Object.values(r)[0]);
  return (await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).map((r: { name: string }) => r.name);
}

/**
 * A backup into an empty database of the same kind. The file is checked against its manifest
 * first, whole, so a damaged backup writes nothing; then tables are made from their own DDL and
 * filled, and every table's row count is checked against the manifest again. SQLite restores in
 * one transaction; MySQL's DDL commits by itself, so a failure there leaves a database to drop.
 */
export async function restoreNode(db: Knex, file: string, opts: { dept?: string } = {}): Promise<{ header: BackupHeader; manifest: Manifest }> {
  const { header, manifest } = await readBackup(file);
  const client = isMysql(db) ? 'mysql' : 'sqlite';
  if (header.client !== client) throw new ChainError('BACKUP_WRONG_DATABASE', `this backup is of a ${header.client} database; restore it into ${header.client}, not ${client}`, { status: 400 });
  if (opts.dept && header.dept !== opts.dept) throw new ChainError('BACKUP_WRONG_DEPT', `this backup is of ${header.dept}'s node, not ${opts.dept}'s`, { status: 400 });
  const existing = await tablesOf(db);
  if (existing.length) throw new ChainError('RESTORE_NOT_EMPTY', `the target database already has ${existing.length} tables (${existing.slice(0, 5).join(', ')}…); restore only into an empty one`, { status: 409 });

  const fill = async (target: Knex) => {
    let table: TableStart | undefined;
    let rows: Record<string, unknown>[] = [];
    let bytes = 0;
    const flush = async () => {
      if (table && rows.length) await target(table.name).insert(rows);
      rows = [];
      bytes = 0;
    };
    await readBackup(file, async (item) => {
      if (item.kind === 'table') {
        await flush();
        table = item.table;
        for (const sql of table.ddl) await target.raw(sql);
        return;
      }
      const row: Record<string, unknown> = {};
      table!.columns.forEach((c, i) => (row[c] = item.values[i]));
      rows.push(row);
      for (const v of item.values) bytes += Buffer.isBuffer(v) ? v.length : typeof v === 'string' ? v.length : 8;
      if (rows.length >= CHUNK_ROWS || bytes >= CHUNK_BYTES) await flush();
    });
    await flush();
  };
  if (client === 'sqlite') await db.transaction((trx) => fill(trx));
  else await fill(db);

  for (const t of manifest.tables) {
    const [{ n }] = await db(t.name).count({ n: '*' });
    if (Number(n) !== t.rows) throw new ChainError('RESTORE_MISMATCH', `table ${t.name}: ${n} rows restored, the manifest says ${t.rows}`, { status: 500 });
  }
  return { header, manifest };
}
