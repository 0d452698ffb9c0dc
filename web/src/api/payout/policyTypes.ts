import type { z } from 'zod';
import type { Grade } from '@shared/approval.ts';
import type {
  ApplicationView as ApplicationRecord, ApplicationStatus, AwardView as AwardRecord, AwardStatus, CheckRecord, ExpertScore, LedgerRecord, ObjectionView as ObjectionRecord, PaymentRecord,
  PolicyRecord, PublicationRecord,
  AttachmentDraft, Payee, PayoutApply, PayoutDecide, PayoutResolve, PolicyPublish, PrivacyRule,
} from '@shared/payout.ts';
import type { TxReceipt } from '../chain/types.ts';

export type {
  ApplicationRecord, ApplicationStatus, AwardRecord, AwardStatus, CheckRecord, ExpertScore, Grade, LedgerRecord, ObjectionRecord, Payee, PaymentRecord, PolicyRecord,
  PrivacyRule, PublicationRecord,
};

/** What the forms send: the schemas' input side (defaults may be left out). */
export type PolicyPublishBody = z.input<typeof PolicyPublish>;
export type PrivacyRuleInput = PolicyPublishBody extends { eligibility?: infer E } ? (E extends { privacy?: (infer R)[] } ? R : never) : never;
export type ApplyPayload = z.input<typeof PayoutApply>;
/** The application as the enterprise fills it in, before its payee account, statement and attachment names are sealed. */
export type ApplyDraft = Omit<ApplyPayload, 'payee' | 'statement' | 'attachments' | 'attachmentNames'> & { payee: Payee; statement: string; attachments: AttachmentDraft[] };
export type DecisionBody = Omit<z.input<typeof PayoutDecide>, 'application'>;
export type ResolveBody = Omit<z.input<typeof PayoutResolve>, 'objection'>;
export type PredicateKind = PrivacyRule['predicate']['kind'];

export type { Candidate, EligibleItem, PolicyDetail, PolicyRow } from '@shared/wire/payout.ts';

// The shapes below are written out: the server builds them in its routes, the privacy module's
// config and views.

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

/** POST /tx: a transaction the enterprise signed, once it is in a block. */
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
