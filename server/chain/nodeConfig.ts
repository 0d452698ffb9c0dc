import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { ChainStatus } from '../../shared/wire/chain.ts';
import type { Metrics } from './metrics.ts';
import type { Module } from './module.ts';
import type { Clock } from './orderer/localLog.ts';
import type { Orderer } from './orderer/orderer.ts';
import type { Genesis } from './schema.ts';
import type { VerifiedCache } from './verifiedCache.ts';
import type { VerifyPool } from './verifyPool.ts';

/** What a ChainNode is built from and what it reports (server/chain/node.ts). */

export interface NodeConfig {
  dept: string;
  genesis: Genesis;
  /** this department's node key (hex); staff transactions are signed with it */
  privateKey: string;
  /** this department's X25519 private keys (hex), oldest first: sealed fields open with them */
  encKeys?: string[];
}

export interface NodeDeps {
  db: Knex;
  orderer: Orderer;
  modules?: Module[];
  logger: Logger;
  metrics: Metrics;
  clock?: Clock;
  /** shared by the nodes of one process; see VerifiedCache */
  verified?: VerifiedCache;
  /** verifies a delivered batch's signatures on every core before blocks are cut from it */
  verifyPool?: VerifyPool;
}

/** what GET /chain/status answers; its shape is the portal's too */
export type NodeStatus = ChainStatus;

export type WaitMode = 'none' | 'receipt' | 'final';

export interface AdmitOptions {
  /** run the contract's own check as well, on a throw-away view of the latest state */
  check?: boolean;
}
