import { canonicalJson } from './canonical.ts';
import { hash } from 'node:crypto';
import { hashPair, sha256Hex, ZERO_HASH } from './hash.ts';

/**
 * Binary Merkle root over hex leaves. An odd node is promoted unchanged (no duplication), so
 * a list and the same list with its last leaf repeated have different roots. This is the tree
 * of chain version 1, with no domain separation between leaves and inner nodes.
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

/**
 * Chain version 2: RFC 6962's Merkle tree hash. A leaf hashes as H(0x00 || data) and an inner
 * node as H(0x01 || left || right), so no inner node can be passed off as a leaf (or a leaf as a
 * subtree) in an inclusion proof. Promoting the odd node level by level gives the same tree as
 * RFC 6962's split at the largest power of two. `leafHashes` are already H(0x00 || data).
 */
export function merkleRootV2(leafHashes: string[]): string {
  if (leafHashes.length === 0) return ZERO_HASH;
  let n = leafHashes.length;
  let level = Buffer.from(leafHashes.join(''), 'hex');
  const pair = Buffer.allocUnsafe(65);
  pair[0] = 1;
  while (n > 1) {
    const next = Buffer.allocUnsafe(Math.ceil(n / 2) * 32);
    for (let i = 0; i < n; i += 2) {
      if (i + 1 < n) {
        level.copy(pair, 1, i * 32, i * 32 + 64);
        next.set(hash('sha256', pair, 'buffer'), i * 16);
      } else level.copy(next, i * 16, i * 32, i * 32 + 32);
    }
    level = next;
    n = Math.ceil(n / 2);
  }
  return level.toString('hex', 0, 32);
}

/** The text a receipt's leaf commits to: transaction id, status, code, and the hash of its events. */
export const receiptLeafText = (txId: string, status: string, code: string | undefined, events: unknown[]): string =>
  `${txId}:${status}:${code ?? ''}:${sha256Hex(canonicalJson(events))}`;

/** The Merkle leaf of one receipt (version 1): transaction id, status, code, and the events it emitted. */
export const receiptLeaf = (txId: string, status: string, code: string | undefined, events: unknown[]): string =>
  sha256Hex(receiptLeafText(txId, status, code, events));

/** The same receipt's leaf hash in version 2: H(0x00 || text). */
export const receiptLeafV2 = (txId: string, status: string, code: string | undefined, events: unknown[]): string =>
  hash('sha256', Buffer.concat([Buffer.of(0), Buffer.from(receiptLeafText(txId, status, code, events))]), 'hex');
