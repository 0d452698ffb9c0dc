import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cliDb } from '../backup/cliDb.ts';
import { archivedRows, exportHistory, pruneHistory } from '../chain/archive/historyArchive.ts';
import { ChainError } from '../chain/errors.ts';
import { parseGenesis } from '../chain/genesis.ts';
import { openLedgerStore } from '../chain/store/chainStore.ts';

/**
 * npm run archive -- --dept <dept> --below <height> --out <file> [--db <file.sqlite | mysql://...>] [--data <dir>] [--genesis <path>]
 *
 * Moves the state history of heights below a final height out of the node's database into a
 * file: written, read back and checked, and only then deleted. `npm run verify -- --archive
 * <file> ...` replays the chain with the files in front of what the database keeps. Audit pages
 * answer the history of keys from the rows kept. Exit 0 on success, 1 when refused, 2 on usage.
 */
const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.TONGBAN_DATA ?? 'data' },
    dept: { type: 'string' },
    db: { type: 'string' },
    genesis: { type: 'string' },
    below: { type: 'string' },
    out: { type: 'string' },
  },
});
const below = Number(a.below);
if ((!a.dept && !a.db) || !a.out || !(Number.isInteger(below) && below > 0)) {
  console.error('usage: npm run archive -- --dept <dept> --below <height> --out <file>');
  process.exit(2);
}
const genesisPath = resolve(a.genesis ?? join(resolve(a.data!), 'consortium', 'genesis.json'));
if (!existsSync(genesisPath)) {
  console.error(`no genesis at ${genesisPath}`);
  process.exit(2);
}
const genesis = parseGenesis(JSON.parse(readFileSync(genesisPath, 'utf8')));
const { db, target, mysql } = cliDb(a);
if (!mysql && !existsSync(target)) {
  console.error(`no database at ${target}`);
  process.exit(2);
}
try {
  const store = openLedgerStore(db);
  const t = await exportHistory(store, genesis.chain, below, resolve(a.out));
  let n = 0;
  for await (const _ of archivedRows([resolve(a.out)], genesis.chain)) n++;
  if (n !== t.rows) throw new ChainError('ARCHIVE_CORRUPT', 'the archive read back differs from what was written; nothing was deleted');
  const deleted = await pruneHistory(store, t);
  console.log(`${genesis.chain}: ${t.rows} state history rows below height ${below} (ids ${t.firstId}..${t.lastId}) to ${resolve(a.out)}; ${deleted} deleted from ${target}`);
} catch (err) {
  if (!(err instanceof ChainError)) throw err;
  console.error(`refused (${err.code}): ${err.message}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
