import type { Knex } from 'knex';
import type { Logger } from 'pino';
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

export interface NodeStatus {
  dept: string;
  chain: string;
  height: number;
  hash: string;
  finalHeight: number;
  lastOffset: number;
  halted: null | { height: number; ours: string; quorum: string };
  members: { dept: string; name: string; nameEn: string; lastAttested: number | null }[];
  quorum: number;
}

export type WaitMode = 'none' | 'receipt' | 'final';

export interface AdmitOptions {
  /** run the contract's own check as well, on a throw-away view of the latest state */
  check?: boolean;
}
