import { publicFields, type StateRecordClasses } from '../chain/classification.ts';
import type { Sealed } from '../chain/sealing/envelope.ts';
import type { Evidence, Finding, Grade, Material, Profile, Severity } from './schema.ts';
import type { Consent } from './schema.ts';

/** Who did something, as the chain resolved it. */
export interface By {
  dept?: string;
  user: string;
}

export interface EnterpriseKey {
  publicKey: string;
  addedAt: number;
  addedBy: By;
  removedAt?: number;
  removedBy?: By;
  reason?: string;
  /** the clerk's note on why, sealed to the registration departments and the market regulator */
  note?: Sealed;
}

export interface EnterpriseRecord {
  code: string;
  name: string;
  status: 'active';
  currentKey: string;
  /** every key the enterprise has held, oldest first; removed ones keep when and why */
  keys: EnterpriseKey[];
  registeredAt: number;
  registeredBy: By;
  verification: { method: string; note?: Sealed };
}

export interface FilingRecord {
  code: string;
  version: number;
  profile: Profile;
  materials: Material[];
  commitments: { id: string; title: string; text: string; accepted: true }[];
  consents: Consent[];
  filedAt: number;
  updatedAt: number;
  versions: { version: number; txId: string; time: number }[];
}

export interface CheckResult {
  type: 'creditGrade' | 'privacy';
  label: string;
  status: 'passed' | 'failed' | 'pending';
  blocking: boolean;
  detail: string;
  /** the record the result rests on (score, privacy answer) */
  ref?: string;
}

export interface DecisionRecord {
  decision: 'approve' | 'reject' | 'return' | 'supplement' | 'commitment';
  by: By;
  time: number;
  height: number;
  txId: string;
  /** an approver's, sealed by its node to the stage departments (staffSeal.ts); the contract's own words (a commitment, a supplement) are plaintext */
  opinion: string | Sealed;
  evidence: Evidence[];
  checks: CheckResult[];
  /** decided after the stage's deadline */
  late: boolean;
}

export type StageStatus = 'waiting' | 'open' | 'approved' | 'rejected' | 'returned';

export interface StageRecord {
  id: string;
  name: string;
  nameEn: string;
  dept: string;
  phase: number;
  days: number;
  status: StageStatus;
  openedAt?: number;
  dueAt?: number;
  closedAt?: number;
  checks: CheckResult[];
  decisions: DecisionRecord[];
}

export type AppStatus = 'inProgress' | 'returned' | 'approved' | 'rejected';

export interface ApplicationRecord {
  id: string;
  code: string;
  process: string;
  processName: string;
  processVersion: number;
  project: { name: string; location?: string; investmentFen?: Sealed; description?: Sealed };
  filingVersion: number;
  status: AppStatus;
  phase: number;
  stages: StageRecord[];
  commitment: null | { letter: string; granted: boolean; reason: string; honoured?: boolean; postCheck?: string };
  /** materialNames: the new materials' file names by hash, sealed as the note */
  supplements: { time: number; txId: string; note: Sealed; materials: Material[]; materialNames?: Sealed }[];
  licences: string[];
  submittedAt: number;
  decidedAt?: number;
  txId: string;
}

export interface LicenceRecord {
  id: string;
  code: string;
  type: string;
  name: string;
  dept: string;
  /** the approval that issued it; an imported licence has none */
  app?: string;
  status: 'valid' | 'revoked';
  validFrom: number;
  validTo: number;
  underCommitment: boolean;
  revoked?: { time: number; by: By; reason: string; txId: string };
  /** issued before the department joined the chain (历史导入): where it came from and its own number and day */
  imported?: { source: string; number: string; issuedOn: string; by: By };
}

export interface FindingRecord extends Finding {
  n: number;
  case?: string;
}

