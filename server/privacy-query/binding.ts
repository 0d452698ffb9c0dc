import type { Predicate } from './zk/predicates.ts';
import { parsePredicate } from './zk/predicates.ts';
import type { QueryBinding } from './zk/publicSignals.ts';
import type { QueryRecord } from './raise.ts';

/**
 * What ties a proof to one query, rebuilt from the chain's record of the question alone: the query id,
 * the enterprise, the figure, the period and the commitment pinned when it was asked. Prover and
 * verifier both start here, so neither ever takes the other's public signals.
 */
export function bindingOf(q: QueryRecord): { binding: QueryBinding; predicate: Predicate } {
  return {
    binding: { queryId: q.id, enterprise: q.enterprise, field: q.field, period: BigInt(q.period), commitment: BigInt(q.commitment) },
    predicate: parsePredicate(q.predicate),
  };
}

/** The question's shape without its figure: how other modules look an answer up ('gte/100000000', 'notInSet'). */
export function answerSlot(p: Predicate): string {
  switch (p.kind) {
    case 'gte':
    case 'lte':
      return `${p.kind}/${p.params.threshold}`;
    case 'range':
      return `range/${p.params.lower}-${p.params.upper}`;
    case 'eq':
      return `eq/${p.params.target}`;
    case 'dateValid':
      return `dateValid/${p.params.date}`;
    case 'inSet':
    case 'notInSet':
      return p.kind;
  }
}
