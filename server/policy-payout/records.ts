import type { Grade } from '../approval/schema.ts';
import { publicFields, type StateRecordClasses } from '../chain/classification.ts';
import type { Sealed } from '../chain/sealing/envelope.ts';
import type { Eligibility, SealedPayee } from './schema.ts';

/** Who did something, as the chain resolved it. */
export interface By {
  dept?: string;
  user: string;
}

export interface PolicyRecord {
  id: string;
  version: number;
  /** the first version's id: duplicate applications are counted across versions */
  lineage: string;
  supersedes?: string;
  dept: string;
  title: string;
  legalBasis: string;
  summary?: string;
  budgetFen: string;
  capFen: string;
  eligibility: Eligibility;
  window: { opensAt: number; closesAt: number };
  review: { method: 'expert' | 'none'; experts: number };
  publicityDays: number;
  exclusionGroup?: string;
  publishedAt: number;
  publishedBy: By;
  txId: string;
}

/**
 * Budget accounting of one policy line (all versions of a policy): `policy` is the line's first
 * version, and a new version sets `budgetFen`. Every fen of the budget is in exactly one bucket:
 * budget = awarded + reserved + failed + paid + remaining, remaining ≥ 0.
 *   awarded: approved or in publication, not yet payable
 *   reserved: payable or in a payment run awaiting the bank
 *   failed: the bank returned it; held for a retry
 */
export interface LedgerRecord {
  policy: string;
  budgetFen: string;
  awardedFen: string;
  reservedFen: string;
  failedFen: string;
  paidFen: string;
  remainingFen: string;
}

export type CheckStatus = 'pending' | 'passed' | 'failed';

export interface CheckRecord {
  rule: string;
  kind: 'privacy' | 'grade' | 'industry' | 'region';
  label: string;
  status: CheckStatus;
  /** why it failed: ANSWER_NO, QUERY_DECLINED, QUERY_EXPIRED, ... */
  code?: string;
  detail: string;
  /** the privacy query this rests on */
  query?: string;
}

export type ApplicationStatus = 'checking' | 'reviewing' | 'deciding' | 'approved' | 'rejected';

export interface ExpertScore {
  expert: string;
  score: number;
  /** sealed to the policy's department; read models hold it opened there (ExpertScoreView) */
  opinion: Sealed;
  /** sealed as the opinion */
  recommendFen?: Sealed;
  time: number;
  txId: string;
}

export interface ApplicationRecord {
  id: string;
  policy: string;
  dept: string;
  code: string;
  enterpriseName: string;
  filingVersion: number;
  industry: string;
  grade: Grade;
  requestedFen?: string;
  /** sealed to the policy's department; read models hold it opened there (ApplicationView) */
  statement: Sealed;
  attachments: { hash: string; type: string; size: number }[];
  /** the attachments' file names by hash, sealed as the statement */
  attachmentNames?: Sealed;
  /** the account sealed to the policy department and finance; read models hold it opened (PayeeView) */
  payee: SealedPayee;
  status: ApplicationStatus;
  checks: CheckRecord[];
  /** why checks cannot move on yet (no answer, too few experts) */
  waiting?: string;
  review?: {
    experts: string[];
    rule: string;
    /** left out at the draw (conflict, inactive) or stepped back after it (recused) */
    /** `reason` is public-safe; a recusal's own words are `reasonSealed`, to the application's department */
    excluded: { expert: string; reason: string; recused?: boolean; reasonSealed?: Sealed }[];
    scores: ExpertScore[];
    /** mean score in hundredths, rounded down, once all have scored */
    meanScoreX100?: number;
  };
  decision?: { decision: 'approve' | 'reject'; amountFen?: string; reasons: Sealed; by: By; time: number; txId: string };
  rejection?: { stage: 'checks' | 'decision'; reasons: { rule: string; code: string; detail: string }[]; time: number };
  award?: string;
  submittedAt: number;
  txId: string;
}

export type AwardStatus = 'approved' | 'publicised' | 'withdrawn' | 'payable' | 'paying' | 'failed' | 'paid';

