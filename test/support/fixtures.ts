import assert from 'node:assert/strict';
import pino from 'pino';
import type { Knex } from 'knex';
import { createConsortium, type ConsortiumKeys } from '../../server/chain/consortium.ts';
import { createMetrics, type Metrics } from '../../server/chain/metrics.ts';
import type { Module } from '../../server/chain/module.ts';
import { ChainNode } from '../../server/chain/node.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import type { Orderer } from '../../server/chain/orderer/orderer.ts';
import type { Genesis } from '../../server/chain/schema.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import type { VerifyPool } from '../../server/chain/verifyPool.ts';

export const silentLogger = pino({ level: 'silent' });

/** A consortium of the given departments with fast blocks, for tests. */
export function makeConsortium(depts: string[] = ['market', 'tax', 'hrss', 'housing'], limits: Partial<Genesis['limits']> = {}, extra: Partial<Parameters<typeof createConsortium>[0]> = {}): ConsortiumKeys {
  return createConsortium({ chain: 'test-chain', depts, time: Date.now(), limits: { blockWaitMs: 10, ...limits }, ...extra });
}

export interface TestNodeOpts {
  keys: ConsortiumKeys;
  dept: string;
  orderer: Orderer;
  db?: Knex;
  modules?: Module[];
  metrics?: Metrics;
  verifyPool?: VerifyPool;
}

export async function createTestNode(o: TestNodeOpts): Promise<ChainNode> {
  const node = new ChainNode(
    { dept: o.dept, genesis: o.keys.genesis, privateKey: o.keys.nodeKeys[o.dept], encKeys: o.keys.encKeys?.[o.dept] },
    { db: o.db ?? openDb({ client: 'sqlite', filename: ':memory:' }), orderer: o.orderer, modules: o.modules, logger: silentLogger, metrics: o.metrics ?? createMetrics(), verifyPool: o.verifyPool },
  );
  await node.start();
  return node;
}

/** Every department of the consortium on one in-memory local log, as the embedded mode runs. */
export async function createLocalNetwork(keys: ConsortiumKeys, modules: () => Module[] = () => [], opts: { verifyPool?: VerifyPool } = {}) {
  const log = new LocalLog(':memory:');
  const metrics = createMetrics();
  const nodes: Record<string, ChainNode> = {};
  for (const m of keys.genesis.members) nodes[m.dept] = await createTestNode({ keys, dept: m.dept, orderer: log, modules: modules(), metrics, verifyPool: opts.verifyPool });
  return {
    log,
    nodes,
    async stop() {
      for (const n of Object.values(nodes)) {
        await n.stop();
        await n.db.destroy();
      }
      await log.close();
    },
  };
}

/** Resolves once every node has reached the height (and optionally finality). */
export async function waitForHeight(nodes: ChainNode[], height: number, opts: { final?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  while (Date.now() < deadline) {
    if (nodes.every((n) => (opts.final ? n.finalHeight : n.height) >= height)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`nodes did not reach ${opts.final ? 'final ' : ''}height ${height}: ${nodes.map((n) => `${n.dept}=${n.height}/${n.finalHeight}`).join(' ')}`);
}

/** Waits until every node holds the height as final, then asserts they all hold the same block at each height up to it. */
export async function assertSameFinalChain(nodes: ChainNode[], height: number): Promise<void> {
  await waitForHeight(nodes, height, { final: true });
  for (let h = 1; h <= height; h++) {
    const hashes = new Set(await Promise.all(nodes.map(async (n) => (await n.store.blockByHeight(h))!.hash)));
    assert.equal(hashes.size, 1, `height ${h} differs between nodes`);
  }
}
