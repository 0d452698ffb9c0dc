import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cliDb, cliGenesis, NODE_DB_OPTIONS, refusable } from '../backup/cliDb.ts';
import { importSnapshot } from '../chain/snapshot/importSnapshot.ts';
import { makeSnapshot } from '../chain/snapshot/makeSnapshot.ts';
import { openLedgerStore } from '../chain/store/chainStore.ts';

/**
 * npm run snapshot -- --dept <dept> --height <h> --out <file>     a snapshot of this node at checkpoint h
 * npm run snapshot -- --dept <dept> --import <file>               an empty node database filled from one
 * (both take [--db <file.sqlite | mysql://...>] [--data <dir>] [--genesis <path>])
 *
 * A snapshot is a node's state, spent transaction ids and nonces, and pending votes at a final
 * checkpoint height, with the members' signatures over its root and the membership changes up to
 * it. Importing checks all of it against the members at that height (reached from genesis through
 * those changes) before writing anything; the node then starts at that height
 * and follows the log from there. Exit 0 on success, 1 when the file is refused, 2 on usage.
 */
const { values: a } = parseArgs({ options: { ...NODE_DB_OPTIONS, height: { type: 'string' }, out: { type: 'string' }, import: { type: 'string' } } });

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

const making = a.out !== undefined;
if (!a.dept && !a.db) usage('usage: npm run snapshot -- --dept <dept> (--height <h> --out <file> | --import <file>)');
if (making === (a.import !== undefined)) usage('give either --height and --out, or --import');
const height = Number(a.height);
if (making && !(Number.isInteger(height) && height > 0)) usage('--height must be a positive whole number: a checkpoint height');
if (a.import !== undefined && !existsSync(a.import)) usage(`no snapshot file at ${a.import}`);
const genesis = cliGenesis(a);
const { db, target, mysql } = cliDb(a);
if (making && !mysql && !existsSync(target)) usage(`no database at ${target}`);

const started = Date.now();
await refusable(db, async () => {
  if (making) {
    const store = openLedgerStore(db);
    const copy = await store.snapshot();
    try {
      const m = await makeSnapshot(copy.store, genesis, height, resolve(a.out!));
      console.log(`${genesis.chain}: snapshot of ${target} at height ${m.height} (${m.hash}) to ${resolve(a.out!)}`);
      console.log(`  root ${m.root}, signed by ${m.sigs.map((s) => s.dept).join(', ')}`);
      console.log(`  ${m.counts.state} state entries, ${m.counts.ids} transaction ids, ${m.counts.nonces} nonces, ${m.counts.votes} votes`);
    } finally {
      await copy.release();
    }
  } else {
    const r = await importSnapshot(db, genesis, resolve(a.import!));
    console.log(`${genesis.chain}: ${target} starts at height ${r.height} (${r.hash}); ${r.counts.state} state entries, ${r.counts.ids} transaction ids`);
    console.log('  start the node as usual: it follows the log from the block after the snapshot');
  }
  console.log(`  in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
