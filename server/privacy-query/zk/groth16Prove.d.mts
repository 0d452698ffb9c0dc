// Types for groth16Prove.mjs (plain JavaScript so that proverWorker.mjs loads it under plain node too).
import type { Curve } from 'ffjavascript';
import type { Groth16Proof } from 'snarkjs';
import type { Table } from './msmTables.mjs';

export type Section = 'A' | 'B1' | 'B2' | 'C' | 'H';

export interface ProvingKey {
  curve: Curve;
  nVars: number;
  nPublic: number;
  domainSize: number;
  power: number;
  /** each section's points: affine, Montgomery form, as in the zkey */
  A: Uint8Array;
  B1: Uint8Array;
  B2: Uint8Array;
  C: Uint8Array;
  H: Uint8Array;
  /** the sections that have window tables */
  tables: Partial<Record<Section, Table>>;
}

/** Multi-exponentiations of a proof computed by a second thread: Jacobian points in Montgomery form. */
export type HelpedPart = Partial<Record<Section, Uint8Array>>;

/**
 * `curve`: ffjavascript's bn128, single-threaded (buildBn128(true)) in a worker. `tables` (on by default)
 * precomputes window tables for the sections small enough to get them.
 */
export function readProvingKey(curve: Curve, zkey: Uint8Array | ArrayBuffer, opts?: { tables?: boolean }): ProvingKey;
/** The counter two threads share to take the steps of one proof. */
export function newClaims(): Int32Array;
export function helpProve(pk: ProvingKey, witness: Uint8Array, claims: Int32Array): Promise<HelpedPart>;
export function prove(
  pk: ProvingKey,
  witness: Uint8Array,
  helper?: (claims: Int32Array) => Promise<HelpedPart | null>,
): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
