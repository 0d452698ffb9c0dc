import { reject } from '../chain/errors.ts';
import type { StateView } from '../chain/state.ts';
import type { FieldDef } from './config.ts';
import { pq } from './stateKeys.ts';
import type { Predicate } from './zk/predicates.ts';

/*
 * The disclosure budget. Every node verifies every proof, so what the consortium knows of a figure is
 * the union of all answers about it, whoever asked. What a set of yes/no answers can reveal depends
 * only on the points where the answers may change ("cuts"), so the budget counts distinct cuts per
 * enterprise, figure and period, not questions:
 *   value figures: gte t cuts at t; lte u at u+1 (so "≥ t" and "≤ t-1" are one question); range [l, u]
 *   at l and u+1 (two); eq t at t and t+1 (two). A question that is always yes (gte 0, lte 2^64-1)
 *   cuts nothing.
 *   interval figures (licence validity): dateValid d is one cut, the day d.
 *   set figures (latest case day as of the period): a window [from, period] is one cut, its start;
 *   inSet and notInSet of the same window are one question (one answer is the other's negation).
 * With k cuts allowed, a value is placed in one of at most k + 1 intervals (circuits/README.md).
 */

const U64_LIMIT = 1n << 64n;

/** The cuts one question makes (sorted, distinct, canonical decimal). */
export function cutsOf(kind: FieldDef['kind'], p: Predicate, set?: { from: string }): string[] {
  if (kind === 'set') return set ? [set.from] : [];
  const cuts: bigint[] = [];
  switch (p.kind) {
    case 'gte':
      cuts.push(p.params.threshold);
      break;
    case 'lte':
      cuts.push(p.params.threshold + 1n);
      break;
    case 'range':
      cuts.push(p.params.lower, p.params.upper + 1n);
      break;
    case 'eq':
      cuts.push(p.params.target, p.params.target + 1n);
      break;
    case 'dateValid':
      cuts.push(p.params.date);
      break;
    default:
      break;
  }
  return [...new Set(cuts.filter((c) => c > 0n && c < U64_LIMIT).map(String))].sort();
}

/** What pq.disclosed holds: the cuts already asked of one enterprise's figure for one period. */
export interface Disclosed {
  cuts: string[];
}

/**
 * The cuts after this question, if the budget allows it; refuses with PQ_DISCLOSURE_BUDGET otherwise.
 * Returns undefined when the question adds nothing (asked before, or always yes): nothing to write.
 */
export async function withinBudget(state: StateView, max: number, f: FieldDef, enterprise: string, period: string, p: Predicate, set?: { from: string }): Promise<Disclosed | undefined> {
  const have = (await state.get<Disclosed>(pq.disclosed(enterprise, f.name, period)))?.cuts ?? [];
  const fresh = cutsOf(f.kind, p, set).filter((c) => !have.includes(c));
  if (fresh.length === 0) return undefined;
  if (have.length + fresh.length > max) {
    reject('PQ_DISCLOSURE_BUDGET', `${f.name} of this enterprise for ${period} has been asked about ${have.length} distinct threshold(s); the consortium allows ${max}, so only a question already asked may be asked again`, 409, { asked: have.length, max });
  }
  return { cuts: [...have, ...fresh].sort() };
}
