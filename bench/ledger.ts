import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { canonicalJson } from '../server/chain/canonical.ts';
import { createConsortium } from '../server/chain/consortium.ts';
import { createMetrics } from '../server/chain/metrics.ts';
import { ChainNode } from '../server/chain/node.ts';
import { LocalLog } from '../server/chain/orderer/localLog.ts';
import { openDb } from '../server/chain/store/openDb.ts';
import { ed25519Suite } from '../server/chain/suites/ed25519.ts';
import { signTx, txId } from '../server/chain/tx.ts';
import { pct } from './percentile.ts';
import type { Figure } from './run.ts';
import { VerifiedCache } from '../server/chain/verifiedCache.ts';
import { VerifyPool } from '../server/chain/verifyPool.ts';

export const method =
  'verify_ceiling: node:crypto ed25519 verify in one worker per core. node_pipeline: one node applies a pre-filled local log of signed user.register ' +
  'transactions into a file SQLite db (verify, execute, commit). embedded_final: all 9 departments in one process, transactions submitted through ' +
  'node.submit, counted when final on every node. latency: submit-to-final at half that rate. cluster4_final: 4 department processes on MariaDB ' +
  'with the mock broker, signed transactions POSTed to all four in batches of 100 (/api/txs, 8 clients), counted when final on every node; ' +
  'cluster4_final_single: one transaction per request (/api/tx, 64 clients; not with --quick). cluster4_cpu_total/node/db: CPU (user + system, ' +
  'from /proc) the batched run used per transaction: all processes (nodes, MariaDB, broker, load generator), one node on average, the MariaDB server. ' +
  'verify_cpu: cores / verify_ceiling. cluster4_cpu_goal: 6 × verify_cpu, the CPU per transaction at which two cores reach ⅔ of verify_ceiling / 4. Each figure is the median of 3 runs (1 with --quick); ' +
  'the cluster figures are one run each.';

const logger = pino({ level: 'silent' });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function verifyCeiling(quick: boolean): Promise<number> {
  const kp = ed25519Suite.generateKeyPair();
  const items = Array.from({ length: 200 }, (_, i) => {
    const msg = `tongban/tx/v1:${i.toString(16).padStart(64, '0')}`;
    return { pub: kp.publicKey, msg, sig: ed25519Suite.sign(kp.privateKey, Buffer.from(msg)) };
  });
  const rounds = quick ? 10 : 40;
  const n = cpus().length;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, () => new Promise((res, rej) => {
      const w = new Worker(new URL('./verifyWorker.mjs', import.meta.url), { workerData: { items, rounds } });
      w.once('message', res);
      w.once('error', rej);
    })),
  );
  return Math.round((n * items.length * rounds) / ((performance.now() - t0) / 1000));
}

function signedRegistrations(c: ReturnType<typeof createConsortium>, dept: string, n: number, time: number) {
  const key = c.nodeKeys[dept];
  const signer = ed25519Suite.publicKeyOf(key);
  return Array.from({ length: n }, (_, i) =>
    signTx({ chain: c.genesis.chain, kind: 'user.register', payload: { id: `bench${i}`, name: `压测${i}`, role: 'approver' }, signer, nonce: i + 1, time }, key, ed25519Suite),
  );
}

