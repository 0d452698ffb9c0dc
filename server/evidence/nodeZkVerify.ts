import type { Groth16Proof, VerificationKey } from 'snarkjs';
import { verifyAnswer } from '../privacy-query/zk/verifier.ts';

/** Groth16 verification for the command-line verifier: the chain's own check (canonical signals and coordinates). */
export async function nodeZkVerify(vkey: unknown, signals: string[], proof: unknown): Promise<boolean> {
  try {
    return await verifyAnswer(vkey as VerificationKey, signals, proof as Groth16Proof);
  } catch {
    return false;
  }
}
