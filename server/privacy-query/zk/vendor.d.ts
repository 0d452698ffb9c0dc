// Types for the parts of snarkjs, circomlibjs and ffjavascript this project uses; none ship their own.

declare module 'snarkjs' {
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  export interface VerificationKey {
    protocol: string;
    curve: string;
    nPublic: number;
    [key: string]: unknown;
  }
  export interface R1csInfo {
    nConstraints: number;
    nPubInputs: number;
    nPrvInputs: number;
    nOutputs: number;
    nVars: number;
  }
  type FileRef = string | Uint8Array | { type: 'mem'; data?: Uint8Array };
  export const groth16: {
    prove(zkey: FileRef, witness: FileRef, logger?: unknown): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vkey: VerificationKey, publicSignals: readonly string[], proof: Groth16Proof, logger?: unknown): Promise<boolean>;
  };
  export const powersOfTau: {
    newAccumulator(curve: unknown, power: number, file: string, logger?: unknown): Promise<unknown>;
    contribute(oldFile: string, newFile: string, name: string, entropy: string, logger?: unknown): Promise<Uint8Array>;
    preparePhase2(oldFile: string, newFile: string, logger?: unknown): Promise<void>;
  };
  export const zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string, logger?: unknown): Promise<Uint8Array>;
    contribute(oldZkey: string, newZkey: string, name: string, entropy: string, logger?: unknown): Promise<Uint8Array>;
    beacon(oldZkey: string, newZkey: string, name: string, beaconHashHex: string, iterationsExp: number, logger?: unknown): Promise<Uint8Array | false>;
    verifyFromR1cs(r1cs: string, ptau: string, zkey: string, logger?: unknown): Promise<boolean>;
    exportVerificationKey(zkey: string | Uint8Array, logger?: unknown): Promise<VerificationKey>;
  };
  export const r1cs: { info(file: string, logger?: unknown): Promise<R1csInfo> };
}

declare module 'circomlibjs' {
  export interface Poseidon {
    (inputs: readonly bigint[]): Uint8Array;
    F: { toObject(x: Uint8Array): bigint };
  }
  export function buildPoseidon(): Promise<Poseidon>;
}

declare module 'ffjavascript' {
  export interface Curve {
    terminate(): Promise<void>;
  }
  export function buildBn128(singleThread?: boolean): Promise<Curve>;
}
