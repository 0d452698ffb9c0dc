import type Router from '@koa/router';
import type { ContractDef } from './contract.ts';
import type { GovAction } from './contracts/governance.ts';
import type { BlockTx } from './execute.ts';
import type { Header, Receipt } from './schema.ts';
import type { ModuleDb, ModulePort, ProjectionTx } from './modulePort.ts';
import type { TxRow } from './store/chainStore.ts';

export interface CommittedBlock {
  header: Header;
  hash: string;
  txs: BlockTx[];
  receipts: Receipt[];
}

/**
 * Enterprise-signed kinds a module takes at `POST /<dept>/api/tx`. These are checked against
 * state before they are ordered (the contract's own check on a throw-away view) and answered with
 * their receipt, as a portal needs; a module may check more first and add ids to the answer.
 */
export interface Admission {
  kinds: readonly string[];
  /** runs before admission (the right node, attachments stored here); throws a ChainError to refuse */
  before?(raw: { kind: string; payload?: unknown; signer?: unknown }, node: ModulePort): Promise<void>;
  /** what to add to the answer from the receipt (ids of what it created) */
  answer?(row: TxRow): Record<string, unknown>;
}

/**
 * A domain module plugs into a node: contract handlers, governance actions, read-model
 * tables kept in the block's database transaction, HTTP routes, and work to do after a
 * block commits (a data holder answering a query addressed to it, say). Its hooks get the
 * node's module port (modulePort.ts), never the node itself.
 */
export interface Module {
  name: string;
  contracts?: ContractDef[];
  govActions?: GovAction[];
  /** creates the module's own tables */
  migrate?(db: ModuleDb): Promise<void>;
  /** runs inside the block's database transaction, so read models never drift from state */
  project?(trx: ProjectionTx, block: CommittedBlock, node: ModulePort): Promise<void>;
  /**
   * The read-model rows of these state keys, as a block touching them would write them: how a
   * node started from a snapshot (server/chain/snapshot/) fills its read models from the state.
   * Keys outside the module's own come too and are to be passed over.
   */
  projectState?(trx: ProjectionTx, keys: string[], node: ModulePort): Promise<void>;
  /** runs after commit; must not throw (log instead) */
  afterBlock?(block: CommittedBlock, node: ModulePort): Promise<void>;
  /** routes mounted under /<dept>/api */
  routes?(node: ModulePort): Router;
  /** enterprise-signed kinds it takes at the one transaction door, POST /<dept>/api/tx */
  admission?: Admission;
}
