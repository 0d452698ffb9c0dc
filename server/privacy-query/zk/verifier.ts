import { buildBn128 } from 'ffjavascript';
import * as snarkjs from 'snarkjs';
import type { Groth16Proof, VerificationKey } from 'snarkjs';
import { ChainError } from '../../chain/errors.ts';
import { parseFieldElement } from './field.ts';
import type { VerificationKeys } from './keys.ts';
import type { Predicate } from './predicates.ts';
import { circuitFor, publicSignals, type QueryBinding } from './publicSignals.ts';

/** Order of the BN254 base field: proof coordinates are canonical below it. */
const BASE_FIELD_ORDER = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

const isCoordinate = (s: unknown): boolean => typeof s === 'string' && /^(0|[1-9][0-9]{0,77})$/.test(s) && BigInt(s) < BASE_FIELD_ORDER;

/** A Groth16 proof in snarkjs's JSON shape, every coordinate canonical (no x + q aliases of one proof). */
function isWellFormed(proof: Groth16Proof): boolean {
  const g1 = (p: unknown) => Array.isArray(p) && p.length === 3 && p.every(isCoordinate);
  const g2 = (p: unknown) => Array.isArray(p) && p.length === 3 && p.every((c) => Array.isArray(c) && c.length === 2 && c.every(isCoordinate));
  return proof?.protocol === 'groth16' && proof.curve === 'bn128' && g1(proof.pi_a) && g2(proof.pi_b) && g1(proof.pi_c);
}

/**
 * snarkjs verifies on ffjavascript's shared curve (globalThis.curve_bn128), which by default starts a
 * thread per core and keeps the process alive until terminated (iden3/snarkjs#152, "by design").
 * A verify is one pairing check, as fast on one thread, so give it a single-threaded curve.
 */
async function useSingleThreadedCurve(): Promise<void> {
  const g = globalThis as { curve_bn128?: unknown };
  if (!g.curve_bn128) g.curve_bn128 = await buildBn128(true);
}

/**
 * Groth16 verification of a proof against public signals. Signals must be canonical decimals below p:
 * snarkjs would reduce p + x to x, so a signal shifted by p is refused here rather than accepted.
 */
export async function verifyAnswer(vkey: VerificationKey, signals: readonly string[], proof: Groth16Proof): Promise<boolean> {
  if (!Array.isArray(signals) || signals.length !== vkey.nPublic) {
    throw new ChainError('ZK_BAD_PUBLIC_SIGNALS', `expected ${vkey.nPublic} public signals`);
  }
  signals.forEach((s, i) => parseFieldElement(s, `public signal ${i}`));
  if (!isWellFormed(proof)) return false;
  await useSingleThreadedCurve();
  try {
    return await snarkjs.groth16.verify(vkey, signals, proof);
  } catch {
    return false; // e.g. a point that is not on the curve
  }
}

/** The verifier's side of a query: rebuilds the public signals from the chain's record, never from the prover. */
export function verifyQueryAnswer(
  keys: VerificationKeys,
  q: { binding: QueryBinding; predicate: Predicate; answer: boolean; proof: Groth16Proof },
): Promise<boolean> {
  return verifyAnswer(keys[circuitFor(q.predicate)], publicSignals(q.binding, q.predicate, q.answer), q.proof);
}
