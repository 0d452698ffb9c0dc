import type { TxContext } from '../../chain/contract.ts';
import type { StateView } from '../../chain/state.ts';
import { currentPeriod, previousPeriod, type PeriodFormat } from '../../privacy-query/questions.ts';
import { recordPrivacyStanding } from './facts.ts';

/** A verified answer to a privacy question, as the privacy-query contract hands it on. */
export interface VerifiedAnswer {
  query: string;
  enterprise: string;
  /** the figure's name and every other name it goes by */
  names: readonly string[];
  /** the period the answer is about, written as its figure's periods are */
  period: string;
  periodFormat: PeriodFormat;
  predicate: { kind: string; params: Record<string, unknown> };
  answer: boolean;
}

/** The figures that say whether an enterprise pays its tax and its employees' social insurance. */
const STANDING: Record<'tax' | 'social', string> = { tax: 'tax.paid', social: 'hrss.insured' };

/**
 * What a proof-backed answer implies about tax or social-insurance standing, if anything: only
 * what follows from it. "Tax paid ≥ ¥1,000,000? yes" implies some tax was paid (standing yes);
 * "≥ 1 fen? no" implies none was (standing no); "≥ ¥1,000,000? no" implies nothing, so a high
 * bar a department asked about never counts against the enterprise. Likewise insured employees.
 */
export function standingImplied(a: VerifiedAnswer): { which: 'tax' | 'social'; answer: boolean } | undefined {
  const which = (Object.keys(STANDING) as ('tax' | 'social')[]).find((w) => a.names.includes(STANDING[w]));
  if (!which || a.predicate.kind !== 'gte') return undefined;
  const t = String(a.predicate.params.threshold ?? '');
  if (!/^[0-9]+$/.test(t)) return undefined;
  const threshold = BigInt(t);
  if (a.answer && threshold >= 1n) return { which, answer: true };
  if (!a.answer && threshold <= 1n) return { which, answer: false };
  return undefined;
}

/**
 * Standing is about now: an answer counts only if it is about the current period at the answer's
 * block time or the one just before it (the year, month or day, as the figure is written; the
 * current year too for annual figures, whose usual question is about last year). An answer about
 * an older period, however proven, says nothing about whether the enterprise pays today.
 */
export function isCurrentStanding(a: Pick<VerifiedAnswer, 'period' | 'periodFormat'>, time: number): boolean {
  const now = currentPeriod(a.periodFormat, time);
  return a.period === now || a.period === previousPeriod(a.periodFormat, now);
}

/**
 * Feeds the credit score from privacy answers (the privacy-query module calls this in the answer's
 * own transaction): the score moves the moment a standing is proven, and the item traces to the query.
 */
export async function creditFromAnswer(ctx: TxContext, state: StateView, a: VerifiedAnswer): Promise<void> {
  const s = isCurrentStanding(a, ctx.time) ? standingImplied(a) : undefined;
  if (s) await recordPrivacyStanding(ctx, state, a.enterprise, s.which, s.answer, `pq/query/${a.query}`);
}
