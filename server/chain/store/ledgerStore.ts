import type { Knex } from 'knex';
import type { BlockTx } from '../execute.ts';
import type { Header, Receipt } from '../schema.ts';
import type { StateReader, StateWrite } from '../state.ts';
import type { TimelineRow } from '../../../shared/wire/audit.ts';

export interface Head {
  height: number;
  hash: string;
  stateHash: string;
  lastOffset: number;
  finalHeight: number;
}

export interface BlockRow {
  height: number;
  hash: string;
  header: Header;
}

export interface TxRow {
  id: string;
  height: number;
  index: number;
  offset: number;
  kind: string;
  signer: string;
  actor: string | null;
  raw: string;
  status: 'ok' | 'rejected';
  code: string | null;
  reason: string | null;
  events: Receipt['events'];
}

export interface CommitInput {
  header: Header;
  hash: string;
  txs: BlockTx[];
  receipts: Receipt[];
  writes: StateWrite[];
  nonces: { signer: string; nonce: number }[];
  /** attestations seen since the previous block */
  attestations?: { height: number; dept: string; hash: string; sig: string; offset: number }[];
  finalHeight: number;
}

/** A transaction as the replay reads it: the stored columns, events as their stored text. */
export interface StoredTx {
  id: string;
  height: number;
  idx: number;
  offset: number;
  raw: string;
  status: string;
  code: string | null;
  events: string;
}

/** One state_history row, in the order rows were written. */
export interface HistoryRow {
  id: number;
  k: string;
  height: number;
  tx_id: string;
  old_v: string | null;
  new_v: string | null;
}

/** The audit timeline's row: defined once in shared/, as the audit pages answer it. */
export type { TimelineRow };

/**
 * The ledger's storage: blocks, transactions with receipts, state and its history, nonces and
 * attestations, one database transaction per block. Two implementations, SQLite (sqliteStore.ts)
 * and MySQL/MariaDB (mysqlStore.ts); `openLedgerStore` (chainStore.ts) picks one by the database.
 * The node, the replay and the audit pages read the ledger only through this.
 */
export interface LedgerStore extends StateReader {
  /** the database, for the modules' read models and the HTTP layer's own tables; the ledger's tables are read through the methods below */
  readonly db: Knex;
  migrate(): Promise<void>;
  head(): Promise<Head | undefined>;

  /** committed state for readers outside block execution; never fills the execution cache */
  get(key: string): Promise<string | undefined>;
  getMany(keys: string[]): Promise<Map<string, string>>;
  /** the reader block execution uses, the only one that fills the cache */
  readonly execution: Required<StateReader>;
  /** committed state under a key prefix, in key order: for read paths, never contracts */
  scan(prefix: string, limit?: number): Promise<{ key: string; value: unknown }[]>;

  knownTxIds(ids: string[]): Promise<Set<string>>;
  /** which of these (signer, nonce) pairs earlier blocks used, as "signer:nonce" */
  usedNonces(pairs: { signer: string; nonce: number }[]): Promise<Set<string>>;
  /** the whole block atomically, with what `project` writes in the same transaction */
  commitBlock(input: CommitInput, project?: (trx: Knex.Transaction) => Promise<void>): Promise<void>;

  attestationsAbove(height: number): Promise<{ height: number; dept: string; hash: string; sig: string }[]>;
  attestationsBetween(from: number, to: number): Promise<{ height: number; dept: string; hash: string }[]>;
  lastAttested(): Promise<Record<string, number>>;

  blockByHeight(height: number): Promise<BlockRow | undefined>;
  blockByHash(hash: string): Promise<BlockRow | undefined>;
  blocks(fromHeight: number, limit: number): Promise<BlockRow[]>;
  latestBlocks(limit: number, beforeHeight?: number): Promise<BlockRow[]>;
  blockTimes(heights: number[]): Promise<Map<number, number>>;

  tx(id: string): Promise<TxRow | undefined>;
  txsOfBlock(height: number): Promise<TxRow[]>;
  txsByIds(ids: string[]): Promise<TxRow[]>;
  /** the stored transactions of heights from..to, in block order */
  storedTxs(from: number, to: number): Promise<StoredTx[]>;
  /** receipted-ok transactions of these kinds with their block's time */
  okTxsOfKinds(kinds: string[]): Promise<{ kind: string; time: number; events: string }[]>;
  /** transactions that changed any of `keys` or whose text names `mention` as a JSON string, oldest first */
  timeline(keys: string[], mention: string | undefined, page: { limit: number; offset: number }): Promise<{ total: number; rows: TimelineRow[] }>;

  history(key: string): Promise<{ height: number; txId: string; old: unknown; new: unknown }[]>;
  historyOfTx(txId: string): Promise<{ key: string; old: unknown; new: unknown }[]>;
  /** state_history rows after row `afterId`, in write order */
  historyPage(afterId: number, limit: number): Promise<HistoryRow[]>;
  /** the values each key was ever given, oldest first */
  valuesOfKeys(keys: string[]): Promise<Map<string, { height: number; value: string }[]>>;
  /** keys each transaction changed, in write order */
  keysOfTxs(txIds: string[]): Promise<Map<string, string[]>>;
  /** keys ever written whose name contains `text`, or whose value names it as a JSON string */
  keysMentioning(text: string, limit: number): Promise<string[]>;
  keysUnderPrefix(prefix: string, limit: number): Promise<string[]>;
  /** the state table in key order, after `afterKey` */
  statePage(afterKey: string | undefined, limit: number): Promise<{ k: string; v: string }[]>;

  // What a snapshot at a height holds besides its state (server/chain/snapshot/), in key order.
  /** ids of the transactions at or below `height` (stored or carried in from a snapshot), after `afterId` */
  idsUpTo(height: number, afterId: string | undefined, limit: number): Promise<string[]>;
  /** (signer, nonce) pairs spent at or below `height`, after `after`, by signer then nonce */
  noncesUpTo(height: number, after: { signer: string; nonce: number } | undefined, limit: number): Promise<{ signer: string; nonce: number }[]>;
  /** state_history rows above `height`, after row `afterId`, in write order */
  historyAbove(height: number, afterId: number, limit: number): Promise<HistoryRow[]>;
  /** the votes for heights above `finalHeight` read at or before log offset `maxOffset`, in log order */
  votesUpTo(finalHeight: number, maxOffset: number): Promise<{ height: number; dept: string; hash: string; sig: string; offset: number }[]>;

  /**
   * A read-only, consistent copy of the ledger as of the call, while the node keeps committing;
   * `release` must always be called.
   */
  snapshot(): Promise<{ store: LedgerStore; release(): Promise<void> }>;
}
