import type { CreditScoreRecord } from '@shared/wire/credit.ts';
import type {
  ApplicationRecord,
  AppStatus,
  CaseRecord as CaseState,
  CheckResult,
  DecisionRecord,
  EnterpriseRecord,
  FilingRecord,
  FindingRecord as FindingState,
  InspectionRecord as InspectionState,
  LicenceRecord,
  StageRecord,
  CheckDef,
  ProcessDef,
  StageDef,
  Consent,
  Finding,
  Grade,
  MaterialType,
  Profile,
  Severity,
  Opened,
  SealedMarker,
  FilingView,
} from '@shared/approval.ts';
import type { TxReceipt } from '../chain/types.ts';

/** Supervision records as the routes serve them: sealed text opened, or a marker where this node has no basis. */
export type CaseRecord = Opened<CaseState>;
export type FindingRecord = Opened<FindingState>;
export type InspectionRecord = Opened<InspectionState>;
export type { SealedMarker };

export type {
  ApplicationRecord, AppStatus, CheckDef, CheckResult, Consent, DecisionRecord, EnterpriseRecord, FilingRecord, Finding,
  Grade, LicenceRecord, MaterialType, ProcessDef, Profile, Severity, StageDef, StageRecord,
};

export type { CreditScoreRecord, CreditWeights, DimensionScore, ScoreItem, StoredWeights } from '@shared/wire/credit.ts';

export interface PageQuery {
  limit?: number;
  offset?: number;
  status?: string;
  code?: string;
  /** enterprise name, credit code or the record's number */
  q?: string;
  overdue?: string;
  process?: string;
  /** auditors: one department's records */
  dept?: string;
}

/** A list row with the enterprise's name beside its credit code (null if it is not registered here). */
export interface Named {
  enterpriseName: string | null;
}

/** A list the server counts: one page and how many match the filters. */
export interface Counted<T> {
  items: T[];
  total: number;
}

export interface EnterpriseSummary {
  code: string;
  name: string;
  industry: string | null;
  filingVersion: number | null;
  score: number | null;
  grade: Grade | null;
}

/** A filing as a node's read model serves it: contacts opened where this department may read them. */
export type { FilingView };
/** A material as the portal lists it: its file name only where this node reads the filing's sealed part (or before signing). */
export type Material = FilingView['materials'][number];

export interface FilingWithHistory extends FilingView {
  history: { height: number; txId: string; version: number | null }[];
}

/** What POST /tx answers for a transaction the enterprise signed. */
export interface SignedResult {
  id: string;
  records: string[];
  receipt: TxReceipt;
}

/** What a staff action answers: its transaction id (the node signed for the person). */
export interface StaffResult {
  tx: string;
  records?: string[];
  events?: { type: string; data: Record<string, unknown> }[];
}

export interface ApplicationDetail extends ApplicationRecord {
  asOf: number;
  stages: (StageRecord & { overdue: boolean })[];
}

export interface WorkItem {
  app: string;
  stage: string;
  name: string;
  code: string;
  enterprise: string;
  openedAt: number;
  dueAt: number;
  appStatus: AppStatus;
  overdue: boolean;
}

export interface PrivacyAnswerView {
  query: string;
  question: string;
  field: string;
  holder: string;
  requester: string;
  purpose: string;
  answer: boolean | null;
  verified: boolean;
  answerTx: string | null;
  answeredAt: number | null;
  ref: string;
}

export interface DossierCase {
  id: string;
  dept: string;
  status: CaseRecord['status'];
  subject: string | SealedMarker;
  category?: string;
  severity: Severity;
  openedAt: number;
  origin: CaseRecord['origin'];
  decision: null | { type: string; penaltyFen: string; legalBasis: string; time: number; opinion?: string | SealedMarker };
  closure: null | { outcome: string; time: number; note?: string | SealedMarker | null };
}

export interface DossierApproval {
  id: string;
  process: string;
  processName: string;
  project: ApplicationRecord['project'];
  status: AppStatus;
  submittedAt: number;
  decidedAt: number | null;
  commitment: null | { granted: boolean; reason: string; honoured: boolean | null; postCheck: string | null };
  stages: { id: string; name: string; dept: string; status: string; dueAt: number | null; overdue: boolean; decisions: { decision: string; by: { dept?: string; user: string }; time: number; opinion: string | SealedMarker; late: boolean }[] }[];
}

/** The one-click dossier (一键调取), cut to the sections the viewer may see. */
export interface Dossier {
  enterprise: { code: string; name: string; status: string; registeredAt: number };
  sections: string[];
  asOf: number;
  viewTx: string | null;
  filing?: null | { version: number; filedAt: number; updatedAt: number; profile: FilingView['profile']; sealed?: FilingView['sealed']; commitments: { id: string; title: string }[]; consents: Consent[] };
  materials?: Material[];
  licences?: (LicenceRecord & { expired: boolean })[];
  approvals?: DossierApproval[];
  inspections?: InspectionRecord[];
  cases?: DossierCase[];
  credit?: null | (Pick<CreditScoreRecord, 'total' | 'grade' | 'weightsVersion' | 'computedAt' | 'trigger' | 'dimensions'> & { history: CreditHistoryPoint[] });
  privacyAnswers?: PrivacyAnswerView[];
  views?: { txId: string; dept: string; user: string; role: string; purpose: string; time: number }[];
}

export interface CreditHistoryPoint {
  total: number;
  grade: Grade;
  height: number;
  txId: string;
  time: number;
  trigger: string;
}

