import type { Grade, PolicyPublishBody, PolicyRecord, PredicateKind, PrivacyField, PrivacyRuleInput } from '../../api/payout/policyTypes.ts';
import { fenToYuan, yuanToFen } from '../../money.ts';
import { DAY_MS, dayInput, dayStart, ruleSummary } from './policyFormat.ts';

/**
 * The publish form as people fill it (yuan, days, comma-separated lists) and its translation to
 * the body the server takes (fen strings, block-time milliseconds). Whatever the form cannot
 * know (a figure's period in force, the cap against the budget as published) is left to the
 * server, whose message the page shows.
 */

export interface RuleDraft {
  /** kept from an earlier version, else made from the figure's name */
  id: string;
  label: string;
  field: string;
  period: string;
  kind: PredicateKind | '';
  /** in yuan for figures kept in fen, else an integer */
  threshold: string;
  lower: string;
  upper: string;
  target: string;
  /** yyyymmdd */
  date: string;
  setFrom: string;
  setTo: string;
  /** 'consent', or the id of a statute */
  basis: string;
}

export interface PolicyDraft {
  title: string;
  legalBasis: string;
  summary: string;
  budgetYuan: string;
  capYuan: string;
  /** YYYY-MM-DD, the first and the last day applications are taken */
  opens: string;
  closes: string;
  publicityDays: number;
  minGrade: Grade | '';
  industries: string;
  regions: string;
  rules: RuleDraft[];
  exclusionGroup: string;
  review: 'none' | 'expert';
  experts: number;
  supersedes: string;
}

/** A problem the form can name before sending: an i18n key and its values. */
export interface Problem {
  key: string;
  values?: Record<string, string | number>;
}

export const PREDICATES: Record<PrivacyField['kind'], PredicateKind[]> = {
  value: ['gte', 'lte', 'range', 'eq'],
  interval: ['dateValid'],
  set: ['inSet', 'notInSet'],
};

export const GRADES: Grade[] = ['A', 'B', 'C', 'D'];

export const emptyRule = (): RuleDraft => ({ id: '', label: '', field: '', period: '', kind: '', threshold: '', lower: '', upper: '', target: '', date: '', setFrom: '', setTo: '', basis: 'consent' });

export function emptyDraft(now = Date.now()): PolicyDraft {
  return {
    title: '', legalBasis: '', summary: '', budgetYuan: '', capYuan: '',
    opens: dayInput(now), closes: dayInput(now + 59 * DAY_MS), publicityDays: 7,
    minGrade: '', industries: '', regions: '', rules: [], exclusionGroup: '', review: 'none', experts: 3, supersedes: '',
  };
}

const list = (s: string) => s.split(/[,，、;；\s]+/).map((x) => x.trim()).filter(Boolean);
const INTEGER = /^(0|[1-9][0-9]*)$/;

/** A new version starts from the old one's terms, amounts back in yuan. */
export function draftFrom(p: PolicyRecord, fields: PrivacyField[], now = Date.now()): PolicyDraft {
  const fen = (f: string, v: unknown) => (fields.find((x) => x.name === f)?.unit === 'fen' ? fenToYuan(String(v)) : String(v ?? ''));
  return {
    title: p.title,
    legalBasis: p.legalBasis,
    summary: p.summary ?? '',
    budgetYuan: fenToYuan(p.budgetFen),
    capYuan: fenToYuan(p.capFen),
    opens: dayInput(Math.max(now, p.window.opensAt)),
    closes: dayInput(Math.max(p.window.closesAt - 1, now)),
    publicityDays: p.publicityDays,
    minGrade: p.eligibility.minGrade ?? '',
    industries: p.eligibility.industries.join(', '),
    regions: p.eligibility.regions.join('、'),
    rules: p.eligibility.privacy.map((r) => ({
      ...emptyRule(),
      id: r.id,
      label: r.label,
      field: r.field,
      period: r.period,
      kind: r.predicate.kind,
      threshold: r.predicate.params.threshold !== undefined ? fen(r.field, r.predicate.params.threshold) : '',
      lower: r.predicate.params.lower !== undefined ? fen(r.field, r.predicate.params.lower) : '',
      upper: r.predicate.params.upper !== undefined ? fen(r.field, r.predicate.params.upper) : '',
      target: r.predicate.params.target !== undefined ? fen(r.field, r.predicate.params.target) : '',
      date: String(r.predicate.params.date ?? ''),
      setFrom: r.set?.from ?? '',
      setTo: r.set?.to ?? '',
      basis: r.basis.type === 'statute' ? r.basis.rule : 'consent',
    })),
    exclusionGroup: p.exclusionGroup ?? '',
    review: p.review.method,
    experts: p.review.experts,
    supersedes: p.id,
  };
}

