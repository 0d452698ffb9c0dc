import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { demoEnterprise, prng } from '../server/approval/demo/generator.ts';
import { buildRegistry } from '../server/chain/buildRegistry.ts';
import { replayChain } from '../server/chain/replay.ts';
import { importSnapshot } from '../server/chain/snapshot/importSnapshot.ts';
import { makeSnapshot } from '../server/chain/snapshot/makeSnapshot.ts';
import { snapshotSigsAt } from '../server/chain/snapshot/snapshotSigs.ts';
import { openDb } from '../server/chain/store/openDb.ts';
import { createModules } from '../server/modules.ts';
import { generateWithProgress, openCity } from './city/generate.ts';
import { pct } from './percentile.ts';
import type { Figure } from './run.ts';

export const method =
  'the city generator (bench/city/generate.ts) seeds N enterprises through signed transactions into nine embedded SQLite nodes on one local log; ' +
  'then, one request after another over HTTP: dossiers of random enterprises (housing approver) and application lists with filters and totals; ' +
  'bytes on disk of the market node per transaction; RSS of the process (all nine nodes); replay of the market node; a snapshot made by market and imported into an empty database. ' +
  'N: TONGBAN_SCALE_N, else 100,000 with --quick and 2,000,000 without';

const r1 = (x: number) => Math.round(x * 10) / 10;
const EVERY = 200;

export async function runScaleBench(opts: { quick: boolean }): Promise<Figure[]> {
  const n = Number(process.env.TONGBAN_SCALE_N ?? (opts.quick ? 100_000 : 2_000_000));
  const dir = mkdtempSync(join(tmpdir(), 'tb-scale-'));
  const p = await openCity(dir, { snapshotEvery: EVERY });
  const figures: Figure[] = [];
  try {
    const seeded = await generateWithProgress(p, n);
    figures.push({ metric: 'scale.enterprises', value: n, unit: 'enterprises' }, { metric: 'scale.seed_tx_s', value: Math.round(seeded.txs / seeded.seconds), unit: 'tx/s' });

    const server = await p.listen(0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cookieOf = async (dept: string, user: string) => {
      const res = await fetch(`${base}/${dept}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password: 'city-password-1' }) });
      if (!res.ok) throw new Error(`login ${dept}/${user}: ${res.status}`);
      return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    };
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
    const housing = await cookieOf('housing', 'approver1');
    const rnd = prng(42);
    const purpose = encodeURIComponent('工程建设审批 前置信用与监管记录核查');
    const dossier = await timed(200, () => `${base}/housing/api/approval/dossier/${demoEnterprise(Math.floor(rnd() * n)).code}?purpose=${purpose}`, housing);
    const service = await cookieOf('service', 'clerk1');
    const lists = ['status=approved', 'status=in_progress&q=滨江', 'process=construction', 'q=有限公司', ''];
    const list = await timed(200, (i) => `${base}/service/api/approval/applications?${lists[i % lists.length]}&limit=20`, service);
    figures.push({ metric: 'scale.dossier_p95', value: r1(pct(dossier, 95)), unit: 'ms' }, { metric: 'scale.list_p95', value: r1(pct(list, 95)), unit: 'ms' });

    const market = p.node('market');
    const [{ c }] = await market.db('txs').count({ c: '*' });
    const txs = Number(c);
    const bytes = readdirSync(dir).filter((f) => f.startsWith('market.sqlite')).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
    figures.push({ metric: 'scale.txs', value: txs, unit: 'tx' }, { metric: 'scale.bytes_per_tx', value: Math.round(bytes / txs), unit: 'B' }, { metric: 'scale.node_rss_mb', value: Math.round(process.memoryUsage().rss / 2 ** 20), unit: 'MB (nine nodes, one process)' });

    const t0 = performance.now();
    const replayed = await replayChain(market.store, market.genesis, buildRegistry(createModules()));
    const replaySeconds = (performance.now() - t0) / 1000;
    if (!replayed.ok) throw new Error(`replay failed at ${replayed.height}: ${replayed.field}`);
    const rate = txs / replaySeconds;
    figures.push({ metric: 'scale.replay_tx_s', value: Math.round(rate), unit: 'tx/s' }, { metric: 'scale.replay_2m_extrapolated', value: Math.round(((txs / n) * 2_000_000) / rate / 60), unit: 'min' });

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
      const fresh = openDb({ client: 'sqlite', filename: join(dir, 'fresh.sqlite') });
      const t2 = performance.now();
      await importSnapshot(fresh, market.genesis, file);
      await fresh.destroy();
      figures.push({ metric: 'scale.snapshot_make_s', value: r1(made), unit: 's' }, { metric: 'scale.snapshot_import_s', value: r1((performance.now() - t2) / 1000), unit: 's' }, { metric: 'scale.snapshot_bytes', value: statSync(file).size, unit: 'B' });
    }
    return figures;
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
