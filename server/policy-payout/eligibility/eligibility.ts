import { gradeAtLeast } from '../../approval/credit/score.ts';
import type { Grade } from '../../approval/schema.ts';
import type { CheckRecord } from '../records.ts';
import type { Eligibility } from '../schema.ts';

export interface EnterpriseFacts {
  code: string;
  industry: string;
  address: string;
  grade: Grade;
}

/**
 * The rules that need no other department's data: credit grade (from approval's score), industry
 * and region (from the enterprise's filing). One function for the contract, the portal's
 * "policies you may qualify for" and the officer's "enterprises the policy fits" (政策找企业).
 */
export function staticChecks(e: Eligibility, f: EnterpriseFacts): CheckRecord[] {
  const out: CheckRecord[] = [];
  if (e.minGrade) {
    const ok = gradeAtLeast(f.grade, e.minGrade);
    out.push({ rule: 'grade', kind: 'grade', label: `信用等级不低于 ${e.minGrade}`, status: ok ? 'passed' : 'failed', detail: `信用等级 ${f.grade} / credit grade ${f.grade}` });
  }
  if (e.industries.length) {
    const ok = e.industries.some((p) => f.industry.startsWith(p));
    out.push({ rule: 'industry', kind: 'industry', label: `行业 ${e.industries.join('、')}`, status: ok ? 'passed' : 'failed', detail: `申报行业 ${f.industry} / filed industry ${f.industry}` });
  }
  if (e.regions.length) {
    const hit = e.regions.find((r) => f.address.includes(r));
    out.push({ rule: 'region', kind: 'region', label: `区域 ${e.regions.join('、')}`, status: hit ? 'passed' : 'failed', detail: hit ? `注册地址位于${hit}` : '注册地址不在政策区域内 / address outside the policy regions' });
  }
  return out;
}

export const failedOf = (checks: CheckRecord[]) => checks.filter((c) => c.status === 'failed');
