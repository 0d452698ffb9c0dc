import type { CommitResult as ServerCommitResult } from '@shared/wire/privacy.ts';
import type { PrivacyField } from '../payout/policyTypes.ts';

/** GET /privacy/allowed: one question a basis lets my department ask, with the parameters it fixes. */
export interface AllowedQuestion {
  basis: { type: 'consent' } | { type: 'statute'; rule: string } | { type: 'approval'; app: string };
  field: string;
  label: string;
  labelEn: string;
  /** fixed by the basis (an approval check's period); absent: any period of the figure */
  period?: string;
  predicate: { kind: string; params: Record<string, string> };
  set?: { from: string; to: string };
  note?: string;
}

export interface AllowedQuery {
  enterprise: string;
  basis: 'consent' | 'statute' | 'approval';
  rule?: string;
  app?: string;
  period?: string;
}

export interface AskBody {
  enterprise: string;
  field: string;
  period: string;
  predicate: { kind: string; params: Record<string, string> };
  set?: { from: string; to: string };
  purpose: string;
  basis: AllowedQuestion['basis'];
  origin?: { module: string; ref: string };
}

export interface AskResult {
  id: string;
  tx: string;
  height: number;
}

export type Basis = AllowedQuestion['basis'];
export type QueryStatus = 'open' | 'answered' | 'declined' | 'expired';
export type Predicate = { kind: string; params: Record<string, string> };

/** GET /privacy/queries: one question as lists show it, with the enterprise's name beside its code. */
export interface QueryItem {
  id: string;
  requester: { dept: string; id: string };
  holder: string;
  enterprise: string;
  enterpriseName?: string;
  field: string;
  period: string;
  status: QueryStatus;
  askedHeight: number;
  askedAt: number;
  expiresAtHeight: number;
  answer?: boolean;
  answeredHeight?: number;
  origin?: { module: string; ref: string };
  predicate?: Predicate;
  set?: { from: string; to: string };
  basis?: Basis;
  basisText?: string;
  purpose?: string;
  declineReason?: string;
}

export interface QueryList {
  items: QueryItem[];
  total: number;
  limit: number;
  offset: number;
}

/** GET /privacy/queries/:id: the record with its answer, proof and how sure the answer is. */
export interface QueryDetail extends Omit<QueryItem, 'enterpriseName'> {
  question: string;
  proof?: unknown;
  verification: { verified: boolean; final: boolean; label: string };
  /** with ?reverify=1: this node checked the proof again just now */
  reverified?: boolean;
}

/** One figure of the consortium's privacy configuration (a holder, a unit, how its periods are written). */
export type FieldInfo = Omit<PrivacyField, 'aliases'>;

export interface PrivacyConfig {
  fields: FieldInfo[];
  statutes: { id: string; dept: string; field: string; basis: string; origin?: string }[];
  keys: { source: 'genesis' | 'governance' | 'none' };
}

export interface FigureCount {
  field: string;
  period: string;
  enterprises: number;
}

/** One row of a figure file as the holder's system exports it (server/privacy-query/holder/figures.ts, FigureRow). */
export interface FigureRowInput {
  enterprise: string;
  value: string | number | { validFrom: string; validTo: string } | { cases: string[] };
}

export type CommitResult = Omit<ServerCommitResult, 'rejected'>;
