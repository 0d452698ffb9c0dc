import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';
import type { Tx, UnsignedTx } from '@shared/chain.ts';

/**
 * The browser's copy of the server's signing rules (server/chain/tx.ts): the id is SHA-256
 * of the RFC 8785 canonical JSON of the envelope without its signature, and what is signed
 * is `tongban/tx/v1:<id>`. Any difference here and every transaction would be refused.
 */
export function canonicalJson(value: unknown): string {
  assertSafeNumbers(value, '$');
  const out = canonicalize(value);
  if (out === undefined) throw new Error('value cannot be serialised as canonical JSON');
  return out;
}

// The ledger refuses floats (their JSON spelling differs between runtimes): fail here, with the path.
function assertSafeNumbers(v: unknown, path: string): void {
  if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new Error(`${path}: numbers on the ledger must be safe integers (use strings for money)`);
  if (typeof v === 'bigint') throw new Error(`${path}: bigint is not allowed on the ledger`);
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) assertSafeNumbers(x, `${path}.${k}`);
}

export function txId(tx: UnsignedTx | Tx): string {
  const { signature: _omit, ...unsigned } = tx as Tx;
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(unsigned))));
}

export const txSigningMessage = (id: string): Uint8Array => utf8ToBytes(`tongban/tx/v1:${id}`);

export function publicKeyOf(secretKeyHex: string): string {
  return bytesToHex(ed25519.getPublicKey(hexToBytes(secretKeyHex)));
}

export function generateSecretKey(): string {
  return bytesToHex(ed25519.utils.randomSecretKey());
}

/** A fresh envelope; the nonce only has to be unused by this signer, so time plus noise will do. */
export function newTx(o: { chain: string; kind: string; payload: Record<string, unknown>; signer: string; now?: number }): UnsignedTx {
  const now = o.now ?? Date.now();
  return { chain: o.chain, kind: o.kind, payload: o.payload, signer: o.signer, nonce: now * 1000 + Math.floor(Math.random() * 1000), time: now };
}

export function signTx(unsigned: UnsignedTx, secretKeyHex: string): { tx: Tx; id: string } {
  const id = txId(unsigned);
  const signature = bytesToHex(ed25519.sign(txSigningMessage(id), hexToBytes(secretKeyHex)));
  return { tx: { ...unsigned, signature }, id };
}

/** Signs the server's login challenge text (`message` from GET /auth/challenge) as UTF-8 bytes. */
export function signChallenge(message: string, secretKeyHex: string): string {
  return bytesToHex(ed25519.sign(utf8ToBytes(message), hexToBytes(secretKeyHex)));
}
