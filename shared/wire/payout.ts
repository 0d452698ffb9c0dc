/** What the payout routes answer for review and finance (server/policy-payout/http/), and the bodies they take. */
import type {
  ApplicationView as ApplicationRecord, ApplicationStatus, AwardView as AwardRecord, AwardStatus, CheckRecord, ExpertRecord, ExpertScore, LedgerRecord, PaymentStatus, PolicyRecord, RunItem, RunRecord,
} from '../payout.ts';
import type { Grade } from '../approval.ts';

export type { ApplicationRecord, ApplicationStatus, AwardRecord, AwardStatus, ExpertRecord, ExpertScore, LedgerRecord, PaymentStatus, PolicyRecord, RunItem, RunRecord };

// The shapes below are defined here, once: the server's settlement, reconciliation, read-model
// queries and matching import them from this file.

/** GET /payout/policies: a version with the id of the one that replaced it, if any. */
export type PolicyRow = PolicyRecord & { successor: string | null };
export type PolicyDetail = PolicyRow & { ledger?: LedgerRecord };

/** 政策找企业: an enterprise the policy fits on the rules the chain knows, not yet applied. */
export interface Candidate {
  code: string;
  name: string;
  industry: string;
  grade: Grade;
  checks: CheckRecord[];
  /** the privacy rules that will be asked when it applies */
  toAsk: string[];
}

/** GET /payout/eligible: an open policy as one enterprise sees it. */
export interface EligibleItem {
  policy: string;
  title: string;
  dept: string;
  capFen: string;
  window: { opensAt: number; closesAt: number };
  exclusionGroup: string | null;
  applied: boolean;
  fits: boolean;
  checks: CheckRecord[];
  toAsk: string[];
  /** false: the enterprise has not filed the one form yet */
  filed: boolean;
}

export interface PageQuery {
  limit?: number;
  offset?: number;
  /** a list's `next`: the page after the one that gave it (instead of offset) */
  after?: string;
}

export interface AwardQuery extends PageQuery {
  policy?: string;
  status?: AwardStatus;
}

export interface ApplicationQuery extends PageQuery {
  policy?: string;
  status?: ApplicationStatus;
}

/** GET /payout/applications/{id}/materials: the attachments as compact JWEs to the caller's registered key. */
export interface SealedMaterials {
  application: string;
  alg: string;
  enc: string;
  /** the X25519 public key (hex) they are sealed to */
  encKey: string;
  statement: string;
  filingVersion: number;
  items: { hash: string; name: string; type: string; size: number; jwe: string }[];
  /** attachments this node does not hold (they could not be sealed) */
  missing: string[];
}

export interface ExpertRegisterBody {
  encKey: string;
  conflicts: { enterprises: string[]; industries: string[] };
}

export interface ReviewBody {
  score: number;
  opinion: string;
  recommendFen?: string;
}

export interface RunSummary {
  id: string;
  policy: string;
  createdAt: number;
  count: number;
  totalFen: string;
  /** prepared: waiting for a second finance officer; only an approved run pays */
  status: 'prepared' | 'approved' | 'rejected';
  /** who prepared it */
  preparedBy: string;
}

export type RunItemWithStatus = RunItem & { status: PaymentStatus };
export type RunDetail = Omit<RunRecord, 'items'> & { items: RunItemWithStatus[] };

/** POST /payout/runs: prepared, waiting for a second finance officer */
export interface RunCreated {
  run: string;
  status: 'prepared';
  count: number;
  totalFen: string;
  tx: string;
}

/** POST /payout/runs/{id}/approve and /reject */
export interface RunReviewed {
  run: string;
  status: 'approved' | 'rejected';
  /** once approved: where the pain.001 file of the run is */
  file?: string;
  tx: string;
}

/** POST /payout/runs/{id}/statement */
export interface StatementResult {
  run: string;
  settled: number;
  failed: number;
  /** lines the chain already held with the same outcome (a statement read again) */
  alreadyRecorded: number;
  /** end-to-end ids the bank has not finished with; nothing was recorded for them */
  pending: string[];
  txs: string[];
}

/**
 * The `data` of a statement refused part way through: the lines recorded before the refused batch
 * (they stay recorded) and the transactions that recorded them.
 */
export interface StatementRefusal {
  recorded: number;
  txs: string[];
}

export interface PaymentRow {
  endToEndId: string;
  award: string;
  run: string;
  attempt: number;
  amountFen: string;
  status: PaymentStatus;
  bankRef: string | null;
  reason: string | null;
}

export type BucketKey = 'awardedFen' | 'reservedFen' | 'failedFen' | 'paidFen';

/** GET /payout/policies/{id}/reconciliation */
export interface Reconciliation {
  policy: string;
  title: string;
  asOf: { height: number; time: number };
  ledger: LedgerRecord;
  /** budget = awarded + reserved + failed + paid + remaining, none negative */
  balanced: boolean;
  /** each bucket recomputed from the awards equals the ledger's */
  matchesAwards: boolean;
  fromAwards: Record<BucketKey, string>;
  awards: { award: string; code: string; name: string; amountFen: string; status: AwardStatus; attempts: number; endToEndId: string | null; bankRef: string | null; paidAt: number | null }[];
  payments: PaymentRow[];
}
