import type { Grade, Severity } from '../schema.ts';
import { DIMENSIONS, DIMENSION_NAMES, type CreditWeights, type Dimension } from './weights.ts';
import type { DimensionScore, ScoreItem, ScoreResult } from '../../../shared/wire/credit.ts';

export type { DimensionScore, ScoreItem, ScoreResult };

/**
 * The facts the score is computed from, kept per enterprise and updated by every handler whose
 * record matters (licences, approvals, inspections, cases, privacy answers, subsidies). Each
 * fact is keyed by the state key of the record it came from, so each point traces back.
 */
export interface CreditFacts {
  code: string;
  licences: Record<string, { status: 'valid' | 'revoked'; validTo: number; name: string }>;
  apps: Record<string, { status: 'inProgress' | 'returned' | 'approved' | 'rejected'; commitment: 'none' | 'granted' | 'honoured' | 'broken' }>;
  findings: Record<string, { severity: Severity }>;
  cases: Record<string, { status: 'open' | 'decided' | 'closed'; type?: 'penalty' | 'warning' | 'noViolation' }>;
  /** answers to privacy queries: tax standing, social-insurance standing */
  privacy: Partial<Record<'tax' | 'social', { answer: boolean; ref: string }>>;
  subsidy: Record<string, { compliant: boolean }>;
}

export const emptyFacts = (code: string): CreditFacts => ({ code, licences: {}, apps: {}, findings: {}, cases: {}, privacy: {}, subsidy: {} });




/** The rules: a base per dimension and a delta per kind of record, all in basis points. */
export const RULES = {
  licence: { base: 6000, valid: 1500, expired: -500, revoked: -3000 },
  privacy: { unknown: 6000, yes: 10_000, no: 3000 },
  approvals: { base: 7000, approved: 500, rejected: -1000, honoured: 1000, broken: -4000 },
  supervision: { base: 10_000, minor: -500, major: -2000, severe: -4000 },
  enforcement: { base: 10_000, open: -1000, penalty: -3000, penaltyClosed: -2000, warning: -1000, noViolation: 0 },
  subsidy: { base: 10_000, nonCompliant: -5000 },
} as const;

const sorted = <T>(o: Record<string, T>): [string, T][] => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const clamp = (n: number) => Math.max(0, Math.min(10_000, n));

function items(dim: Dimension, f: CreditFacts, time: number): ScoreItem[] {
  const out: ScoreItem[] = [];
  const base = (delta: number, note: string) => out.push({ ref: null, kind: 'base', delta, note });
  const add = (ref: string, kind: string, delta: number, note: string) => out.push({ ref, kind, delta, note });
  switch (dim) {
    case 'licence': {
      base(RULES.licence.base, '基础分 base');
      for (const [ref, l] of sorted(f.licences)) {
        if (l.status === 'revoked') add(ref, 'revoked', RULES.licence.revoked, `${l.name} 已撤销 revoked`);
        else if (l.validTo < time) add(ref, 'expired', RULES.licence.expired, `${l.name} 已过期 expired`);
        else add(ref, 'valid', RULES.licence.valid, `${l.name} 有效 valid`);
      }
      break;
    }
    case 'tax':
    case 'social': {
      const a = f.privacy[dim];
      if (!a) base(RULES.privacy.unknown, '待隐私问询 pending privacy query');
      else add(a.ref, a.answer ? 'yes' : 'no', a.answer ? RULES.privacy.yes : RULES.privacy.no, a.answer ? '问询结果：是 answered yes' : '问询结果：否 answered no');
      break;
    }
    case 'approvals': {
      base(RULES.approvals.base, '基础分 base');
      for (const [ref, a] of sorted(f.apps)) {
        if (a.status === 'approved') add(ref, 'approved', RULES.approvals.approved, '审批通过 approved');
        if (a.status === 'rejected') add(ref, 'rejected', RULES.approvals.rejected, '审批不予许可 rejected');
        if (a.commitment === 'honoured') add(ref, 'honoured', RULES.approvals.honoured, '告知承诺已履行 commitment honoured');
        if (a.commitment === 'broken') add(ref, 'broken', RULES.approvals.broken, '告知承诺未履行 commitment broken');
      }
      break;
    }
    case 'supervision': {
      base(RULES.supervision.base, '基础分 base');
      for (const [ref, x] of sorted(f.findings)) add(ref, x.severity, RULES.supervision[x.severity], `检查发现问题（${x.severity}） finding`);
      break;
    }
    case 'enforcement': {
      base(RULES.enforcement.base, '基础分 base');
      for (const [ref, c] of sorted(f.cases)) {
        if (c.status === 'open') add(ref, 'open', RULES.enforcement.open, '执法案件办理中 case open');
        else if (c.type === 'penalty') {
          const closed = c.status === 'closed';
          add(ref, closed ? 'penaltyClosed' : 'penalty', closed ? RULES.enforcement.penaltyClosed : RULES.enforcement.penalty, closed ? '行政处罚（已结案）penalty, closed' : '行政处罚 penalty');
        } else if (c.type === 'warning') add(ref, 'warning', RULES.enforcement.warning, '警告 warning');
        else add(ref, 'noViolation', RULES.enforcement.noViolation, '不予处罚 no violation');
      }
      break;
    }
    case 'subsidy': {
      base(RULES.subsidy.base, '基础分 base');
      for (const [ref, s] of sorted(f.subsidy)) if (!s.compliant) add(ref, 'nonCompliant', RULES.subsidy.nonCompliant, '政策资金使用不合规 subsidy non-compliance');
      break;
    }
  }
  return out;
}

export function gradeOf(total: number, bands: CreditWeights['bands']): Grade {
  if (total >= bands.A) return 'A';
  if (total >= bands.B) return 'B';
  if (total >= bands.C) return 'C';
  return 'D';
}

/** Pure and integer-only: the same facts, weights and time give the same score on every node. */
export function scoreFacts(facts: CreditFacts, w: CreditWeights, time: number): ScoreResult {
  const dimensions = DIMENSIONS.map((dim): DimensionScore => {
    const its = items(dim, facts, time);
    const score = clamp(its.reduce((s, i) => s + i.delta, 0));
    const weight = w.weights[dim];
    return { dim, name: DIMENSION_NAMES[dim], weight, score, contribution: Math.floor((weight * score) / 10_000), items: its };
  });
  const total = dimensions.reduce((s, d) => s + d.contribution, 0);
  return { total, grade: gradeOf(total, w.bands), dimensions };
}

export const GRADE_ORDER: Record<Grade, number> = { A: 4, B: 3, C: 2, D: 1 };
export const gradeAtLeast = (g: Grade, min: Grade): boolean => GRADE_ORDER[g] >= GRADE_ORDER[min];
