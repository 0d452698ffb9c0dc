import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { demoEnterprise, prng } from '../server/approval/demo/generator.ts';
import { buildRegistry } from '../server/chain/buildRegistry.ts';
import { replayChain } from '../server/chain/replay.ts';
import { VerifyPool } from '../server/chain/verifyPool.ts';
import { importSnapshot } from '../server/chain/snapshot/importSnapshot.ts';
import { makeSnapshot } from '../server/chain/snapshot/makeSnapshot.ts';
import { snapshotSigsAt } from '../server/chain/snapshot/snapshotSigs.ts';
import { openDb } from '../server/chain/store/openDb.ts';
import { createModules } from '../server/modules.ts';
import { adoptVerificationKeys } from '../server/privacy-query/bootstrap.ts';
import { processProver } from '../server/privacy-query/holder/proverSource.ts';
import { startMariaDb, type MariaDb } from '../deploy/mariadb.ts';
import { login, timeQuestions } from './city/askQuestions.ts';
import { generateWithProgress, openCity } from './city/generate.ts';
import { listKinds } from './lists.ts';
import { BenchClock, makeAwards, timePaymentRun } from './payoutAwards.ts';
import { pct } from './percentile.ts';
import type { Figure } from './run.ts';

export const method =
  'the city generator (bench/city/generate.ts) seeds N enterprises through signed transactions into nine embedded nodes on one local log: SQLite files, or with --mysql ' +
  'one MariaDB database per department on a private mariadbd (deploy/mariadb.ts); ' +
  'then, one request after another over HTTP: dossiers of random enterprises (housing approver) and the portal\'s lists with filters, searches and totals (bench/lists.ts: applications, worklist, inspections, cases, enterprise search, home counts, payout awards, privacy enterprise search; 40 first-page requests each); ' +
  'the privacy keys adopted, 22 yes/no questions (last year\'s tax.paid ≥ 1 million yuan, the qualification stage\'s check) about enterprises of random open construction applications, ' +
  'asked by the market approver on the application\'s basis through POST /privacy/queries and each timed until GET /privacy/queries/:id reads it answered (a Groth16 proof by the tax node), verified and final; ' +
  'p50 and p95 of the last 20 (the first two start the prover); ' +
  'bytes of the market node per transaction (its SQLite files, or its database\'s data_length + index_length after ANALYZE); RSS of the process (all nine nodes; mariadbd apart); ' +
  'replay of the market node; a snapshot made by market and imported into an empty database; ' +
  'last, awards made by the real contracts (bench/payoutAwards.ts, batches of TONGBAN_SCALE_AWARD_BATCH, default 2,000) and one payment run from the finance officer\'s trigger to the pain.001 file, ' +
  'scaled linearly to 100,000 when fewer are made (10,000 with --quick; TONGBAN_SCALE_AWARDS sets the number). N: TONGBAN_SCALE_N, else 10,000 with --quick and 2,000,000 without';

const r1 = (x: number) => Math.round(x * 10) / 10;
const EVERY = 200;
const PASSWORD = 'city-password-1';

/** Bytes a MariaDB database holds in its tables and indexes, with fresh statistics. */
async function mysqlBytes(db: Knex, schema: string): Promise<number> {
  const tables = (await db('information_schema.tables').where({ table_schema: schema }).select('table_name as t')) as { t: string }[];
  for (const { t } of tables) await db.raw('ANALYZE TABLE ??', [t]);
  const [{ b }] = await db('information_schema.tables').where({ table_schema: schema }).sum({ b: db.raw('data_length + index_length') });
  return Number(b);
}

const rssMb = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

