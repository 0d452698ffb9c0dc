import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cliDb, lossLines } from '../backup/cliDb.ts';
import { privateLoss } from '../backup/privateLoss.ts';
import { restoreNode } from '../backup/restoreNode.ts';
import { parseGenesis } from '../chain/genesis.ts';

/**
 * npm run restore -- --in <file> [--dept <dept>] [--db <file.sqlite | mysql://...>] [--data <dir>] [--genesis <path>]
 *
 * A backup into an empty database, checked against its manifest before anything is written.
 * Then the node starts as usual and catches up from the log. Prints what the restored database
 * still lacks. Exit 0 restored, 1 restored but something private is missing, 2 not restored.
 */
const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.TONGBAN_DATA ?? 'data' },
    in: { type: 'string' },
    dept: { type: 'string' },
    db: { type: 'string' },
    genesis: { type: 'string' },
  },
});

if (!a.in || (!a.dept && !a.db)) {
  console.error('usage: npm run restore -- --in <file> --dept <dept> [--db <sqlite file | mysql url>]');
  process.exit(2);
}
if (!existsSync(a.in)) {
  console.error(`no backup at ${a.in}`);
  process.exit(2);
}
const { db, target } = cliDb(a);
try {
  const { header, manifest } = await restoreNode(db, resolve(a.in), { dept: a.dept });
  console.log(`${header.dept}: restored ${manifest.tables.length} tables into ${target}, height ${manifest.head?.height ?? '(no chain)'}; every table matches the manifest`);
  const genesisPath = resolve(a.genesis ?? join(resolve(a.data!), 'consortium', 'genesis.json'));
  if (existsSync(genesisPath)) {
    const lost = await privateLoss(db, header.dept, parseGenesis(JSON.parse(readFileSync(genesisPath, 'utf8'))));
    for (const line of lossLines(lost)) console.log(line);
    if (lost.length) process.exitCode = 1;
  } else console.log(`  (no genesis at ${genesisPath}: private tables not checked against the chain)`);
} catch (err) {
  const code = (err as { code?: string }).code;
  console.error(`restore failed${code ? ` [${code}]` : ''}: ${(err as Error).message}`);
  process.exitCode = 2;
} finally {
  await db.destroy();
}
