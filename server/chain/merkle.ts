import { canonicalJson } from './canonical.ts';
import { hash } from 'node:crypto';
import { hashPair, sha256Hex, ZERO_HASH } from './hash.ts';

/**
 * Binary Merkle root over hex leaves. An odd node is promoted unchanged (no duplication), so
 * a list and the same list with its last leaf repeated have different roots.
 */
export function merkleRoot(leaves: string[]): string {
  if (leaves.length === 0) return ZERO_HASH;
  if (leaves.length === 1) return leaves[0];
  // One buffer per level, pairs hashed where they lie: the same hashes as hashPair without hex
  // or a small buffer per node. Any leaf that is not 32 bytes of hex takes hashPair's way.
  let n = leaves.length;
  let level = leaves.every((l) => l.length === 64) ? Buffer.from(leaves.join(''), 'hex') : undefined;
  if (!level || level.length !== n * 32) return merkleRootOfHex(leaves);
  while (n > 1) {
    const next = Buffer.allocUnsafe(Math.ceil(n / 2) * 32);
    for (let i = 0; i < n; i += 2) {
      if (i + 1 < n) next.set(hash('sha256', level.subarray(i * 32, i * 32 + 64), 'buffer'), i * 16);
      else level.copy(next, i * 16, i * 32, i * 32 + 32);
    }
    level = next;
    n = Math.ceil(n / 2);
  }
  return level.toString('hex', 0, 32);
}

/** The root by hashPair, one hex node at a time: the definition the fast path above must match. */
export function merkleRootOfHex(leaves: string[]): string {
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
