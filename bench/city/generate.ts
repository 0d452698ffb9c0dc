import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import pino from 'pino';
import { createConsortium } from '../../server/chain/consortium.ts';
import { LocalLog, type Clock } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { generateCity } from '../../server/demo/city/generateCity.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { loadOrCreateConsortium } from '../../server/consortiumFiles.ts';

export const CITY_DEPTS = ['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service'];

/**
 * An embedded city of nine department nodes on SQLite files under `dir` (or on MariaDB, one
 * database per department, when `mysql` is a server URL without a database and `createDb`
 * makes them), sharing a local log, with checkpoints every `snapshotEvery` blocks. A `clock`
 * drives the log and the nodes alike, so a bench can let a publicity period pass.
 */
export async function openCity(dir: string, o: { snapshotEvery?: number; mysql?: (dept: string) => Promise<string>; clock?: Clock } = {}): Promise<Platform> {
  mkdirSync(dir, { recursive: true });
  // kept beside the databases: a city reopened later (to resume, or to be measured) signs with the keys its genesis names
  const keys = loadOrCreateConsortium(join(dir, 'consortium'), () => createConsortium({ chain: 'city', depts: CITY_DEPTS, time: Date.UTC(2026, 0, 1), limits: { snapshotEvery: o.snapshotEvery ?? 1000 } }));
  const log = new LocalLog(join(dir, 'log.sqlite'), o.clock);
  const specs = await Promise.all(
    CITY_DEPTS.map(async (dept) => ({
      dept,
      db: o.mysql ? openDb({ client: 'mysql', connection: await o.mysql(dept) }) : openDb({ client: 'sqlite', filename: join(dir, `${dept}.sqlite`) }),
      orderer: log,
    })),
  );
  return createPlatform({ keys, specs, logger: pino({ level: 'silent' }), clock: o.clock });
}

/** Seeds `n` enterprises with a progress bar and an estimate of the time left. */
export async function generateWithProgress(p: Platform, n: number, batch?: number) {
  const bar = new cliProgress.SingleBar(
    { format: 'city |{bar}| {value}/{total} enterprises | {rate}/s | {eta_formatted} left', stream: process.stderr, hideCursor: true, etaBuffer: 20, noTTYOutput: true, notTTYSchedule: 10_000 },
    cliProgress.Presets.shades_classic,
  );
  const t0 = performance.now();
  bar.start(n, 0, { rate: 0 });
  try {
    return await generateCity(p, {
      enterprises: n,
      batch,
      onProgress: (done) => bar.update(done, { rate: Math.round(done / Math.max(0.001, (performance.now() - t0) / 1000)) }),
    });
  } finally {
    bar.stop();
  }
}

// npx tsx bench/city/generate.ts --enterprises 10000 [--batch 500] [--dir data/city]
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: a } = parseArgs({ options: { enterprises: { type: 'string', default: '1000' }, batch: { type: 'string' }, dir: { type: 'string', default: 'data/city' } } });
  const n = Number(a.enterprises);
  if (!(Number.isInteger(n) && n > 0)) {
    console.error('--enterprises must be a positive whole number');
    process.exit(2);
  }
  const p = await openCity(resolve(a.dir!));
  try {
    const r = await generateWithProgress(p, n, a.batch ? Number(a.batch) : undefined);
    console.log(`${r.enterprises} enterprises, ${r.txs} transactions in ${r.seconds.toFixed(0)} s (${Math.round(r.txs / r.seconds)} tx/s) into ${resolve(a.dir!)}`);
  } finally {
    await p.stop();
  }
}