export interface InspectionRecord {
  id: string;
  code: string;
  dept: string;
  origin: 'planned' | 'commitment' | 'adHoc';
  /** sealed when staff wrote it; the contract's own text (a commitment check) is plaintext */
  subject: string | Sealed;
  app?: string;
  licence?: string;
  status: 'planned' | 'done';
  plannedAt?: number;
  dueAt?: number;
  plannedBy?: By;
  result?: 'pass' | 'rectify' | 'fail';
  findings: FindingRecord[];
  note?: Sealed;
  recordedAt?: number;
  recordedBy?: By;
  txIds: string[];
}

export interface CaseRecord {
  id: string;
  code: string;
  dept: string;
  status: 'open' | 'decided' | 'closed';
  /** sealed: staff's own words, or the finding's description for a case a finding opened */
  subject: string | Sealed;
  /** the finding's category (public) for a case a finding opened */
  category?: string;
  severity: Severity;
  origin: { inspection: string; finding: number; dept: string } | { manual: true };
  legalBasis?: string;
  openedAt: number;
  openedBy: By;
  decision?: { type: 'penalty' | 'warning' | 'noViolation'; penaltyFen: string; legalBasis: string; opinion: Sealed; by: By; time: number; txId: string };
  closure?: { outcome: 'paid' | 'rectified' | 'noAction'; note?: Sealed; by: By; time: number; txId: string };
}

export type { Grade };

/**
 * The classes of what the approval contracts write to state, by key prefix (server/chain/
 * classification.ts `StateRecordClasses`). Sealed fields are envelopes (public ciphertext); the
 * party values below are the ones still in plaintext on the ledger, as in their payloads
 * (employees, material names): a reader without a basis gets them withheld.
 */
export const APPROVAL_STATE_CLASSES: readonly StateRecordClasses[] = [
  { prefix: 'ent/', fields: publicFields('code', 'name', 'status', 'currentKey', 'keys', 'registeredAt', 'registeredBy', 'verification') },
  {
    prefix: 'filing/',
    fields: {
      ...publicFields('code', 'version', 'profile', 'materials', 'commitments', 'consents', 'filedAt', 'updatedAt', 'versions'),
      'profile.employees': 'party',
      'materials[].name': 'party',
    },
  },
  {
    prefix: 'app/',
    fields: {
      ...publicFields('id', 'code', 'process', 'processName', 'processVersion', 'project', 'filingVersion', 'status', 'phase', 'stages', 'commitment', 'supplements', 'licences', 'submittedAt', 'decidedAt', 'txId'),
      'supplements[].materials[].name': 'party',
    },
  },
  { prefix: 'lic/', fields: publicFields('id', 'code', 'type', 'name', 'dept', 'app', 'status', 'validFrom', 'validTo', 'underCommitment', 'revoked', 'imported') },
  { prefix: 'licsrc/', fields: publicFields('licence', 'txId') },
  {
    prefix: 'insp/',
    fields: publicFields('id', 'code', 'dept', 'origin', 'subject', 'app', 'licence', 'status', 'plannedAt', 'dueAt', 'plannedBy', 'result', 'findings', 'note', 'recordedAt', 'recordedBy', 'txIds'),
  },
  {
    prefix: 'case/',
    fields: publicFields('id', 'code', 'dept', 'status', 'subject', 'category', 'severity', 'origin', 'legalBasis', 'openedAt', 'openedBy', 'decision', 'closure'),
  },
  // the score and the facts it is computed from are public: every point traces back to records
  { prefix: 'credit/facts/', fields: publicFields('*') },
  { prefix: 'credit/score/', fields: publicFields('*') },
  { prefix: 'credit/weights', fields: publicFields('*') },
  { prefix: 'approval/rules', fields: publicFields('*') },
  { prefix: 'approval/process/', fields: publicFields('*') },
  // a filing's contacts passed to one more department, and a record's sealed fields passed to audit
  { prefix: 'seal/share/filing/', fields: publicFields('code', 'dept', 'commit', 'sealed', 'basis', 'by', 'height') },
  { prefix: 'seal/shares/filing/', fields: publicFields('.') },
  { prefix: 'seal/share/record/', fields: publicFields('record', 'dept', 'fields') },
];
