import type { Knex } from 'knex';
import type { ConsortiumKeys } from '../../server/chain/consortium.ts';
import { createMetrics } from '../../server/chain/metrics.ts';
import type { Module } from '../../server/chain/module.ts';
import type { ChainNode } from '../../server/chain/node.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import type { VerifyPool } from '../../server/chain/verifyPool.ts';
import { createTestNode } from './fixtures.ts';

export interface NetworkOpts {
  /** each department's database; in-memory SQLite when absent */
  db?: (dept: string) => Knex | Promise<Knex>;
  modules?: () => Module[];
  /** the ordering log; an in-memory one when absent (and then closed by stop) */
  log?: LocalLog;
  verifyPool?: VerifyPool;
}

/** Every department of the consortium on one local log, on whatever databases the caller gives. */
export async function createNetwork(keys: ConsortiumKeys, opts: NetworkOpts = {}) {
  const log = opts.log ?? new LocalLog(':memory:');
  const metrics = createMetrics();
  const nodes: Record<string, ChainNode> = {};
  for (const m of keys.genesis.members) {
    if (!keys.nodeKeys[m.dept]) continue;
    const db = opts.db ? await opts.db(m.dept) : openDb({ client: 'sqlite', filename: ':memory:' });
    nodes[m.dept] = await createTestNode({ keys, dept: m.dept, orderer: log, db, modules: opts.modules?.(), metrics, verifyPool: opts.verifyPool });
  }
  return {
    log,
    nodes,
    all: () => Object.values(nodes),
    async stop() {
      for (const n of Object.values(nodes)) {
        await n.stop();
        await n.db.destroy();
      }
      if (!opts.log) await log.close();
    },
  };
}

export type Network = Awaited<ReturnType<typeof createNetwork>>;
