import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCluster, type LocalCluster } from '../deploy/localCluster.ts';
import type { Tx } from '../server/chain/schema.ts';
import { ed25519Suite } from '../server/chain/suites/ed25519.ts';
import { signTx } from '../server/chain/tx.ts';
import { processCpuSeconds } from './processCpu.ts';
import type { Figure } from './run.ts';

const DEPTS = ['market', 'tax', 'hrss', 'housing'];

/** One request's worth of transactions, for one department's node. */
interface Request {
  dept: string;
  txs: Tx[];
}

/**
 * ledger.cluster4_final: four department processes (MariaDB each, mock Kafka for order) take
 * signed transactions over HTTP, spread across the four nodes; the clock stops when every node
 * reports the last one's height as final. The headline figure submits in batches of 100
 * (POST /api/txs, 8 clients); ledger.cluster4_final_single sends one transaction per request
 * (POST /api/tx, 64 clients), as an interactive portal does.
 */
export async function runClusterBench({ quick }: { quick: boolean }): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-bench-cluster-'));
  // BENCH_PROFILE=<dir> writes a CPU profile of every node process there.
  const nodeArgs = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const c = await startLocalCluster({ dir, depts: DEPTS, basePort: 18900, nodeArgs });
  try {
    const n = quick ? 4000 : 8000;
    const batched = signed(c, 0, n);
    const cpu0 = cpuSnapshot(c);
    const tps = await run(c, requests(batched, 100), 8, 'txs');
    const out: Figure[] = [{ metric: 'ledger.cluster4_final', value: tps, unit: 'tx/s' }, ...cpuFigures(cpu0, cpuSnapshot(c), n)];
    if (!quick) {
      const single = signed(c, n + 100, n / 2);
      out.push({ metric: 'ledger.cluster4_final_single', value: await run(c, requests(single, 1), 64, 'tx'), unit: 'tx/s' });
    }
    return out;
  } finally {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU seconds used so far by each process of the cluster, and by this one (the load generator). */
function cpuSnapshot(c: LocalCluster): Map<string, number> {
  const out = new Map<string, number>();
  for (const { name, pid } of c.processes()) {
    const s = processCpuSeconds(pid);
    if (s !== undefined) out.set(name, s);
  }
  const own = process.cpuUsage();
  out.set('client', (own.user + own.system) / 1e6);
  return out;
}

/**
 * Where the run's CPU went, in microseconds per transaction: all processes together, one
 * department node (the mean of the four), and the MariaDB server holding all four databases.
 * With the run's rate, these show what share of the machine each part takes.
 */
function cpuFigures(before: Map<string, number>, after: Map<string, number>, count: number): Figure[] {
  const used = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const perTx = (seconds: number) => Math.round((seconds * 1e6) / count);
  if (DEPTS.some((d) => !after.has(d)) || !after.has('mariadb')) return []; // no /proc here
  const nodes = DEPTS.reduce((s, d) => s + used(d), 0);
  const total = [...after.keys()].reduce((s, name) => s + used(name), 0);
  return [
    { metric: 'ledger.cluster4_cpu_total', value: perTx(total), unit: 'µs CPU/tx' },
    { metric: 'ledger.cluster4_cpu_node', value: perTx(nodes / DEPTS.length), unit: 'µs CPU/tx' },
    { metric: 'ledger.cluster4_cpu_db', value: perTx(used('mariadb')), unit: 'µs CPU/tx' },
  ];
}

/** `count` registrations, signed ahead by the four nodes in turn, nonces from `from + 1`. */
function signed(c: LocalCluster, from: number, count: number): { dept: string; tx: Tx }[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const dept = DEPTS[i % DEPTS.length];
    const key = c.keys.nodeKeys[dept];
    const payload = { id: `b${i}`, name: `压测${i}`, role: 'approver' };
    return { dept, tx: signTx({ chain: c.keys.genesis.chain, kind: 'user.register', payload, signer: ed25519Suite.publicKeyOf(key), nonce: i + 1, time: now }, key, ed25519Suite) };
  });
}

/** Groups of `size` per department, the departments taking turns. */
function requests(txs: { dept: string; tx: Tx }[], size: number): Request[] {
  const perDept = DEPTS.map((d) => txs.filter((t) => t.dept === d).map((t) => t.tx));
  const out: Request[] = [];
  for (let i = 0; perDept.some((list) => i < list.length); i += size) {
    perDept.forEach((list, d) => {
      if (i < list.length) out.push({ dept: DEPTS[d], txs: list.slice(i, i + size) });
    });
  }
  return out;
}

/** Submits every request with `clients` concurrent clients; tx/s until the last is final everywhere. */
async function run(c: LocalCluster, reqs: Request[], clients: number, path: 'tx' | 'txs'): Promise<number> {
  const url = (dept: string, p: string) => `${c.urls[dept]}api/${p}`;
  const count = reqs.reduce((s, r) => s + r.txs.length, 0);
  const t0 = performance.now();
  const debug = (m: string) => process.env.BENCH_DEBUG && console.error(`[${Date.now()}] ${m}`);
  let next = 0;
  let retries = 0;
  const client = async () => {
    while (next < reqs.length) {
      const { dept, txs } = reqs[next++];
      const body = JSON.stringify(path === 'txs' ? { txs } : txs[0]);
      // A dropped connection or a 503 (orderer busy) is retried, as a client would.
      for (let attempt = 0; ; attempt++) {
        try {
          const r = await fetch(url(dept, path), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          const text = await r.text();
          if (r.status === 202 || (r.status === 409 && attempt > 0)) break;
          if (r.status !== 503 || attempt >= 5) throw new Error(`submit failed: ${r.status} ${text}`);
        } catch (err) {
          if (attempt >= 5 || (err as Error).message.startsWith('submit failed')) throw err;
          retries++;
        }
        await new Promise((res) => setTimeout(res, 100 * (attempt + 1)));
      }
    }
  };
  debug(`submitting ${count} transactions to /api/${path}`);
  await Promise.all(Array.from({ length: clients }, client));
  debug(`submitted ${count} in ${Math.round(performance.now() - t0)} ms (${retries} retries)`);
  // One more transaction, waited on to finality, marks the end of the run.
  const mk = c.keys.nodeKeys.market;
  const payload = { id: `end${t0}`, name: 'end', role: 'approver' };
  const end = signTx({ chain: c.keys.genesis.chain, kind: 'user.register', payload, signer: ed25519Suite.publicKeyOf(mk), nonce: Date.now() * 1000, time: Date.now() }, mk, ed25519Suite);
  const res = await fetch(url('market', 'tx?wait=final'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(end) });
  const target = ((await res.json()) as { receipt: { height: number } }).receipt.height;
  for (;;) {
    const st = await Promise.all(DEPTS.map(async (d) => (await (await fetch(url(d, 'chain/status'))).json()) as { finalHeight: number }));
    if (st.every((s) => s.finalHeight >= target)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  debug(`final on every node at height ${target}`);
  return Math.round(count / ((performance.now() - t0) / 1000));
}