export async function runScaleBench(opts: { quick: boolean; mysql?: boolean }): Promise<Figure[]> {
  // --quick is 10,000: on two cores the nine nodes of one process seed a city at about 25
  // enterprises a second (bench/RESULTS.md), so 100,000 would take over an hour, not 30 minutes.
  const n = Number(process.env.TONGBAN_SCALE_N ?? (opts.quick ? 10_000 : 2_000_000));
  // The nine-node city makes about 34 awards a second (four signed transactions each, bench/RESULTS.md),
  // so 100,000 take about 50 minutes and --quick makes a tenth.
  const awards = Number(process.env.TONGBAN_SCALE_AWARDS ?? (opts.quick ? 10_000 : 100_000));
  const awardBatch = Number(process.env.TONGBAN_SCALE_AWARD_BATCH ?? 2000);
  const dir = mkdtempSync(join(tmpdir(), 'tb-scale-'));
  const server: MariaDb | undefined = opts.mysql ? await startMariaDb() : undefined;
  const clock = new BenchClock();
  const p = await openCity(dir, { snapshotEvery: EVERY, clock, mysql: server && ((dept) => server.createDatabase(dept)) });
  const figures: Figure[] = [];
  // Printed as they are measured, so a run that fails late still leaves its earlier figures in the log.
  const keep = (...f: Figure[]) => {
    for (const x of f) console.error(`measured ${JSON.stringify(x)}`);
    figures.push(...f);
  };
  try {
    const seeded = await generateWithProgress(p, n);
    keep({ metric: 'scale.enterprises', value: n, unit: 'enterprises' }, { metric: 'scale.seed_tx_s', value: Math.round(seeded.txs / seeded.seconds), unit: 'tx/s' });

    const http = await p.listen(0);
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const timed = async (samples: number, url: (i: number) => string, cookie: string) => {
      const out: number[] = [];
      for (let i = 0; i < samples + 10; i++) {
        const t = performance.now();
        const r = await fetch(url(i), { headers: { cookie } });
        await r.arrayBuffer();
        if (!r.ok) throw new Error(`${url(i)}: ${r.status}`);
        if (i >= 10) out.push(performance.now() - t);
      }
      return out;
    };
    const housing = await login(base, 'housing', 'approver1', PASSWORD);
    const rnd = prng(42);
    const purpose = encodeURIComponent('工程建设审批 前置信用与监管记录核查');
    const dossier = await timed(200, () => `${base}/housing/api/approval/dossier/${demoEnterprise(Math.floor(rnd() * n)).code}?purpose=${purpose}`, housing.cookie);
    // The portal's lists as bench/lists.ts asks for them (first pages with filters, searches and totals), 40 requests each.
    const list: number[] = [];
    let worst = { name: '', p95: 0 };
    for (const k of listKinds(n).filter((x) => !x.deep && !x.name.startsWith('dossier'))) {
      const who = await login(base, k.dept, k.user, PASSWORD);
      const times = await timed(40, (i) => `${base}/${k.dept}/api/${k.path(i)}`, who.cookie);
      list.push(...times);
      if (pct(times, 95) > worst.p95) worst = { name: k.name, p95: pct(times, 95) };
    }
    keep(
      { metric: 'scale.dossier_p95', value: r1(pct(dossier, 95)), unit: 'ms' },
      { metric: 'scale.list_p95', value: r1(pct(list, 95)), unit: 'ms (all lists together)' },
      { metric: 'scale.list_worst_p95', value: r1(worst.p95), unit: `ms (${worst.name})` },
    );

    // The city's administrators adopt the built circuit keys, as the demo does after its history.
    await adoptVerificationKeys(p.nodes);
    // As the market approver does at a construction application's qualification stage: last year's tax paid, on the application's basis.
    const open = (await p.node('market').db('ap_applications').where({ process: 'construction' }).whereIn('status', ['inProgress', 'returned']).select('id as app', 'code')) as { app: string; code: string }[];
    if (!open.length) throw new Error('no open construction application to ask on');
    const asked = Array.from({ length: 22 }, () => open[Math.floor(rnd() * open.length)]);
    const market1 = await login(base, 'market', 'approver1', PASSWORD);
    const answers = await timeQuestions(base, 'market', market1, asked, { field: 'tax.paid', purpose: '工程建设审批 企业资质核验' });
    const warm = answers.slice(2); // the first two load the prover's circuit
    keep({ metric: 'scale.question_e2e_p50', value: Math.round(pct(warm, 50)), unit: 'ms' }, { metric: 'scale.question_e2e_p95', value: Math.round(pct(warm, 95)), unit: 'ms' });

    const market = p.node('market');
    const [{ c }] = await market.db('txs').count({ c: '*' });
    const txs = Number(c);
    const bytes = server ? await mysqlBytes(market.db, 'market') : readdirSync(dir).filter((f) => f.startsWith('market.sqlite')).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
    keep({ metric: 'scale.txs', value: txs, unit: 'tx' }, { metric: 'scale.bytes_per_tx', value: Math.round(bytes / txs), unit: server ? 'B (market database, data + index)' : 'B' }, { metric: 'scale.node_rss_mb', value: Math.round(process.memoryUsage().rss / 2 ** 20), unit: 'MB (nine nodes, one process)' });
    if (server) keep({ metric: 'scale.mariadb_rss_mb', value: rssMb(server.pid), unit: 'MB (mariadbd, nine databases)' });

    const t0 = performance.now();
    // with the signature pool, as `npm run verify` replays
    const pool = new VerifyPool();
    const replayed = await replayChain(market.store, market.genesis, buildRegistry(createModules()), undefined, { pool }).finally(() => pool.close());
    const replaySeconds = (performance.now() - t0) / 1000;
    if (!replayed.ok) throw new Error(`replay failed at ${replayed.height}: ${replayed.field}`);
    const rate = txs / replaySeconds;
    keep({ metric: 'scale.replay_tx_s', value: Math.round(rate), unit: 'tx/s' }, { metric: 'scale.replay_2m_extrapolated', value: Math.round(((txs / n) * 2_000_000) / rate / 60), unit: 'min' });

    // A snapshot at the highest checkpoint a quorum signed, imported into an empty database.
    const head = (await market.store.head())!;
    let h = head.finalHeight - (head.finalHeight % EVERY);
    while (h > 0 && (await snapshotSigsAt(market.db, h)).length < 7) h -= EVERY;
    if (h > 0) {
      const file = join(dir, 'market.snap');
      const t1 = performance.now();
      const copy = await market.store.snapshot();
      await makeSnapshot(copy.store, market.genesis, h, file).finally(() => copy.release());
      const made = (performance.now() - t1) / 1000;
      const fresh = server ? openDb({ client: 'mysql', connection: await server.createDatabase('fresh') }) : openDb({ client: 'sqlite', filename: join(dir, 'fresh.sqlite') });
      const t2 = performance.now();
      await importSnapshot(fresh, market.genesis, file);
      await fresh.destroy();
      keep({ metric: 'scale.snapshot_make_s', value: r1(made), unit: 's' }, { metric: 'scale.snapshot_import_s', value: r1((performance.now() - t2) / 1000), unit: 's' }, { metric: 'scale.snapshot_bytes', value: statSync(file).size, unit: 'B' });
    } else {
      console.error(`no snapshot figures: no checkpoint (every ${EVERY} blocks) signed by a quorum up to final height ${head.finalHeight}`);
    }

    // Last, so the figures above are the generated city's: the awards add four transactions each.
    const t3 = performance.now();
    const { policy } = await makeAwards(p, awards, { clock, batch: awardBatch });
    const making = (performance.now() - t3) / 1000;
    const run = await timePaymentRun(p, policy, awards);
    const scaled = awards === 100_000 ? '' : ` (scaled linearly from a run of ${awards} awards)`;
    keep(
      { metric: 'scale.payout_run_100k_s', value: r1((run * 100_000) / awards), unit: `s, trigger to pain.001 file${scaled}` },
      { metric: 'scale.payout_awards_made_per_s', value: r1(awards / making), unit: `awards/s (register, file, apply, decide; ${awards} awards)` },
    );
    return figures;
  } finally {
    await p.stop();
    await processProver.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
