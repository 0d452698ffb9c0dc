import { canonicalJson } from './canonical.ts';
import { hashPair, sha256Hex, ZERO_HASH } from './hash.ts';

/**
 * Binary Merkle root over hex leaves. An odd node is promoted unchanged (no duplication), so
 * a list and the same list with its last leaf repeated have different roots.
 */
export function merkleRoot(leaves: string[]): string {
  if (leaves.length === 0) return ZERO_HASH;
  let level = leaves;
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? hashPair(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

/** The Merkle leaf of one receipt: transaction id, status, code, and the events it emitted. */
export const receiptLeaf = (txId: string, status: string, code: string | undefined, events: unknown[]): string =>
  sha256Hex(`${txId}:${status}:${code ?? ''}:${sha256Hex(canonicalJson(events))}`);
