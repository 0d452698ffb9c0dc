import type { ChainEvent, StateChange, Tx } from '../chain/types.ts';

/** Who did an operation and under which authority, as of its block. */
export interface Who {
  dept: string | null;
  enterprise: string | null;
  actor: string | null;
  name: string | null;
  role: string;
  permitted: string[];
}

export interface TraceItem {
  id: string;
  height: number;
  index: number;
  kind: string;
  signer: string;
  actor: string | null;
  status: 'ok' | 'rejected';
  code: string | null;
  reason: string | null;
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

export interface Operation {
  id: string;
  height: number;
  index: number;
  kind: string;
  signer: string;
  actor: string | null;
  status: 'ok' | 'rejected';
  code: string | null;
  reason: string | null;
  events: ChainEvent[];
  tx: Tx | string;
  time: number | null;
  blockHash: string | null;
  final: boolean;
  who?: Who;
  changes: StateChange[];
}

export interface AgreementRow {
  height: number;
  hash: string | null;
  time: number | null;
  signed: { dept: string; hash: string }[];
  certifiedIn: number | null;
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
