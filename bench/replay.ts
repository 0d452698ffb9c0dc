import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { buildRegistry } from '../server/chain/buildRegistry.ts';
import { canonicalJson } from '../server/chain/canonical.ts';
import { createConsortium } from '../server/chain/consortium.ts';
import { createMetrics } from '../server/chain/metrics.ts';
import { ChainNode } from '../server/chain/node.ts';
import { LocalLog } from '../server/chain/orderer/localLog.ts';
import { openLedgerStore } from '../server/chain/store/chainStore.ts';
import { openDb } from '../server/chain/store/openDb.ts';
import { ed25519Suite } from '../server/chain/suites/ed25519.ts';
import { signTx, txId } from '../server/chain/tx.ts';
import { replayChain } from '../server/chain/replay.ts';
import { VerifyPool } from '../server/chain/verifyPool.ts';
import type { Figure } from './run.ts';

/** ledger.replay: transactions per second that verify re-checks from genesis (SQLite file). */
export async function runReplayBench({ quick }: { quick: boolean }): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-bench-replay-'));
  try {
    const n = quick ? 10_000 : 30_000;
    const c = createConsortium({ chain: 'bench', depts: ['market', 'tax', 'hrss', 'housing'], time: Date.now() });
    const log = new LocalLog(join(dir, 'log.sqlite'));
    const key = c.nodeKeys.market;
    const signer = ed25519Suite.publicKeyOf(key);
    const now = Date.now();
    const txs = Array.from({ length: n }, (_, i) => signTx({ chain: c.genesis.chain, kind: 'user.register', payload: { id: `r${i}`, name: `回放${i}`, role: 'approver' }, signer, nonce: i + 1, time: now }, key, ed25519Suite));
    for (let i = 0; i < n; i += 5000) await log.append(txs.slice(i, i + 5000).map((tx) => Buffer.from(canonicalJson({ t: 'tx', tx }))));
    await log.append([Buffer.from(canonicalJson({ t: 'cut', h: Math.ceil(n / c.genesis.limits.maxBlockTxs), by: 'market' }))]);
    const file = join(dir, 'tax.sqlite');
    const node = new ChainNode({ dept: 'tax', genesis: c.genesis, privateKey: c.nodeKeys.tax }, { db: openDb({ client: 'sqlite', filename: file }), orderer: log, logger: pino({ level: 'silent' }), metrics: createMetrics() });
    await node.start();
    await node.waitFor(txId(txs[n - 1]), 'receipt', 600_000);
    await node.stop();
    await node.db.destroy();
    await log.close();

    const db = openDb({ client: 'sqlite', filename: file });
    const pool = new VerifyPool();
    const t0 = performance.now();
    const result = await replayChain(openLedgerStore(db), c.genesis, buildRegistry([]), undefined, { pool });
    const s = (performance.now() - t0) / 1000;
    await pool.close();
    await db.destroy();
    if (!result.ok) throw new Error(`replay found a mismatch at ${result.height} ${result.field}`);
    return [{ metric: 'ledger.replay', value: Math.round(n / s), unit: 'tx/s' }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
