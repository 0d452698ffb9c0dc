import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startLocalCluster, type LocalCluster } from '../deploy/localCluster.ts';
import { canonicalJson } from '../server/chain/canonical.ts';
import { createConsortium } from '../server/chain/consortium.ts';
import { createMetrics } from '../server/chain/metrics.ts';
import { ChainNode } from '../server/chain/node.ts';
import { KafkaLog } from '../server/chain/orderer/kafkaLog.ts';
import { openDb } from '../server/chain/store/openDb.ts';
import { VerifyPool } from '../server/chain/verifyPool.ts';
import type { Tx } from '../server/chain/schema.ts';
import { ed25519Suite } from '../server/chain/suites/ed25519.ts';
import { signTx, txId } from '../server/chain/tx.ts';
import { startMariaDb } from '../deploy/mariadb.ts';
import { startMockKafka } from '../test/support/mockKafka.ts';
import { processCpuSeconds } from './processCpu.ts';
import type { Figure } from './run.ts';

const DEPTS = ['market', 'tax', 'hrss', 'housing'];
const quiet = pino({ level: 'silent' });

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

/** `npm run bench -- cluster`: the four-process cluster, then one node alone on the production path. */
export const method =
  'ledger.cluster4_final: 4 department processes on MariaDB with the mock broker, signed transactions POSTed to all four in batches of 100 ' +
  '(/api/txs, 8 clients), counted when final on every node; cluster4_final_single: one per request (/api/tx, 64 clients; not with --quick); ' +
  'cluster4_cpu_total/node/db: CPU (from /proc) per transaction of all processes, one node on average, the MariaDB server. ' +
  'cluster.node_apply: one department node (its ChainNode with the verify pool, in this process) applies a pre-filled Kafka log (mock broker, ' +
  'three brokers) of signed user.register transactions into its own MariaDB database, counted from when it begins to follow the log (schema and genesis made) to the last receipt. ' +
  'node_cpu: CPU (process.cpuUsage, all threads: block loop and verify workers) the node used per transaction over that apply; ' +
  'verify_cpu: one ed25519 signature check on one thread; node_cpu_beyond_verify: node_cpu less one check per transaction ' +
  '(reading, cutting, executing and committing); node_db_cpu: the MariaDB server over the same apply (from /proc). One run each.';

/**
 * One node on the production path, alone: how fast it applies a log that is already there (the
 * way a restarted or new department catches up), and what each transaction costs it beyond its
 * signature check. The log is filled first, so the broker's and the producer's work is not counted.
 */
export async function runNodeApplyBench({ quick }: { quick: boolean }): Promise<Figure[]> {
  // The mock keeps about 5 MB of a partition (README: deploy/), so stay well under 13,000 records.
  const n = quick ? 3000 : 8000;
  const [maria, kafka] = await Promise.all([startMariaDb(), startMockKafka({ brokers: 3, topics: ['bench-node.log'] })]);
  const verifyPool = new VerifyPool();
  try {
    const c = createConsortium({ chain: 'bench-node', depts: DEPTS, time: Date.now() });
    const key = c.nodeKeys.market;
    const signer = ed25519Suite.publicKeyOf(key);
    const now = Date.now();
    const txs = Array.from({ length: n }, (_, i) =>
      signTx({ chain: c.genesis.chain, kind: 'user.register', payload: { id: `k${i}`, name: `压测${i}`, role: 'approver' }, signer, nonce: i + 1, time: now }, key, ed25519Suite),
    );
    const filler = await KafkaLog.connect({ brokers: kafka.bootstrap, chain: c.genesis.chain, clientId: 'bench-fill', logger: quiet, requireLogAppendTime: false });
    for (let i = 0; i < n; i += 500) await filler.append(txs.slice(i, i + 500).map((tx) => Buffer.from(canonicalJson({ t: 'tx', tx }))));
    await filler.append([Buffer.from(canonicalJson({ t: 'cut', h: Math.ceil(n / c.genesis.limits.maxBlockTxs), by: 'market' }))]);
    await filler.close();

    const verifyCpu = verifyCpuMicros(quick ? 2000 : 5000);
    const orderer = await KafkaLog.connect({ brokers: kafka.bootstrap, chain: c.genesis.chain, clientId: 'bench-tax', logger: quiet, requireLogAppendTime: false });
    const db = openDb({ client: 'mysql', connection: await maria.createDatabase('bench_tax') });
    const node = new ChainNode({ dept: 'tax', genesis: c.genesis, privateKey: c.nodeKeys.tax, encKeys: c.encKeys.tax }, { db, orderer, logger: quiet, metrics: createMetrics(), verifyPool });
    // start() makes the schema and the genesis block, then begins to follow the log: count
    // from there, so the figures are the apply's alone.
    await node.start();
    const db0 = processCpuSeconds(maria.pid);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await node.waitFor(txId(txs[n - 1]), 'receipt', 600_000);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const db1 = processCpuSeconds(maria.pid);
    await node.stop();
    await db.destroy();
    const nodeCpu = (cpu.user + cpu.system) / n;
    const out: Figure[] = [
      { metric: 'cluster.node_apply', value: Math.round(n / seconds), unit: 'tx/s' },
      { metric: 'cluster.node_cpu', value: Math.round(nodeCpu), unit: 'µs CPU/tx' },
      { metric: 'cluster.verify_cpu', value: Math.round(verifyCpu), unit: 'µs CPU/check' },
      { metric: 'cluster.node_cpu_beyond_verify', value: Math.round(nodeCpu - verifyCpu), unit: 'µs CPU/tx' },
    ];
    if (db0 !== undefined && db1 !== undefined) out.push({ metric: 'cluster.node_db_cpu', value: Math.round(((db1 - db0) * 1e6) / n), unit: 'µs CPU/tx' });
    return out;
  } finally {
    await verifyPool.close();
    await kafka.stop();
    await maria.stop();
  }
}

/** CPU microseconds one ed25519 check of a transaction signature takes on this thread. */
function verifyCpuMicros(count: number): number {
  const kp = ed25519Suite.generateKeyPair();
  const items = Array.from({ length: 200 }, (_, i) => {
    const msg = Buffer.from(`tongban/tx/v1:${i.toString(16).padStart(64, '0')}`);
    return { msg, sig: ed25519Suite.sign(kp.privateKey, msg) };
  });
  for (const it of items) ed25519Suite.verify(kp.publicKey, it.msg, it.sig); // warm the key cache
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const it = items[i % items.length];
    if (!ed25519Suite.verify(kp.publicKey, it.msg, it.sig)) throw new Error('verify failed');
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / count;
}
