import type { z } from 'zod';
import type { Grade } from '../../../../server/approval/schema.ts';
import type {
  ApplicationView as ApplicationRecord, ApplicationStatus, AwardView as AwardRecord, AwardStatus, CheckRecord, ExpertScore, LedgerRecord, ObjectionRecord, PaymentRecord,
  PolicyRecord, PublicationRecord,
} from '../../../../server/policy-payout/records.ts';
import type { Payee, PayoutApply, PayoutDecide, PayoutResolve, PolicyPublish, PrivacyRule } from '../../../../server/policy-payout/schema.ts';
import type { TxReceipt } from '../chain/types.ts';

export type {
  ApplicationRecord, ApplicationStatus, AwardRecord, AwardStatus, CheckRecord, ExpertScore, Grade, LedgerRecord, ObjectionRecord, Payee, PaymentRecord, PolicyRecord,
  PrivacyRule, PublicationRecord,
};

/** What the forms send: the schemas' input side (defaults may be left out). */
export type PolicyPublishBody = z.input<typeof PolicyPublish>;
export type PrivacyRuleInput = PolicyPublishBody extends { eligibility?: infer E } ? (E extends { privacy?: (infer R)[] } ? R : never) : never;
export type ApplyPayload = z.input<typeof PayoutApply>;
/** The application as the enterprise fills it in, before its payee account is sealed. */
export type ApplyDraft = Omit<ApplyPayload, 'payee'> & { payee: Payee };
export type DecisionBody = Omit<z.input<typeof PayoutDecide>, 'application'>;
export type ResolveBody = Omit<z.input<typeof PayoutResolve>, 'objection'>;
export type PredicateKind = PrivacyRule['predicate']['kind'];

// The shapes below are written out: the server files that make them (read-model queries,
// matching, the privacy module's config and views) import the database and proof layers.

/** GET /payout/policies: a version with the id of the one that replaced it, if any. */
export type PolicyRow = PolicyRecord & { successor: string | null };
/** GET /payout/policies/{id}: the same with its budget ledger. */
export type PolicyDetail = PolicyRow & { ledger?: LedgerRecord };

export interface PolicyQuery {
  limit?: number;
  offset?: number;
  /** 'true': only those taking applications now (block time) */
  open?: 'true';
  dept?: string;
}

export interface ApplicationQuery {
  limit?: number;
  offset?: number;
  policy?: string;
  status?: ApplicationStatus;
  /** a credit code (from its start) or an application's id */
  q?: string;
}

export interface PublicityQuery {
  limit?: number;
  offset?: number;
  policy?: string;
  status?: string;
  code?: string;
  award?: string;
}

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

export interface PublishResult {
  policy?: string;
  tx: string;
}
export interface PubliciseResult {
  publication?: string;
  awards?: number;
  endsAt?: number;
  tx: string;
}
export interface ReleaseResult {
  released?: number;
  tx: string;
}
export interface DecisionResult {
  tx: string;
  award: string | null;
}
export interface AdvanceResult {
  tx: string;
  events: string[];
}

/** POST /payout/tx: a transaction the enterprise signed, once it is in a block. */
export interface SignedPayoutResult {
  id: string;
  application?: string;
  objection?: string;
  records: string[];
  receipt: TxReceipt;
}

export interface AttachmentUpload {
  hash: string;
  type: 'pdf' | 'png' | 'jpeg';
  size: number;
}

/** GET /privacy/config, the part the publish form needs: which figures exist and the statutes. */
export interface PrivacyField {
  name: string;
  holder: string;
  kind: 'value' | 'interval' | 'set';
  unit: string;
  period: 'yyyy' | 'yyyymm' | 'yyyymmdd';
  label: string;
  labelEn: string;
  aliases: string[];
}
export interface PrivacyStatute {
  id: string;
  dept: string;
  field: string;
  basis: string;
}
export interface PrivacyConfigView {
  fields: PrivacyField[];
  statutes: PrivacyStatute[];
  expiryBlocks: number;
  maxSetDays: number;
}

/** GET /privacy/queries/{id}: the question behind a privacy check, with its answer and how sure it is. */
export interface QueryView {
  id: string;
  field: string;
  period: string;
  holder: string;
  status: 'open' | 'answered' | 'declined' | 'expired';
  question: string;
  answer?: boolean;
  answerTx?: string;
  answeredHeight?: number;
  verified?: boolean;
  declineReason?: string;
  verification: { verified: boolean; final: boolean; label: string };
}

/** GET /payout/policies/{id}/reconciliation: the checks that matter on the policy's page. */
export interface ReconciliationSummary {
  policy: string;
  asOf: { height: number; time: number };
  ledger: LedgerRecord;
  balanced: boolean;
  matchesAwards: boolean;
}
