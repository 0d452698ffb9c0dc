import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { buildRegistry } from '../chain/buildRegistry.ts';
import { parseGenesis } from '../chain/genesis.ts';
import { VerifyPool } from '../chain/verifyPool.ts';
import { openLedgerStore } from '../chain/store/chainStore.ts';
import { openDb } from '../chain/store/openDb.ts';
import { replayChain } from '../chain/replay.ts';
import { withArchive } from '../chain/archive/historyArchive.ts';
import { createModules } from '../modules.ts';

/**
 * npm run verify -- --dept market                       data/market.sqlite, data/consortium/genesis.json
 * npm run verify -- --db <file.sqlite | mysql://...> [--genesis <path>] [--data <dir>]
 *   [--archive <file> ...]   state history moved out by npm run archive, oldest first
 *
 * Replays one department's stored chain from genesis and checks every id, signature,
 * receipt, root, hash and certificate. A node started from a snapshot is replayed from the
 * snapshot's height, once the state it imported hashes to the root a quorum signed there. Exit 0 when all match, 1 on the first mismatch
 * (its height and field are printed), 2 when the chain can't be read at all.
 */
const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.TONGBAN_DATA ?? 'data' },
    dept: { type: 'string' },
    db: { type: 'string' },
    genesis: { type: 'string' },
    archive: { type: 'string', multiple: true },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const dataDir = resolve(a.data!);
const genesisPath = resolve(a.genesis ?? join(dataDir, 'consortium', 'genesis.json'));
if (!a.db && !a.dept) fail('usage: npm run verify -- --dept <dept> | --db <sqlite file or mysql url> [--genesis <path>]');
const target = a.db ?? join(dataDir, `${a.dept}.sqlite`);
const isMysql = /^mysql:\/\//.test(target);
// openDb would create an empty file, and an empty chain is not what anyone meant to verify.
if (!isMysql && !existsSync(target)) fail(`no database at ${target}`);
if (!existsSync(genesisPath)) fail(`no genesis at ${genesisPath}`);

const genesis = parseGenesis(JSON.parse(readFileSync(genesisPath, 'utf8')));
const db = isMysql ? openDb({ client: 'mysql', connection: target }) : openDb({ client: 'sqlite', filename: resolve(target) });
const bar = new cliProgress.SingleBar(
  { format: 'verifying |{bar}| {value}/{total} blocks | {txs} txs | {rate} tx/s', stream: process.stderr, hideCursor: true },
  cliProgress.Presets.shades_classic,
);
const started = Date.now();
let barStarted = false;

const pool = new VerifyPool();
try {
  const store = openLedgerStore(db);
  const result = await replayChain(a.archive?.length ? withArchive(store, a.archive.map((f) => resolve(f)), genesis.chain) : store, genesis, buildRegistry(createModules()), (p) => {
    if (!barStarted) {
      bar.start(p.top, 0, { txs: 0, rate: 0 });
      barStarted = true;
    }
    if (p.height % 50 === 0 || p.height === p.top) {
      const rate = Math.round(p.txs / Math.max(0.001, (Date.now() - started) / 1000));
      bar.update(p.height, { txs: p.txs, rate });
    }
  }, { pool });
  if (barStarted) bar.stop();
  const seconds = (Date.now() - started) / 1000;
  if (result.ok) {
    const from = result.from ? ` from a snapshot at height ${result.from} (its root, certificate and signatures checked again)` : ' from genesis';
    console.log(`${genesis.chain}: ${target} verified${from} to height ${result.height}, ${result.txs} transactions, in ${seconds.toFixed(1)} s`);
    process.exitCode = 0;
  } else {
    console.log(`${genesis.chain}: ${target} MISMATCH at height ${result.height}, field ${result.field}`);
    console.log(`  expected: ${result.expected}`);
    console.log(`  actual:   ${result.actual}`);
    const archived = await db('chain_meta').where({ k: 'historyArchivedBelow' }).first();
    if (archived && !a.archive?.length) console.log(`  (state history below height ${archived.v} was archived: give its files with --archive)`);
    process.exitCode = 1;
  }
} catch (err) {
  if (barStarted) bar.stop();
  console.error(`could not verify ${target}: ${(err as Error).message}`);
  process.exitCode = 2;
} finally {
  await db.destroy();
  await pool.close();
}
