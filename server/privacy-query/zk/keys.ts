import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VerificationKey } from 'snarkjs';
import { canonicalJson } from '../../chain/canonical.ts';
import { ChainError } from '../../chain/errors.ts';
import { sha256Hex } from '../../chain/hash.ts';
import { CIRCUITS, type CircuitName } from './publicSignals.ts';

/**
 * Where `npx tsx circuits/build.ts` leaves its outputs (git-ignored; see circuits/README.md for why the
 * keys are made at setup time rather than committed): zkeys and wasm per circuit, and keys/ with the
 * verification keys and the ceremony transcript. TONGBAN_CIRCUITS_BUILD names another folder, so a
 * start or a test can begin from an empty one without touching the machine's build.
 */
export const DEFAULT_BUILD_DIR = process.env.TONGBAN_CIRCUITS_BUILD
  ? resolve(process.env.TONGBAN_CIRCUITS_BUILD)
  : fileURLToPath(new URL('../../../circuits/build', import.meta.url));
export const DEFAULT_KEYS_DIR = join(DEFAULT_BUILD_DIR, 'keys');

export type VerificationKeys = Record<CircuitName, VerificationKey>;

export interface Contribution {
  name: string;
  hash: string; // snarkjs contribution hash, hex
}

export interface CircuitCeremony {
  sourceHash: string;
  constraints: number;
  ptauHash: string;
  contributions: Contribution[];
  beacon: { value: string; iterationsExp: number; hash: string };
  zkeyHash: string; // sha256 of the final zkey
  vkeyHash: string; // vkeyHash() of the exported verification key
  verified: boolean; // snarkjs zkey verify (from the r1cs) passed
}

/** A phase-1 file: the public Hermez one, or one made locally (see circuits/README.md). */
export interface PtauRecord {
  source: string; // 'local' or the public file's name
  power: number;
  hash: string; // blake2b-512 of the file, as the snarkjs README publishes them
  contributions: Contribution[];
}

export interface CeremonyTranscript {
  version: 1;
  members: string[];
  ptaus: PtauRecord[]; // every phase-1 file a circuit below was set up with (ptauHash)
  circuits: Record<CircuitName, CircuitCeremony>;
}

/** What a consortium pins (e.g. in its configuration) to name one set of keys. */
export const vkeyHash = (vkey: VerificationKey): string => sha256Hex(canonicalJson(vkey));

async function readJson<T>(file: string): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (e) {
    throw new ChainError('ZK_KEYS_MISSING', `cannot read ${file} (run \`npx tsx circuits/build.ts\`): ${(e as Error).message}`, { status: 500 });
  }
}

export const loadCeremony = (dir = DEFAULT_KEYS_DIR): Promise<CeremonyTranscript> => readJson(join(dir, 'ceremony.json'));

/** Every circuit's verification key, each checked against the hash the ceremony transcript recorded. */
export async function loadVerificationKeys(dir = DEFAULT_KEYS_DIR): Promise<VerificationKeys> {
  const ceremony = await loadCeremony(dir);
  const keys = {} as VerificationKeys;
  for (const c of CIRCUITS) {
    const vkey = await readJson<VerificationKey>(join(dir, `${c}.vkey.json`));
    if (vkeyHash(vkey) !== ceremony.circuits[c]?.vkeyHash) {
      throw new ChainError('ZK_KEYS_MISMATCH', `${c}.vkey.json is not the key the ceremony transcript records`, { status: 500 });
    }
    keys[c] = vkey;
  }
  return keys;
}
