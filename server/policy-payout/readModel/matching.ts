import type { Knex } from 'knex';
import type { FilingRecord } from '../../approval/records.ts';
import type { Grade } from '../../approval/schema.ts';
import { failedOf, staticChecks, type EnterpriseFacts } from '../eligibility/eligibility.ts';
import type { PolicyRecord } from '../records.ts';
import { listPolicies, type PolicyRow } from './queries.ts';
import type { Candidate, EligibleItem } from '../../../shared/wire/payout.ts';

/**
 * 政策找企业 and its mirror, from the approval module's read models (filings and credit scores on
 * this node): which enterprises a policy fits on the rules the chain already knows, and which open
 * policies an enterprise may qualify for. The privacy rules are listed, not answered: they are
 * asked only when the enterprise applies, with its consent or under statute.
 */
async function factsOf(db: Knex, codes?: string[]): Promise<(EnterpriseFacts & { name: string })[]> {
  if (!(await db.schema.hasTable('ap_filings'))) return [];
  const q = db('ap_filings as f').leftJoin('ap_credit as c', 'c.code', 'f.code').select('f.json', 'c.grade').orderBy('f.code');
  if (codes) q.whereIn('f.code', codes);
  const rows: { json: string; grade: Grade | null }[] = await q;
  return rows.map((r) => {
    const f = JSON.parse(r.json) as FilingRecord;
    return { code: f.code, name: f.profile.name, industry: f.profile.industry.code, address: f.profile.address, grade: r.grade ?? 'D' };
  });
}

async function appliedCodes(db: Knex, lineage: string): Promise<Set<string>> {
  const rows: { code: string }[] = await db('pay_applications as a').join('pay_policies as p', 'p.id', 'a.policy').where('p.lineage', lineage).select('a.code');
  return new Set(rows.map((r) => r.code));
}

export async function candidatesFor(db: Knex, p: PolicyRecord, limit: number): Promise<Candidate[]> {
  const applied = await appliedCodes(db, p.lineage);
  const out: Candidate[] = [];
  for (const f of await factsOf(db)) {
    if (applied.has(f.code)) continue;
    const checks = staticChecks(p.eligibility, f);
    if (failedOf(checks).length) continue;
    out.push({ code: f.code, name: f.name, industry: f.industry, grade: f.grade, checks, toAsk: p.eligibility.privacy.map((r) => r.label) });
    if (out.length >= limit) break;
  }
  return out;
}

export async function policiesFor(db: Knex, code: string, now: number): Promise<EligibleItem[]> {
  const [facts] = await factsOf(db, [code]);
  const open: PolicyRow[] = await listPolicies(db, { openAt: now }, { limit: 200, offset: 0 });
  const out: EligibleItem[] = [];
  for (const p of open) {
    const applied = (await appliedCodes(db, p.lineage)).has(code);
    const checks = facts ? staticChecks(p.eligibility, facts) : [];
    const fits = !!facts && failedOf(checks).length === 0;
    out.push({ policy: p.id, title: p.title, dept: p.dept, capFen: p.capFen, window: p.window, exclusionGroup: p.exclusionGroup ?? null, applied, fits, checks, toAsk: p.eligibility.privacy.map((r) => r.label), filed: !!facts });
  }
  return out.sort((a, b) => Number(b.fits) - Number(a.fits));
}
