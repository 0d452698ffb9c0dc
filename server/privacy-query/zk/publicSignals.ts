import { ChainError } from '../../chain/errors.ts';
import { enterpriseField, fieldId } from './commitment.ts';
import { FIELD_ORDER, queryIdLimbs, toU64 } from './field.ts';
import type { Predicate } from './predicates.ts';

/*
 * The one place that turns a query into a circuit's public inputs. The prover feeds these to the witness,
 * the verifier rebuilds them from the chain; neither trusts the other's vector.
 */

export const CIRCUITS = ['threshold_gte', 'threshold_lte', 'range', 'equality', 'date_valid', 'set_membership'] as const;
export type CircuitName = (typeof CIRCUITS)[number];

/** What ties a proof to one query: the query tx, the figure it asks about, and that figure's commitment. */
export interface QueryBinding {
  queryId: string; // the query transaction id, 64 hex characters
  enterprise: string; // unified social credit code
  field: string; // figure name, e.g. 'tax.paid'
  period: bigint;
  commitment: bigint; // the holder's on-chain commitment for (enterprise, field, period)
}

export function circuitFor(predicate: Predicate): CircuitName {
  switch (predicate.kind) {
    case 'gte':
      return 'threshold_gte';
    case 'lte':
      return 'threshold_lte';
    case 'range':
      return 'range';
    case 'eq':
      return 'equality';
    case 'dateValid':
      return 'date_valid';
    case 'inSet':
    case 'notInSet':
      return 'set_membership';
  }
}

/** The predicate's own public inputs, named and ordered as in its circuit's template. */
function predicateInputs(predicate: Predicate): [string, bigint][] {
  switch (predicate.kind) {
    case 'gte':
    case 'lte':
      return [['threshold', predicate.params.threshold]];
    case 'range':
      return [['lower', predicate.params.lower], ['upper', predicate.params.upper]];
    case 'eq':
      return [['target', predicate.params.target]];
    case 'dateValid':
      return [['date', predicate.params.date]];
    case 'inSet':
    case 'notInSet':
      return [['setRoot', predicate.params.setRoot], ['negate', predicate.kind === 'notInSet' ? 1n : 0n]];
  }
}

/** Public inputs in circuit order: commitment, queryIdHi, queryIdLo, enterprise, fieldId, period, then the predicate's. */
export function publicInputs(binding: QueryBinding, predicate: Predicate): { circuit: CircuitName; inputs: [string, bigint][] } {
  if (binding.commitment < 0n || binding.commitment >= FIELD_ORDER) throw new ChainError('ZK_NOT_FIELD_ELEMENT', 'commitment is not a field element');
  const { queryIdHi, queryIdLo } = queryIdLimbs(binding.queryId);
  const inputs: [string, bigint][] = [
    ['commitment', binding.commitment],
    ['queryIdHi', queryIdHi],
    ['queryIdLo', queryIdLo],
    ['enterprise', enterpriseField(binding.enterprise)],
    ['fieldId', fieldId(binding.field)],
    ['period', toU64(binding.period, 'period')],
    ...predicateInputs(predicate),
  ];
  return { circuit: circuitFor(predicate), inputs };
}

/** snarkjs's public signal vector for a query and its answer: the circuit's output (answer) first, then the inputs. */
export function publicSignals(binding: QueryBinding, predicate: Predicate, answer: boolean): string[] {
  return [answer ? '1' : '0', ...publicInputs(binding, predicate).inputs.map(([, v]) => v.toString())];
}
