import type { Server } from 'node:http';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type Koa from 'koa';
import type { ConsortiumKeys } from './chain/consortium.ts';
import { createMetrics, type Metrics } from './chain/metrics.ts';
import type { Module } from './chain/module.ts';
import { ChainNode } from './chain/node.ts';
import type { Orderer } from './chain/orderer/orderer.ts';
import type { Clock } from './chain/orderer/localLog.ts';
import { createApp } from './http/app.ts';
import { AuthService, type AuthOptions } from './http/auth.ts';
import { createModules } from './modules.ts';
import { attachPeers } from './approval/peers/peerConfig.ts';
import { VerifiedCache } from './chain/verifiedCache.ts';
import { VerifyPool } from './chain/verifyPool.ts';

export interface NodeSpec {
  dept: string;
  db: Knex;
  orderer: Orderer;
}

export interface Platform {
  nodes: ChainNode[];
  auths: Map<string, AuthService>;
  app: Koa;
  metrics: Metrics;
  node(dept: string): ChainNode;
  listen(port: number, host?: string): Promise<Server>;
  stop(): Promise<void>;
}

/**
 * Composition root: nodes (one per department given) with their modules, sessions and one
 * HTTP app. The embedded mode passes every department; a cluster process passes one.
 */
export async function createPlatform(o: {
  keys: Pick<ConsortiumKeys, 'genesis'> & { nodeKeys: Record<string, string>; encKeys?: Record<string, string[]> };
  specs: NodeSpec[];
  logger: Logger;
  modules?: () => Module[];
  extraMiddleware?: Koa.Middleware[];
  /** sign-in limits, clock and the like for every node's sessions (tests) */
  auth?: AuthOptions;
  trustProxy?: boolean;
  /** the nodes' clock (signing and admission times); the system clock unless given */
  clock?: Clock;
}): Promise<Platform> {
  const metrics = createMetrics();
  const nodes: ChainNode[] = [];
  const auths = new Map<string, AuthService>();
  const verified = new VerifiedCache();
  const verifyPool = new VerifyPool();
  for (const s of o.specs) {
    const node = new ChainNode(
      { dept: s.dept, genesis: o.keys.genesis, privateKey: o.keys.nodeKeys[s.dept], encKeys: o.keys.encKeys?.[s.dept] },
      { db: s.db, orderer: s.orderer, modules: (o.modules ?? createModules)(), logger: o.logger, metrics, verified, verifyPool, clock: o.clock },
    );
    await node.start();
    const auth = new AuthService(node, { metrics, logger: node.log, ...o.auth });
    await auth.migrate();
    nodes.push(node);
    auths.set(s.dept, auth);
  }
  const peersListen = attachPeers(nodes, o.keys.nodeKeys);
  const app = createApp({ nodes, auths, logger: o.logger, metrics, extra: o.extraMiddleware, trustProxy: o.trustProxy });
  let server: Server | undefined;
  return {
    nodes,
    auths,
    app,
    metrics,
    node(dept) {
      const n = nodes.find((x) => x.dept === dept);
      if (!n) throw new Error(`no node for ${dept} in this process`);
      return n;
    },
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve) => {
        server = app.listen(port, host, () => {
          peersListen(host, (server!.address() as { port: number }).port);
          resolve(server!);
        });
      });
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server?.closeAllConnections?.();
      for (const n of nodes) await n.stop();
      const orderers = new Set(o.specs.map((s) => s.orderer));
      for (const ord of orderers) await ord.close();
      for (const s of o.specs) await s.db.destroy();
      await verifyPool.close();
    },
  };
}
