import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backupNode } from '../backup/backupNode.ts';
import { cliDb } from '../backup/cliDb.ts';

/**
 * npm run backup -- --dept <dept> [--db <file.sqlite | mysql://...>] [--data <dir>] --out <file>
 *
 * One node's database (ledger, read models, private tables, material files, sign-in tables) to
 * one file with a manifest, consistent while the node runs. Exit 0 on success, 2 otherwise.
 */
const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.TONGBAN_DATA ?? 'data' },
    dept: { type: 'string' },
    db: { type: 'string' },
    out: { type: 'string' },
  },
});

if (!a.dept || !a.out) {
  console.error('usage: npm run backup -- --dept <dept> [--db <sqlite file | mysql url>] --out <file>');
  process.exit(2);
}
const { db, target, mysql } = cliDb(a);
if (!mysql && !existsSync(target)) {
  console.error(`no database at ${target}`);
  process.exit(2);
}
try {
  const m = await backupNode(db, a.dept, resolve(a.out));
  const rows = m.tables.reduce((s, t) => s + t.rows, 0);
  console.log(`${a.dept}: backed up ${m.tables.length} tables, ${rows} rows, at height ${m.head?.height ?? '(no chain)'} to ${resolve(a.out)}`);
  for (const t of m.tables) console.log(`  ${t.name.padEnd(24)} ${t.class.padEnd(9)} ${String(t.rows).padStart(9)}  ${t.sha256}`);
} catch (err) {
  console.error(`backup failed: ${(err as Error).message}`);
  process.exitCode = 2;
} finally {
  await db.destroy();
}
