import type Router from '@koa/router';
import type { Knex } from 'knex';
import type { ContractDef } from './contract.ts';
import type { GovAction } from './contracts/governance.ts';
import type { BlockTx } from './execute.ts';
import type { Header, Receipt } from './schema.ts';
import type { ChainNode } from './node.ts';

export interface CommittedBlock {
  header: Header;
  hash: string;
  txs: BlockTx[];
  receipts: Receipt[];
}

/**
 * A domain module plugs into a node: contract handlers, governance actions, read-model
 * tables kept in the block's database transaction, HTTP routes, and work to do after a
 * block commits (a data holder answering a query addressed to it, say).
 */
export interface Module {
  name: string;
  contracts?: ContractDef[];
  govActions?: GovAction[];
  migrate?(db: Knex): Promise<void>;
  /** runs inside the block's database transaction, so read models never drift from state */
  project?(trx: Knex.Transaction, block: CommittedBlock, node: ChainNode): Promise<void>;
  /** runs after commit; must not throw (log instead) */
  afterBlock?(block: CommittedBlock, node: ChainNode): Promise<void>;
  /** routes mounted under /<dept>/api */
  routes?(node: ChainNode): Router;
}
