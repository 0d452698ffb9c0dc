import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { SealRecipient } from './sealing/envelope.ts';
import type { Cert, Genesis, Tx } from './schema.ts';
import type { StateView } from './state.ts';
import type { BlockRow, TxRow } from './store/chainStore.ts';

export type WaitMode = 'none' | 'receipt' | 'final';

/** One committed change of a state key, oldest first. */
export interface StateChange {
  height: number;
  txId: string;
  old: unknown;
  new: unknown;
}

/**
 * The node's database as a module sees it: its own tables (read models, stored blobs). The
 * ledger's tables are reached only through the port's state reads, never by SQL.
 */
export type ModuleDb = Knex;

/** The block's database transaction a projection writes its read models in; it commits or rolls back with the block. */
export type ProjectionTx = Knex.Transaction;

/**
 * What a domain module may use of the node it runs in: who it is, how far the chain is, a
 * read-only view of committed state, signing and submitting as one of its staff, waiting for a
 * receipt, opening what is sealed to its department, and its own tables. Modules see nothing else
 * of the node (not its orderer, block store, signing key, registry or peers), so the node can
 * change its inside without touching them.
 */
export interface ModulePort {
  /** this node's department */
  readonly dept: string;
  readonly genesis: Genesis;
  /** the latest committed height */
  readonly height: number;
  /** the latest final height */
  readonly finalHeight: number;
  /** the latest committed block's time: the read side's clock, the same on every node at one height */
  headTime(): Promise<number>;
  /** committed state, read-only */
  view(): StateView;
  /** the committed JSON text of several keys at once (absent keys are missing from the map) */
  getMany(keys: string[]): Promise<Map<string, string>>;
  /** the hash of this node's committed block at a height (a beacon, a reference to a past block) */
  blockHash(height: number): Promise<string | undefined>;
  /** a committed block's header and hash (inclusion proofs) */
  block(height: number): Promise<BlockRow | undefined>;
  /** a committed block's transactions with their receipts, in block order */
  blockTxs(height: number): Promise<TxRow[]>;
  /** certificates of final blocks that no committed block carries yet (the newest finality) */
  uncarriedCerts(): readonly Cert[];
  /** a committed transaction with its receipt */
  tx(id: string): Promise<TxRow | undefined>;
  /** every committed change of one key, oldest first */
  history(key: string): Promise<StateChange[]>;

  /** signs as this node on behalf of one of its staff (or of the node itself when actor is undefined) */
  signAs(actor: string | undefined, kind: string, payload: Record<string, unknown>): Tx;
  /** checks a signed transaction without state and orders it */
  submit(tx: Tx): Promise<{ id: string; tx: Tx }>;
  /** signs as above, orders, and waits as asked (no pre-check: for the node's own follow-up work) */
  submitAs(actor: string | undefined, kind: string, payload: Record<string, unknown>, wait?: WaitMode, timeoutMs?: number): Promise<{ id: string; receipt?: TxRow }>;
  /** resolves once the transaction is committed (or final) */
  waitFor(id: string, mode: 'receipt' | 'final', timeoutMs?: number): Promise<TxRow>;
  /**
   * Takes a signed transaction as received, runs its own rule against committed state first (a
   * 4xx with its code, nothing ordered), then orders it and waits for its receipt; a rejection in
   * its block is a 409.
   */
  submitChecked(raw: unknown): Promise<TxRow>;

  /** this department's encryption private keys by key id: for projections and routes opening sealed fields, never contracts */
  readonly keyring: ReadonlyMap<string, string>;
  /** the current encryption keys of member departments, to seal a field to */
  sealRecipients(depts: readonly string[]): SealRecipient[];

  /** this node's public signing key (what its own transactions name as signer) */
  readonly publicKey: string;
  /**
   * Calls `fn` when the node commits a block, learns a new final height, or stops (for modules
   * that wait on the chain: long polls, deliveries). Returns the way to stop listening.
   */
  onChange(fn: (what: NodeChange) => void): () => void;

  readonly log: Logger;
  readonly db: ModuleDb;
}

export type NodeChange = 'block' | 'final' | 'stopped';

/** Signs for a staff user (the node signs, the user's id is in the transaction), checks, orders and waits. */
export const actAs = (port: ModulePort, user: string, kind: string, payload: Record<string, unknown>): Promise<TxRow> =>
  port.submitChecked(port.signAs(user, kind, payload));

/** The state records a committed transaction created or changed, from its events: ids for the response. */
export const recordsOf = (row: TxRow): string[] => row.events.flatMap((e) => ((e.data as { records?: string[] }).records ?? []));
