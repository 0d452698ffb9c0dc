import type { Genesis, Header, Tx } from '../chain/schema.ts';
import type { Sealed } from '../chain/sealing/envelope.ts';
import type { TimelineRow, Who } from '../../shared/wire/audit.ts';

/**
 * Every read of node data the bundle builder makes, and the one signature it asks for. The
 * builder knows nothing of tables or knex; ledgerEvidenceSource.ts answers these from a node's
 * database today, and a ledger store port can answer them tomorrow.
 */
export interface LedgerTx extends TimelineRow {
  /** the transaction's stored text (the signed envelope when it was well formed) */
  raw: string;
  events: unknown[];
}

export interface LedgerHeader {
  height: number;
  hash: string;
  header: Header;
}

/** who acted and under which authority, as the audit pages show it */
export type WhoActed = Who;

export interface EvidenceSource {
  readonly genesis: Genesis;
  /** the department whose node answers */
  readonly dept: string;
  topHeight(): Promise<number>;
  headers(from: number, to: number): Promise<LedgerHeader[]>;
  /** every transaction about an enterprise (credit code) or a record (AP-…, CS-…, PL-…, PA-…, PR-…), oldest first */
  subjectTxs(subject: string): Promise<LedgerTx[]>;
  /** governance transactions (gov.propose, gov.approve) that took part in a decision, oldest first */
  governanceTxs(): Promise<LedgerTx[]>;
  /** a block's receipts in order: the leaves of its transaction tree */
  blockReceipts(height: number): Promise<Pick<LedgerTx, 'id' | 'status' | 'code' | 'events'>[]>;
  /** a state value as it stood after block `height`, and the transaction that wrote it */
  valueAt(key: string, height: number): Promise<{ value: unknown; txId: string } | undefined>;
  whoDid(txs: LedgerTx[]): Promise<Map<string, WhoActed>>;
  /** a material file this node keeps, by its SHA-256 */
  material(hash: string): Promise<{ type: string; content: Uint8Array } | undefined>;
  /** opens a sealed field with this node's keys, or undefined when it is not sealed to them */
  open(sealed: Sealed): Promise<{ value: unknown; salt: string } | undefined>;
  /** the node's signature over a payload, as a transaction envelope that no contract accepts */
  sign(kind: string, payload: Record<string, unknown>): Tx;
}