export async function nodePipeline(quick: boolean): Promise<number> {
  const n = quick ? 10_000 : 40_000;
  const dir = mkdtempSync(join(tmpdir(), 'tb-bench-'));
  try {
    const c = createConsortium({ chain: 'bench', depts: ['market', 'tax', 'hrss', 'housing'], time: Date.now() });
    const log = new LocalLog(join(dir, 'log.sqlite'));
    const txs = signedRegistrations(c, 'market', n, Date.now());
    for (let i = 0; i < txs.length; i += 5000) await log.append(txs.slice(i, i + 5000).map((tx) => Buffer.from(canonicalJson({ t: 'tx', tx }))));
    await log.append([Buffer.from(canonicalJson({ t: 'cut', h: Math.ceil(n / c.genesis.limits.maxBlockTxs), by: 'market' }))]);
    const verifyPool = new VerifyPool();
    const node = new ChainNode(
      { dept: 'tax', genesis: c.genesis, privateKey: c.nodeKeys.tax },
      { db: openDb({ client: 'sqlite', filename: join(dir, 'tax.sqlite') }), orderer: log, logger, metrics: createMetrics(), verifyPool },
    );
    const t0 = performance.now();
    await node.start();
    const last = txId(txs[n - 1]);
    await node.waitFor(last, 'receipt', 600_000);
    const s = (performance.now() - t0) / 1000;
    await node.stop();
    await node.db.destroy();
    await log.close();
    await verifyPool.close();
    return Math.round(n / s);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function embedded(quick: boolean): Promise<{ tps: number; p50: number; p99: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-bench-'));
  const c = createConsortium({ chain: 'bench', time: Date.now() });
  const log = new LocalLog(join(dir, 'log.sqlite'));
  const metrics = createMetrics();
  const verified = new VerifiedCache();
  const verifyPool = new VerifyPool();
  const nodes: ChainNode[] = [];
  try {
    for (const m of c.genesis.members) {
      const node = new ChainNode({ dept: m.dept, genesis: c.genesis, privateKey: c.nodeKeys[m.dept] }, { db: openDb({ client: 'sqlite', filename: join(dir, `${m.dept}.sqlite`) }), orderer: log, logger, metrics, verified, verifyPool });
      await node.start();
      nodes.push(node);
    }
    const market = nodes[0];
    const allFinal = (h: number) => new Promise<void>((res) => {
      const check = () => (nodes.every((x) => x.finalHeight >= h) ? res() : setTimeout(check, 5));
      check();
    });
    // Peak: submit a burst, count until every node holds it final.
    const n = quick ? 3000 : 10_000;
    const txs = signedRegistrations(c, 'market', n, Date.now());
    const t0 = performance.now();
    for (let i = 0; i < txs.length; i += 500) await Promise.all(txs.slice(i, i + 500).map((tx) => market.submit(tx)));
    const lastRow = await market.waitFor(txId(txs[n - 1]), 'final', 600_000);
    await allFinal(lastRow.height);
    const tps = n / ((performance.now() - t0) / 1000);

    // Latency at half the peak rate: a steady stream, each transaction timed to finality.
    const rate = tps / 2;
    const count = quick ? 1000 : 4000;
    const key = c.nodeKeys.market;
    const signer = ed25519Suite.publicKeyOf(key);
    const lat: Promise<number>[] = [];
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const tx = signTx({ chain: c.genesis.chain, kind: 'user.register', payload: { id: `lat${i}`, name: 'x', role: 'approver' }, signer, nonce: 1_000_000 + i, time: Date.now() }, key, ed25519Suite);
      const t = performance.now();
      lat.push(market.submit(tx).then(({ id }) => market.waitFor(id, 'final', 60_000)).then(() => performance.now() - t));
    }
    const ms = await Promise.all(lat);
    return { tps: Math.round(tps), p50: Math.round(pct(ms, 50)), p99: Math.round(pct(ms, 99)) };
  } finally {
    for (const x of nodes) {
      await x.stop();
      await x.db.destroy();
    }
    await log.close();
    await verifyPool.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runLedgerBench({ quick }: { quick: boolean }): Promise<Figure[]> {
  const runs = quick ? 1 : 3;
  const ceiling: number[] = [];
  const pipeline: number[] = [];
  const emb: { tps: number; p50: number; p99: number }[] = [];
  for (let i = 0; i < runs; i++) {
    ceiling.push(await verifyCeiling(quick));
    pipeline.push(await nodePipeline(quick));
    emb.push(await embedded(quick));
  }
  const out: Figure[] = [
    { metric: 'ledger.verify_ceiling', value: median(ceiling), unit: 'verifications/s' },
    { metric: 'ledger.node_pipeline', value: median(pipeline), unit: 'tx/s' },
    { metric: 'ledger.embedded_final', value: median(emb.map((e) => e.tps)), unit: 'tx/s' },
    { metric: 'ledger.final_latency_p50', value: median(emb.map((e) => e.p50)), unit: 'ms' },
    { metric: 'ledger.final_latency_p99', value: median(emb.map((e) => e.p99)), unit: 'ms' },
  ];
  // CPU time one signature check takes here, and what the whole cluster may spend per
  // transaction for cluster4_final to reach ⅔ of verify_ceiling / 4: six checks' worth, of which
  // its four nodes' checks take four.
  const verifyCpu = (cpus().length * 1e6) / median(ceiling);
  out.push({ metric: 'ledger.verify_cpu', value: Math.round(verifyCpu), unit: 'µs CPU/check' });
  try {
    const { runClusterBench } = await import(optional('./cluster.ts'));
    out.push(...(await runClusterBench({ quick })));
    out.push({ metric: 'ledger.cluster4_cpu_goal', value: Math.round(6 * verifyCpu), unit: 'µs CPU/tx' });
  } catch (err) {
    console.error(`cluster figures skipped: ${(err as Error).message}`);
  }
  try {
    const { runReplayBench } = await import(optional('./replay.ts'));
    out.push(...(await runReplayBench({ quick })));
  } catch (err) {
    console.error(`replay figure skipped: ${(err as Error).message}`);
  }
  return out;
}

/** Suites that other parts of the platform contribute; absent ones are reported and skipped. */
function optional(rel: string): string {
  return new URL(rel, import.meta.url).href;
}
