import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cliDb, cliGenesis, NODE_DB_OPTIONS, refusable } from '../backup/cliDb.ts';
import { archivedRows, exportHistory, pruneHistory } from '../chain/archive/historyArchive.ts';
import { ChainError } from '../chain/errors.ts';
import { openLedgerStore } from '../chain/store/chainStore.ts';

/**
 * npm run archive -- --dept <dept> --below <height> --out <file> [--db <file.sqlite | mysql://...>] [--data <dir>] [--genesis <path>]
 *
 * Moves the state history of heights below a final height out of the node's database into a
 * file: written, read back and checked, and only then deleted. `npm run verify -- --archive
 * <file> ...` replays the chain with the files in front of what the database keeps. Audit pages
 * answer the history of keys from the rows kept. Exit 0 on success, 1 when refused, 2 on usage.
 */
const { values: a } = parseArgs({ options: { ...NODE_DB_OPTIONS, below: { type: 'string' }, out: { type: 'string' } } });
const below = Number(a.below);
if ((!a.dept && !a.db) || !a.out || !(Number.isInteger(below) && below > 0)) {
  console.error('usage: npm run archive -- --dept <dept> --below <height> --out <file>');
  process.exit(2);
}
const genesis = cliGenesis(a);
const { db, target, mysql } = cliDb(a);
if (!mysql && !existsSync(target)) {
  console.error(`no database at ${target}`);
  process.exit(2);
}
const out = resolve(a.out);
await refusable(db, async () => {
  const store = openLedgerStore(db);
  const t = await exportHistory(store, genesis.chain, below, out);
  let n = 0;
  for await (const _ of archivedRows([out], genesis.chain)) n++;
  if (n !== t.rows) throw new ChainError('ARCHIVE_CORRUPT', 'the archive read back differs from what was written; nothing was deleted');
  const deleted = await pruneHistory(store, t);
  console.log(`${genesis.chain}: ${t.rows} state history rows below height ${below} (ids ${t.firstId}..${t.lastId}) to ${out}; ${deleted} deleted from ${target}`);
});