export interface AwardRecord {
  id: string;
  policy: string;
  dept: string;
  application: string;
  code: string;
  enterpriseName: string;
  /** the account sealed to the policy department and finance; read models hold it opened (PayeeView) */
  payee: SealedPayee;
  amountFen: string;
  status: AwardStatus;
  publication?: string;
  publicity?: { startsAt: number; endsAt: number };
  openObjections: string[];
  attempts: number;
  /** end-to-end id of the attempt in flight or settled */
  current?: string;
  run?: string;
  /** the prepared run that holds the award until a second finance officer approves or rejects it */
  preparedIn?: string;
  /** every attempt to pay, oldest first: at most one is ever settled */
  payments: PaymentRecord[];
  paid?: { endToEndId: string; bankRef?: Sealed; time: number; txId: string };
  history: { time: number; txId: string; event: string; amountFen?: string; note?: string }[];
}

export interface PublicationRecord {
  id: string;
  policy: string;
  dept: string;
  startsAt: number;
  endsAt: number;
  awards: { award: string; code: string; enterpriseName: string; amountFen: string }[];
  totalFen: string;
  /** a list republishing one award whose amount an upheld objection changed: what it replaces */
  republishes?: { publication: string; objection: string; award: string; previousAmountFen: string };
  by: By;
  txId: string;
}

export interface ObjectionRecord {
  id: string;
  award: string;
  policy: string;
  by: By & { role: string };
  /** sealed to the policy's department, which resolves the objection */
  reasons: Sealed;
  status: 'open' | 'upheld' | 'dismissed' | 'moot';
  filedAt: number;
  txId: string;
  resolution?: { outcome: 'dismiss' | 'withdraw' | 'change'; amountFen?: string; reasons: Sealed; by: By; time: number; txId: string };
}

/** One payment of a run. The payee comes from the award (fixed when it was approved), so the run stays small. */
export interface RunItem {
  award: string;
  endToEndId: string;
  amountFen: string;
}

/**
 * A run is prepared by one finance officer and approved (or rejected) by another; only an
 * approved run has payments, end-to-end ids in flight and a payment file.
 */
export type RunStatus = 'prepared' | 'approved' | 'rejected';

export interface RunRecord {
  id: string;
  status: RunStatus;
  policy: string;
  policyTitle: string;
  debtor: { name: string; account: string; bankName: string; bankCode: string };
  items: RunItem[];
  count: number;
  totalFen: string;
  createdAt: number;
  /** who prepared the run */
  by: By;
  txId: string;
  /** the second officer's decision */
  review?: { decision: 'approve' | 'reject'; reason?: string; by: By; time: number; txId: string };
}

export type PaymentStatus = 'sent' | 'settled' | 'failed';

/** One attempt to pay an award, kept in the award's record (its end-to-end id names both). */
export interface PaymentRecord {
  endToEndId: string;
  run: string;
  attempt: number;
  status: PaymentStatus;
  /** sealed to the finance office and the policy's department */
  bankRef?: Sealed;
  reason?: Sealed;
  recordedAt?: number;
  recordedBy?: By;
  txId?: string;
}

export interface ExpertRecord {
  dept: string;
  id: string;
  /** X25519 public key (hex) that materials are encrypted to */
  encKey: string;
  /** declared by the expert (回避) */
  declared: { enterprises: string[]; industries: string[] };
  /** added by the policy department */
  configured: { enterprises: string[]; industries: string[] };
  updatedAt: number;
}

/**
 * The payee as a node's read model keeps it: opened on a recipient node (the policy department,
 * the finance office), only the name and who it is sealed to anywhere else.
 */
export interface PayeeView {
  name: string;
  account?: string;
  bankName?: string;
  bankCode?: string;
  sealed?: SealedMark;
}
/** What a read model keeps of a sealed value this node cannot open: who it is sealed to. */
export interface SealedMark {
  to: string[];
  readable: false;
  problem?: string;
}

/** An expert's score as a read model keeps it: the opinion opened on the policy department's node, else who it is sealed to. */
export type ExpertScoreView = Omit<ExpertScore, 'opinion' | 'recommendFen'> & { opinion?: string; opinionSealed?: SealedMark; recommendFen?: string };
/** Reasons as a read model keeps them: opened on the policy department's node, else who they are sealed to. */
export interface ReasonsView {
  reasons?: string;
  reasonsSealed?: SealedMark;
}
export type ExcludedView = Omit<NonNullable<ApplicationRecord['review']>['excluded'][number], 'reasonSealed'> & { reasonSealed?: SealedMark };
/**
 * An application as a read model keeps it: the statement and the attachments' names opened on the
 * policy department's node, else who they are sealed to (`statementSealed`) and no names.
 */
