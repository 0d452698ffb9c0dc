import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { approvalModule } from '../server/approval/index.ts';
import { demoEnterprise, prng } from '../server/approval/demo/generator.ts';
import { createConsortium } from '../server/chain/consortium.ts';
import { LocalLog } from '../server/chain/orderer/localLog.ts';
import { openDb } from '../server/chain/store/openDb.ts';
import { seedDemo } from '../server/demo/seed.ts';
import { createPlatform } from '../server/platform.ts';
import { pct } from './percentile.ts';
import type { Figure } from './run.ts';

const DEPTS = ['service', 'market', 'housing', 'enforcement', 'audit'];
const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The one-click dossier under load: the demo city seeded with 10,000 enterprises (1,000 with
 * --quick) through real signed transactions into file-backed SQLite nodes, then a housing
 * approver opens dossiers of enterprises picked at random, one request after another over
 * HTTP. Each request records its view on the chain, so blocks are being cut and projected on
 * every node while it is measured. Five departments keep seeding time reasonable; the dossier
 * path is the same with nine.
 */
export async function runDossierBench(opts: { quick: boolean }): Promise<Figure[]> {
  const n = opts.quick ? 1000 : 10_000;
  const samples = opts.quick ? 200 : 1000;
  const dir = mkdtempSync(join(tmpdir(), 'tb-dossier-'));
  const keys = createConsortium({ chain: 'bench-dossier', depts: DEPTS, time: Date.now() });
  const log = new LocalLog(join(dir, 'log.sqlite'));
  const specs = DEPTS.map((dept) => ({ dept, db: openDb({ client: 'sqlite', filename: join(dir, `${dept}.sqlite`) }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger: pino({ level: 'silent' }), modules: () => [approvalModule()] });
  try {
    const password = 'bench-password-1';
    const t0 = performance.now();
    await seedDemo(p, { password, enterprises: n });
    const seedSeconds = (performance.now() - t0) / 1000;
    const server = await p.listen(0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const res = await fetch(`${base}/housing/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'approver1', password }) });
    if (!res.ok) throw new Error(`login failed: ${res.status}`);
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const purpose = encodeURIComponent('工程建设审批 前置信用与监管记录核查');
    const rnd = prng(42);
    const latencies: number[] = [];
    for (let i = 0; i < samples + 20; i++) {
      const code = demoEnterprise(Math.floor(rnd() * n)).code;
      const t = performance.now();
      const r = await fetch(`${base}/housing/api/approval/dossier/${code}?purpose=${purpose}`, { headers: { cookie } });
      const body = (await r.json()) as { credit?: unknown };
      if (!r.ok || !body.credit) throw new Error(`dossier ${code}: ${r.status}`);
      if (i >= 20) latencies.push(performance.now() - t); // the first 20 warm caches and JIT
    }
    return [
      { metric: 'dossier.p50', value: round1(pct(latencies, 50)), unit: 'ms' },
      { metric: 'dossier.p95', value: round1(pct(latencies, 95)), unit: 'ms' },
      { metric: 'dossier.enterprises', value: n, unit: 'enterprises' },
      { metric: 'dossier.seed_time', value: Math.round(seedSeconds), unit: 's' },
    ];
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