/** A rule id from its figure (`tax.paid` → `tax`), unique within the policy. */
function ruleId(r: RuleDraft, taken: Set<string>): string {
  if (r.id) return r.id;
  const base = (r.field.split('.')[0] || 'rule').toLowerCase().replace(/[^a-z0-9-]/g, '').slice(0, 28) || 'rule';
  let id = /^[a-z]/.test(base) ? base : `r${base}`;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/** A figure's amount as the predicate takes it: fen for figures kept in fen, else the integer typed. */
function amount(v: string, field: PrivacyField | undefined, n: number, what: string, problems: Problem[]): string {
  if (field?.unit === 'fen') {
    const fen = yuanToFen(v);
    if (fen === undefined) problems.push({ key: 'pol.form.badRuleYuan', values: { n, what } });
    return fen ?? '';
  }
  const s = v.trim();
  if (!INTEGER.test(s)) problems.push({ key: 'pol.form.badRuleInteger', values: { n, what } });
  return s;
}

function ruleBody(r: RuleDraft, n: number, fields: PrivacyField[], taken: Set<string>, problems: Problem[], locale: string): PrivacyRuleInput | undefined {
  const field = fields.find((f) => f.name === r.field);
  if (!field) {
    problems.push({ key: 'pol.form.ruleNeedsField', values: { n } });
    return undefined;
  }
  if (!r.kind || !PREDICATES[field.kind].includes(r.kind)) {
    problems.push({ key: 'pol.form.ruleNeedsPredicate', values: { n } });
    return undefined;
  }
  let params: Record<string, string> = {};
  let set: { from: string; to: string } | undefined;
  let period = r.period.trim();
  switch (r.kind) {
    case 'gte':
    case 'lte':
      params = { threshold: amount(r.threshold, field, n, 'threshold', problems) };
      break;
    case 'range':
      params = { lower: amount(r.lower, field, n, 'lower', problems), upper: amount(r.upper, field, n, 'upper', problems) };
      break;
    case 'eq':
      params = { target: amount(r.target, field, n, 'target', problems) };
      break;
    case 'dateValid':
      params = { date: r.date.trim() };
      break;
    case 'inSet':
    case 'notInSet':
      // The question is about the day window ending on its period; the server computes the set's root.
      set = { from: r.setFrom.trim(), to: r.setTo.trim() };
      period = set.to;
      break;
  }
  const id = ruleId(r, taken);
  taken.add(id);
  const rule = { field: field.name, period, predicate: { kind: r.kind, params }, ...(set ? { set } : {}) };
  const label = r.label.trim() || ruleSummary(rule, field, locale).slice(0, 80);
  return { id, label, ...rule, basis: r.basis === 'consent' || !r.basis ? { type: 'consent' } : { type: 'statute', rule: r.basis } };
}

/** The body to publish, or the problems that keep the form from sending it. */
export function toBody(d: PolicyDraft, fields: PrivacyField[], locale = 'zh-CN'): { body?: PolicyPublishBody; problems: Problem[] } {
  const problems: Problem[] = [];
  if (!d.title.trim()) problems.push({ key: 'pol.form.needTitle' });
  if (!d.legalBasis.trim()) problems.push({ key: 'pol.form.needBasis' });
  const budgetFen = yuanToFen(d.budgetYuan);
  const capFen = yuanToFen(d.capYuan);
  if (!budgetFen || budgetFen === '0') problems.push({ key: 'pol.form.badBudget' });
  if (!capFen || capFen === '0') problems.push({ key: 'pol.form.badCap' });
  const opensAt = dayStart(d.opens);
  const lastDay = dayStart(d.closes);
  if (opensAt === undefined || lastDay === undefined) problems.push({ key: 'pol.form.badWindow' });
  const taken = new Set(d.rules.filter((r) => r.id).map((r) => r.id));
  const privacy = d.rules.map((r, i) => ruleBody(r, i + 1, fields, taken, problems, locale));
  if (problems.length) return { problems };
  const body: PolicyPublishBody = {
    title: d.title.trim(),
    legalBasis: d.legalBasis.trim(),
    ...(d.summary.trim() ? { summary: d.summary.trim() } : {}),
    budgetFen: budgetFen!,
    capFen: capFen!,
    eligibility: {
      privacy: privacy as PrivacyRuleInput[],
      ...(d.minGrade ? { minGrade: d.minGrade } : {}),
      industries: list(d.industries).map((x) => x.toUpperCase()),
      regions: list(d.regions),
    },
    // The last day counts in full: the window closes at the following midnight.
    window: { opensAt: opensAt!, closesAt: lastDay! + DAY_MS },
    review: d.review === 'expert' ? { method: 'expert', experts: d.experts } : { method: 'none' },
    publicityDays: d.publicityDays,
    ...(d.exclusionGroup.trim() ? { exclusionGroup: d.exclusionGroup.trim() } : {}),
    ...(d.supersedes ? { supersedes: d.supersedes } : {}),
  };
  return { body, problems };
}
