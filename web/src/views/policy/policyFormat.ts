import type {
  ApplicationStatus, AwardStatus, CheckRecord, ObjectionRecord, PolicyRow, PrivacyField, PrivacyRule,
} from '../../api/payout/policyTypes.ts';
import { fenToYuan } from '../../money.ts';

/** Small pure helpers the policy pages share: tag colours, where a policy stands, shares of a budget. */

export type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary';

export const DAY_MS = 86_400_000;

export const APP_STATUSES: ApplicationStatus[] = ['checking', 'reviewing', 'deciding', 'approved', 'rejected'];

export const appStatusType = (s: ApplicationStatus): TagType =>
  (({ checking: 'info', reviewing: 'warning', deciding: 'primary', approved: 'success', rejected: 'danger' }) as Record<ApplicationStatus, TagType>)[s];

export const awardStatusType = (s: AwardStatus): TagType =>
  (({ approved: 'primary', publicised: 'warning', withdrawn: 'info', payable: 'success', paying: 'warning', failed: 'danger', paid: 'success' }) as Record<AwardStatus, TagType>)[s];

export const checkType = (s: CheckRecord['status']): TagType => (s === 'passed' ? 'success' : s === 'failed' ? 'danger' : 'info');

export const objectionType = (s: ObjectionRecord['status']): TagType =>
  (({ open: 'warning', upheld: 'success', dismissed: 'info', moot: 'info' }) as Record<ObjectionRecord['status'], TagType>)[s];

export type PolicyPhase = 'superseded' | 'upcoming' | 'open' | 'closed';

/** Where a version stands at a moment of block time (a replaced version takes no applications). */
export function policyPhase(p: Pick<PolicyRow, 'successor' | 'window'>, now: number): PolicyPhase {
  if (p.successor) return 'superseded';
  if (now < p.window.opensAt) return 'upcoming';
  return now < p.window.closesAt ? 'open' : 'closed';
}

export const phaseType = (ph: PolicyPhase): TagType => (({ superseded: 'info', upcoming: 'warning', open: 'success', closed: 'info' }) as Record<PolicyPhase, TagType>)[ph];

/** Whole percent of a budget that a part takes, on the digits (amounts are fen strings). */
export function percentOf(partFen: string, budgetFen: string): number {
  const b = BigInt(budgetFen || '0');
  if (b <= 0n) return 0;
  return Number((BigInt(partFen || '0') * 100n) / b);
}

/** `¥1,234.50`, or '—' when there is no amount. */
export const yuan = (fen: string | null | undefined) => (fen ? `¥${fenToYuan(fen)}` : '—');

/** A date as the `<input type="date">` writes it, in this browser's time zone. */
export function dayInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Local midnight of a `YYYY-MM-DD` day, or undefined when it is not one. */
export function dayStart(s: string): number | undefined {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(s.trim());
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getMonth() === Number(m[2]) - 1 ? d.getTime() : undefined;
}

export const formatDay = (ms: number, locale: string) => new Date(ms).toLocaleDateString(locale, { year: 'numeric', month: '2-digit', day: '2-digit' });

/** The application window as people read it: its first day to its last day (it closes at the following midnight). */
export const windowText = (w: { opensAt: number; closesAt: number }, locale: string) => `${formatDay(w.opensAt, locale)} – ${formatDay(w.closesAt - 1, locale)}`;

/** A privacy rule's question in short, e.g. `2025 tax.paid ≥ ¥1,000,000.00`; amounts of fen figures read in yuan. */
export function ruleSummary(r: Pick<PrivacyRule, 'field' | 'period' | 'predicate' | 'set'>, field?: PrivacyField, locale = 'zh-CN'): string {
  const name = field ? (locale === 'en' ? field.labelEn : field.label) : r.field;
  const v = (x: unknown) => (field?.unit === 'fen' ? yuan(String(x)) : String(x));
  const p = r.predicate.params;
  switch (r.predicate.kind) {
    case 'gte':
      return `${r.period} ${name} ≥ ${v(p.threshold)}`;
    case 'lte':
      return `${r.period} ${name} ≤ ${v(p.threshold)}`;
    case 'range':
      return `${r.period} ${name} ∈ [${v(p.lower)}, ${v(p.upper)}]`;
    case 'eq':
      return `${r.period} ${name} = ${v(p.target)}`;
    case 'dateValid':
      return `${name} @ ${String(p.date)}`;
    case 'inSet':
    case 'notInSet':
      return `${r.predicate.kind === 'inSet' ? '∈' : '∉'} ${name} ${r.set?.from ?? '?'}–${r.set?.to ?? r.period}`;
  }
}
