import { ChainError } from '../../chain/errors.ts';
import { commit, unpackInterval } from './commitment.ts';
import type { IndexedSet } from './indexedSet.ts';
import { evaluate, type Predicate } from './predicates.ts';
import type { CircuitInput, ProveResult, Prover } from './prover.ts';
import { publicInputs, publicSignals, type QueryBinding } from './publicSignals.ts';

/** The data holder's side of a query: its secret opening of the commitment, and the set for set predicates. */
export interface AnswerRequest {
  binding: QueryBinding;
  predicate: Predicate;
  value: bigint;
  salt: bigint;
  set?: IndexedSet;
}

export interface Answer extends ProveResult {
  answer: boolean;
}

function privateInputs(req: AnswerRequest): CircuitInput {
  const { predicate, value, salt } = req;
  if (predicate.kind === 'dateValid') return { ...unpackInterval(value), salt };
  if (predicate.kind === 'inSet' || predicate.kind === 'notInSet') return { value, salt, ...req.set!.witness(value) };
  return { value, salt };
}

/**
 * Answers a query with a proof. Checks the opening against the on-chain commitment first, so a holder
 * with the wrong figure learns why instead of getting a witness failure, and refuses to publish a proof
 * whose public signals differ from the reference ones (which would mean the circuit and the reference disagree).
 */
export async function proveAnswer(prover: Prover, req: AnswerRequest): Promise<Answer> {
  const { binding, predicate } = req;
  const opened = await commit({ enterprise: binding.enterprise, field: binding.field, period: binding.period, value: req.value, salt: req.salt });
  if (opened !== binding.commitment) throw new ChainError('ZK_COMMITMENT_MISMATCH', 'value and salt do not open the commitment the query names');
  const answer = evaluate(predicate, req.value, req.set);
  const { circuit, inputs } = publicInputs(binding, predicate);
  const result = await prover.prove(circuit, { ...Object.fromEntries(inputs), ...privateInputs(req) });
  const expected = publicSignals(binding, predicate, answer);
  if (result.publicSignals.length !== expected.length || result.publicSignals.some((s, i) => s !== expected[i])) {
    throw new ChainError('ZK_PROOF_MISMATCH', `${circuit} proved other public signals than the reference expects`, { status: 500 });
  }
  return { answer, ...result };
}
