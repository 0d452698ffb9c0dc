import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCluster } from '../deploy/localCluster.ts';
import { ed25519Suite } from '../server/chain/suites/ed25519.ts';
import { signTx } from '../server/chain/tx.ts';
import type { Figure } from './run.ts';

/**
 * ledger.cluster4_final: four department processes (MariaDB each, mock Kafka for order)
 * take signed transactions over HTTP, spread across the four nodes; the clock stops when
 * every node reports the last one's height as final.
 */
export async function runClusterBench({ quick }: { quick: boolean }): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-bench-cluster-'));
  const depts = ['market', 'tax', 'hrss', 'housing'];
  // BENCH_PROFILE=<dir> writes a CPU profile of every node process there.
  const nodeArgs = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const c = await startLocalCluster({ dir, depts, basePort: 18900, nodeArgs });
  try {
    const n = quick ? 4000 : 8000;
    const now = Date.now();
    const txs = Array.from({ length: n }, (_, i) => {
      const dept = depts[i % 4];
      const key = c.keys.nodeKeys[dept];
      return { dept, tx: signTx({ chain: c.keys.genesis.chain, kind: 'user.register', payload: { id: `b${i}`, name: `压测${i}`, role: 'approver' }, signer: ed25519Suite.publicKeyOf(key), nonce: i + 1, time: now }, key, ed25519Suite) };
    });
    const url = (dept: string, path: string) => `${c.urls[dept]}api/${path}`;
    const t0 = performance.now();
    let next = 0;
    let retries = 0;
    const worker = async () => {
      while (next < txs.length) {
        const { dept, tx } = txs[next++];
        // A dropped connection or a 503 (orderer busy) is retried, as a client would.
        for (let attempt = 0; ; attempt++) {
          try {
            const r = await fetch(url(dept, 'tx'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tx) });
            const body = await r.text();
            if (r.status === 202 || (r.status === 409 && attempt > 0)) break;
            if (r.status !== 503 || attempt >= 5) throw new Error(`submit failed: ${r.status} ${body}`);
          } catch (err) {
            if (attempt >= 5 || (err as Error).message.startsWith('submit failed')) throw err;
            retries++;
          }
          await new Promise((res) => setTimeout(res, 100 * (attempt + 1)));
        }
      }
    };
    await Promise.all(Array.from({ length: 64 }, worker));
    if (process.env.BENCH_DEBUG) console.error(`submitted ${n} in ${Math.round(performance.now() - t0)} ms (${retries} retries)`);
    // One more transaction, waited on to finality, marks the end of the run.
    const mk = c.keys.nodeKeys.market;
    const end = signTx({ chain: c.keys.genesis.chain, kind: 'user.register', payload: { id: 'end', name: 'end', role: 'approver' }, signer: ed25519Suite.publicKeyOf(mk), nonce: n + 10, time: Date.now() }, mk, ed25519Suite);
    const lastId = (await (await fetch(url('market', 'tx?wait=final'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(end) })).json()) as { receipt: { height: number } };
    const target = lastId.receipt.height;
    if (process.env.BENCH_DEBUG) console.error(`last committed at height ${target} after ${Math.round(performance.now() - t0)} ms`);
    for (;;) {
      const st = await Promise.all(depts.map(async (d) => (await (await fetch(url(d, 'chain/status'))).json()) as { finalHeight: number }));
      if (st.every((s) => s.finalHeight >= target)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const s = (performance.now() - t0) / 1000;
    return [{ metric: 'ledger.cluster4_final', value: Math.round(n / s), unit: 'tx/s' }];
  } finally {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
