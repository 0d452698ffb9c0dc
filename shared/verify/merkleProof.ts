import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

/**
 * Inclusion proofs in a block's transaction tree (server/chain/merkle.ts), without node:crypto so
 * the browser verifier runs the same code. Version 2 is RFC 6962's tree (leaf H(0x00 || data),
 * node H(0x01 || l || r)); version 1 has no prefixes and is only as strong as that allows.
 * A proof is the audit path of RFC 9162 §2.1.3: the siblings from the leaf up, with the leaf's
 * index and the tree's size deciding on which side each one sits.
 */
export interface InclusionProof {
  index: number;
  size: number;
  path: string[];
}

const ZERO = '0'.repeat(64);

export function nodeHash(left: string, right: string, version: number): string {
  const l = hexToBytes(left);
  const r = hexToBytes(right);
  const buf = new Uint8Array(version >= 2 ? 65 : 64);
  const at = version >= 2 ? 1 : 0;
  if (version >= 2) buf[0] = 1;
  buf.set(l, at);
  buf.set(r, at + 32);
  return bytesToHex(sha256(buf));
}

/** The receipt's leaf text, as merkle.ts's receiptLeafText, from its events' hash. */
export const leafText = (txId: string, status: string, code: string | null | undefined, eventsHash: string): string => `${txId}:${status}:${code ?? ''}:${eventsHash}`;

export function leafHash(text: string, version: number): string {
  const body = new TextEncoder().encode(text);
  if (version < 2) return bytesToHex(sha256(body));
  const buf = new Uint8Array(body.length + 1);
  buf.set(body, 1);
  return bytesToHex(sha256(buf));
}

/** The levels of the tree, leaves first; an odd node is promoted unchanged. Compute once per block, then proofFrom each leaf. */
export function levels(leaves: string[], version: number): string[][] {
  const out = [leaves];
  while (out[out.length - 1].length > 1) {
    const level = out[out.length - 1];
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? nodeHash(level[i], level[i + 1], version) : level[i]);
    out.push(next);
  }
  return out;
}

export const rootOf = (leaves: string[], version: number): string => (leaves.length ? levels(leaves, version).at(-1)![0] : ZERO);

/** The proof that leaves[index] is in the tree of `leaves`. */
export const proofOf = (leaves: string[], index: number, version: number): InclusionProof => proofFrom(levels(leaves, version), index);

/** The proof of the leaf at `index` from a tree's levels (levels()). */
export function proofFrom(tree: string[][], index: number): InclusionProof {
  const path: string[] = [];
  let i = index;
  for (const level of tree.slice(0, -1)) {
    const sibling = i % 2 === 1 ? i - 1 : i + 1;
    if (sibling < level.length) path.push(level[sibling]);
    i = Math.floor(i / 2);
  }
  return { index, size: tree[0].length, path };
}

/** The root a proof leads to from `leaf`, or undefined when the path does not fit the index and size (RFC 9162 §2.1.3.2). */
export function rootFromProof(leaf: string, p: InclusionProof, version: number): string | undefined {
  if (!Number.isSafeInteger(p.index) || !Number.isSafeInteger(p.size) || p.index < 0 || p.index >= p.size) return undefined;
  let fn = p.index;
  let sn = p.size - 1;
  let r = leaf;
  for (const sib of p.path) {
    if (!/^[0-9a-f]{64}$/.test(sib) || sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(sib, r, version);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else r = nodeHash(r, sib, version);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}
