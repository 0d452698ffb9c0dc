/** What the audit routes answer (server/http/auditRoutes.ts). */
import type { ChainEvent, StateChange, Tx } from './chain.ts';

/** Who did an operation and under which authority, as of its block. */
export interface Who {
  /** the department whose node signed, or the enterprise's code */
  dept: string | null;
  enterprise: string | null;
  actor: string | null;
  name: string | null;
  /** the role the chain resolved at the time (node when a node acted by itself) */
  role: string;
  /** the roles the contract of this kind accepts: the authority the operation ran under */
  permitted: string[];
}

/** The audit timeline's row as the ledger store reads it: a transaction without its raw text and events. */
export interface TimelineRow {
  id: string;
  height: number;
  index: number;
  kind: string;
  signer: string;
  actor: string | null;
  status: string;
  code: string | null;
  reason: string | null;
}

export interface TraceItem extends TimelineRow {
  status: 'ok' | 'rejected';
  time: number | null;
  final: boolean;
  who?: Who;
  keys: string[];
}

export interface TracePage {
  total: number;
  keys: string[];
  items: TraceItem[];
}

export interface Operation extends Omit<TraceItem, 'keys'> {
  events: ChainEvent[];
  tx: Tx | string;
  blockHash: string | null;
  changes: StateChange[];
}

export interface HeightAgreement {
  height: number;
  /** this node's own hash of the block */
  hash: string | null;
  time: number | null;
  /** what each department signed for this height: votes this node counted, and certificate signatures */
  signed: { dept: string; hash: string }[];
  /** the block whose header carries a finality certificate for exactly this height */
  certifiedIn: number | null;
}

/** One height as the agreement page shows it: what was signed, and whether a quorum agrees with this node. */
export interface AgreementRow extends HeightAgreement {
  agreeing: number;
  differing: string[];
  quorumReached: boolean;
}

export interface AgreementPage {
  height: number;
  finalHeight: number;
  quorum: number;
  members: { dept: string; name: string; nameEn: string }[];
  items: AgreementRow[];
}

export interface VerifyProgress {
  height: number;
  top: number;
  txs: number;
}

export type VerifyResult =
  | { ok: true; height: number; txs: number }
  | { ok: false; height: number; field: string; expected: string; actual: string };

export interface VerifyJob {
  job: string;
  state: 'running' | 'done' | 'failed';
  startedAt: number;
  finishedAt: number | null;
  progress: VerifyProgress;
  result: VerifyResult | null;
  error: string | null;
}
