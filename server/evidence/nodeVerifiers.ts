import type { Groth16Proof, VerificationKey } from 'snarkjs';
import { suiteByName } from '../chain/suites/index.ts';
import { verifyAnswer } from '../privacy-query/zk/verifier.ts';

/** Signature checks by the chain's own suites (node:crypto for ed25519): the command line's, same rule as signatures.ts. */
export function nodeVerifySignature(suite: 'ed25519' | 'sm2', publicKey: string, message: string, signature: string): boolean {
  try {
    return suiteByName(suite).verify(publicKey, Buffer.from(message), signature);
  } catch {
    return false;
  }
}

/** Groth16 verification for the command-line verifier: the chain's own check (canonical signals and coordinates). */
export async function nodeZkVerify(vkey: unknown, signals: string[], proof: unknown): Promise<boolean> {
  try {
    return await verifyAnswer(vkey as VerificationKey, signals, proof as Groth16Proof);
  } catch {
    return false;
  }
}
