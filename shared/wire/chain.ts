/** What the ledger's own routes answer (server/chain/http/chainRoutes.ts), as the portal reads it. */
import type { ChainEvent, Header, Tx } from '../chain.ts';

export type { ChainEvent, Header, Tx };

export interface MemberStatus {
  dept: string;
  name: string;
  nameEn: string;
  /** the highest block this member has signed, as seen in the log */
  lastAttested: number | null;
}

/** Set when this node's header differs from the one a quorum signed: the node stops. */
export interface Halt {
  height: number;
  ours: string;
  quorum: string;
}

export interface ChainStatus {
  dept: string;
  chain: string;
  height: number;
  hash: string;
  finalHeight: number;
  lastOffset: number;
  halted: Halt | null;
  quorum: number;
  members: MemberStatus[];
}

export interface BlockSummary {
  height: number;
  hash: string;
  header: Header;
}

export interface BlockPage {
  items: BlockSummary[];
  height: number;
  finalHeight: number;
}

/**
 * A committed transaction and its receipt. Without a basis to read it (redacted: true) only the
 * envelope comes: id, place, kind, outcome code, signing department; the rest is absent.
 */
export interface TxReceipt {
  id: string;
  height: number;
  index: number;
  offset?: number;
  kind: string;
  signer?: string;
  actor?: string | null;
  status: 'ok' | 'rejected';
  code: string | null;
  reason?: string | null;
  events?: ChainEvent[];
  /** the envelope as submitted */
  tx?: Tx | string;
  signerDept?: string | null;
  redacted?: boolean;
  basis?: 'signer' | 'self' | 'party' | 'audit' | 'none';
  /** an auditor would see it by giving a purpose */
  needsPurpose?: boolean;
}

export interface BlockDetail extends BlockSummary {
  final: boolean;
  txs: TxReceipt[];
}

export interface StateChange {
  key: string;
  old: unknown;
  new: unknown;
}

export interface TxDetail extends TxReceipt {
  final: boolean;
  changes?: StateChange[];
  time?: number | null;
  blockHash?: string | null;
  auditViewTx?: string;
}

export interface SubmitResult {
  id: string;
  receipt?: TxReceipt;
  final?: boolean;
}

/** Server-sent events of /chain/stream. */
export interface BlockEvent {
  height: number;
  hash: string;
  time: number;
  txCount: number;
  kinds: (string | undefined)[];
}
export interface FinalEvent {
  height: number;
}