export type ApplicationView = Omit<ApplicationRecord, 'payee' | 'review' | 'decision' | 'statement' | 'attachments' | 'attachmentNames'> & {
  statement?: string;
  statementSealed?: SealedMark;
  attachments: { hash: string; type: string; size: number; name?: string }[];
  payee: PayeeView;
  review?: Omit<NonNullable<ApplicationRecord['review']>, 'scores' | 'excluded'> & { scores: ExpertScoreView[]; excluded: ExcludedView[] };
  decision?: Omit<NonNullable<ApplicationRecord['decision']>, 'reasons'> & ReasonsView;
};
/** An objection as a read model keeps it: its reasons and the resolution's opened on the policy department's node. */
export type ObjectionView = Omit<ObjectionRecord, 'resolution' | 'reasons'> & ReasonsView & { resolution?: Omit<NonNullable<ObjectionRecord['resolution']>, 'reasons'> & ReasonsView };
/** A payment as a read model keeps it: the bank's reference and reason opened on their recipients' nodes, else who they are sealed to. */
export type PaymentView = Omit<PaymentRecord, 'bankRef' | 'reason'> & { bankRef?: string; reason?: string; sealed?: SealedMark };
export type AwardView = Omit<AwardRecord, 'payee' | 'payments' | 'paid'> & {
  payee: PayeeView;
  payments: PaymentView[];
  paid?: Omit<NonNullable<AwardRecord['paid']>, 'bankRef'> & { bankRef?: string };
};

/**
 * The classes of what the payout contracts write to state, by key prefix (server/chain/
 * classification.ts `StateRecordClasses`). The payee account and every reason are envelopes; the
 * party values below are still plaintext on the ledger, as in their payloads (the amount
 * requested, the statement, attachment names, expert scores and recommendations, objection
 * reasons): a reader without a basis gets them withheld. Published awards and their amounts are
 * public by law (公示).
 */
export const PAYOUT_STATE_CLASSES: readonly StateRecordClasses[] = [
  {
    prefix: 'pay/policy/',
    fields: publicFields('id', 'version', 'lineage', 'supersedes', 'dept', 'title', 'legalBasis', 'summary', 'budgetFen', 'capFen', 'eligibility', 'window', 'review', 'publicityDays', 'exclusionGroup', 'publishedAt', 'publishedBy', 'txId'),
  },
  { prefix: 'pay/next/', fields: publicFields('policy', 'time', 'txId') },
  { prefix: 'pay/ledger/', fields: publicFields('policy', 'budgetFen', 'awardedFen', 'reservedFen', 'failedFen', 'paidFen', 'remainingFen') },
  {
    prefix: 'pay/app/',
    fields: {
      ...publicFields('id', 'policy', 'dept', 'code', 'enterpriseName', 'filingVersion', 'industry', 'grade', 'attachments', 'payee', 'status', 'checks', 'waiting', 'review', 'decision', 'rejection', 'award', 'submittedAt', 'txId'),
      requestedFen: 'party',
      statement: 'party',
      'attachments[].name': 'party',
      'review.scores[].score': 'party',
      'review.scores[].recommendFen': 'party',
    },
  },
  { prefix: 'pay/claim/', fields: publicFields('application', 'policy') },
  { prefix: 'pay/group/', fields: publicFields('application', 'policy') },
  {
    prefix: 'pay/award/',
    fields: publicFields('id', 'policy', 'dept', 'application', 'code', 'enterpriseName', 'payee', 'amountFen', 'status', 'publication', 'publicity', 'openObjections', 'attempts', 'current', 'run', 'preparedIn', 'payments', 'paid', 'history'),
  },
  { prefix: 'pay/pub/', fields: publicFields('id', 'policy', 'dept', 'startsAt', 'endsAt', 'awards', 'totalFen', 'republishes', 'by', 'txId') },
  { prefix: 'pay/objection/', fields: { ...publicFields('id', 'award', 'policy', 'by', 'status', 'filedAt', 'txId', 'resolution'), reasons: 'party' } },
  // the debtor is the paying department's own account, not a party's; the second officer's review
  // (who, when, approve or reject and why) is about the run, not about an enterprise
  { prefix: 'pay/run/', fields: publicFields('id', 'policy', 'policyTitle', 'debtor', 'items', 'count', 'totalFen', 'createdAt', 'by', 'txId', 'status', 'review') },
  { prefix: 'pay/expert/', fields: publicFields('dept', 'id', 'encKey', 'declared', 'configured', 'updatedAt') },
  { prefix: 'pay/experts/', fields: publicFields('.') },
  { prefix: 'pay/panel/', fields: publicFields('.') },
  { prefix: 'pay/q/', fields: publicFields('.') },
];
