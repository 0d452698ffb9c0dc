import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { canonical } from './canonical.ts';
import { leafHash, leafText, rootFromProof, type InclusionProof } from './merkleProof.ts';
import { verifySignature } from './signatures.ts';

/**
 * A transaction's inclusion proof as a node gives it (GET /<dept>/api/clients/proof/<txId>), and
 * its offline check: the transaction hashes to its id and carries its signer's signature, its
 * receipt is a leaf of its block's transaction tree (RFC 6962 / 9162 audit path against the
 * header's txRoot), the headers link from its block up to a block a quorum of the consortium's
 * members signed (the finality certificate). The caller supplies the trust root (the genesis's
 * chain, suite, version and member node keys); nothing the node says is taken on its word.
 */
export interface ProofHeader {
  chain: string;
  height: number;
  prev: string;
  txRoot: string;
  [k: string]: unknown;
}

export interface TxInclusion {
  tx: { chain: string; kind: string; signer: string; signature: string; [k: string]: unknown };
  receipt: { id: string; height: number; index: number; status: string; code: string | null; events: { type: string; data: Record<string, unknown> }[] };
  proof: InclusionProof;
  /** from the transaction's block up to the certified block, each with its hash */
  headers: { height: number; hash: string; header: ProofHeader }[];
  cert: { height: number; hash: string; sigs: { dept: string; sig: string }[] };
}

export interface TrustRoot {
  chain: string;
  suite: 'ed25519' | 'sm2';
  /** the chain's version (genesis `version`, 1 when absent) */
  version: number;
  members: { dept: string; nodeKey: string }[];
}

export type InclusionCheck = { ok: true; height: number; certifiedAt: number } | { ok: false; reason: string };

const sha = (s: string): string => bytesToHex(sha256(new TextEncoder().encode(s)));
const quorumOf = (n: number): number => Math.floor((2 * n) / 3) + 1;

export function verifyTxInclusion(p: TxInclusion, trust: TrustRoot, expect: { txId?: string; event?: { type: string; data: unknown; eventIndex: number } } = {}): InclusionCheck {
  const no = (reason: string): InclusionCheck => ({ ok: false, reason });
  const { signature, ...unsigned } = p.tx;
  const id = sha(canonical(unsigned));
  if (id !== p.receipt.id) return no('the transaction does not hash to the receipt id');
  if (expect.txId && expect.txId !== id) return no(`the proof is for ${id}, not ${expect.txId}`);
  if (p.tx.chain !== trust.chain) return no(`the transaction is for chain ${p.tx.chain}, not ${trust.chain}`);
  if (!verifySignature(trust.suite, p.tx.signer, `tongban/tx/v1:${id}`, signature)) return no('the transaction signature does not verify');
  if (expect.event) {
    const e = p.receipt.events[expect.event.eventIndex];
    if (!e || e.type !== expect.event.type || canonical(e.data) !== canonical(expect.event.data)) return no('the event is not the receipt\'s event at its index');
  }
  const leaf = leafHash(leafText(id, p.receipt.status, p.receipt.code, sha(canonical(p.receipt.events))), trust.version);
  const first = p.headers[0];
  if (!first || first.height !== p.receipt.height) return no('the headers do not start at the transaction\'s block');
  if (rootFromProof(leaf, p.proof, trust.version) !== first.header.txRoot || p.proof.index !== p.receipt.index) return no('the receipt is not in the block\'s transaction tree');
  for (const [i, h] of p.headers.entries()) {
    if (sha(canonical(h.header)) !== h.hash || h.header.height !== h.height || h.header.chain !== trust.chain) return no(`block ${h.height}'s header does not hash to its hash`);
    if (i > 0 && (h.height !== p.headers[i - 1].height + 1 || h.header.prev !== p.headers[i - 1].hash)) return no(`block ${h.height} does not link to block ${h.height - 1}`);
  }
  const last = p.headers[p.headers.length - 1];
  if (p.cert.height !== last.height || p.cert.hash !== last.hash) return no('the certificate is not for the last header');
  const keys = new Map(trust.members.map((m) => [m.dept, m.nodeKey]));
  const signed = new Set<string>();
  const message = `tongban/block/v1:${trust.chain}:${p.cert.height}:${p.cert.hash}`;
  for (const s of p.cert.sigs) {
    const key = keys.get(s.dept);
    if (key && !signed.has(s.dept) && verifySignature(trust.suite, key, message, s.sig)) signed.add(s.dept);
  }
  const q = quorumOf(trust.members.length);
  if (signed.size < q) return no(`only ${signed.size} valid member signatures on block ${p.cert.height}; the quorum is ${q}`);
  return { ok: true, height: p.receipt.height, certifiedAt: p.cert.height };
}
