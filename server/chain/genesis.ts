import { canonicalJson } from './canonical.ts';
import { sha256Hex } from './hash.ts';
import { Genesis } from './schema.ts';

/** The chain version new consortia get (schema.ts, Genesis.version). */
export const CHAIN_VERSION = 2;

/** A chain's version: what its genesis says, 1 when it says nothing. */
export const chainVersionOf = (g: Pick<Genesis, 'version'>): number => g.version ?? 1;

export const genesisHash = (g: Genesis): string => sha256Hex(canonicalJson(g));

/** More than two thirds of the members: the smallest q with 3q > 2n. */
export const quorumOf = (memberCount: number): number => Math.floor((2 * memberCount) / 3) + 1;

export const DEFAULT_LIMITS: Genesis['limits'] = {
  maxTxBytes: 64 * 1024,
  maxBlockTxs: 2000,
  blockWaitMs: 50,
  txTtlMs: 24 * 60 * 60 * 1000,
};

export function parseGenesis(raw: unknown): Genesis {
  return Genesis.parse(raw);
}
