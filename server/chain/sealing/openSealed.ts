import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import type { Sealed, SealedJwe } from './envelope.ts';

export class SealError extends Error {
  constructor(readonly code: 'SEAL_COMMIT_MISMATCH' | 'SEAL_UNREADABLE', message: string) {
    super(message);
  }
}

/**
 * Opens an envelope with the first of the holder's keys it is addressed to. Undefined when none
 * is: the holder is not a recipient. A plaintext whose hash is not the commitment is refused, so
 * a sealer cannot show recipients one thing and commit the ledger to another.
 */
export async function openSealed<T = unknown>(s: Sealed, keyring: ReadonlyMap<string, string>): Promise<{ value: T; salt: string; kid: string } | undefined> {
  const r = s.jwe.recipients.find((x) => keyring.has(x.header.kid));
  if (!r) return undefined;
  const priv = keyring.get(r.header.kid)!;
  // A record's read model is written again each time the record changes (an award through a
  // payment run, a filing amended), and its envelopes with it: open each exact envelope once.
  const memo = `${r.header.kid}:${createHash('sha256').update(JSON.stringify(s)).digest('base64')}:${priv.slice(0, 16)}`;
  const known = opened.get(memo);
  if (known) return { value: structuredClone(known.value) as T, salt: known.salt, kid: r.header.kid };
  let plaintext: Uint8Array;
  try {
    plaintext = openJweSync(s.jwe, r, holderKey(priv));
  } catch (e) {
    throw new SealError('SEAL_UNREADABLE', `sealed value addressed to ${r.header.kid} does not open with its key: ${(e as Error).message}`);
  }
  if (bytesToHex(sha256(plaintext)) !== s.commit) throw new SealError('SEAL_COMMIT_MISMATCH', 'the sealed value does not match its commitment');
  const { s: salt, v } = JSON.parse(new TextDecoder().decode(plaintext)) as { s: string; v: T };
  if (opened.size >= MAX_OPENED) opened.clear();
  opened.set(memo, { value: structuredClone(v), salt });
  return { value: v, salt, kid: r.header.kid };
}

// Envelopes opened lately, by recipient, the exact envelope and the key that opened it; values
// are copied in and out so a caller's changes never reach another caller.
const MAX_OPENED = 20_000;
const opened = new Map<string, { value: unknown; salt: string }>();

// The same few department keys open every record: keep their key objects.
const MAX_CACHED_KEYS = 1000;
const holderKeys = new Map<string, KeyObject>();

function holderKey(priv: string): KeyObject {
  let key = holderKeys.get(priv);
  if (!key) {
    if (holderKeys.size >= MAX_CACHED_KEYS) holderKeys.clear();
    key = x25519PrivateKey(priv);
    holderKeys.set(priv, key);
  }
  return key;
}

/**
 * Opens one recipient's part of an ECDH-ES+A256KW / A256GCM envelope (RFC 7516, 7518 §4.6) with
 * node:crypto's synchronous calls. jose opens the same envelopes through WebCrypto, where each of
 * the five steps is a job queued to the thread pool; a node projecting a block of sealed records,
 * or a payment run reading 100,000 sealed accounts, spends more on that queueing than on the
 * cryptography. Sealing stays with jose (and the browser's WebCrypto); this only reads what they
 * write, and refuses anything else so the caller can say the envelope does not open.
 */
function openJweSync(jwe: SealedJwe, recipient: SealedJwe['recipients'][number], privateKey: KeyObject): Uint8Array {
  const protectedHeader = JSON.parse(Buffer.from(jwe.protected, 'base64url').toString('utf8')) as { enc?: string; alg?: string; epk?: { kty: string; crv: string; x: string }; apu?: string; apv?: string; zip?: string };
  const header = { ...protectedHeader, ...recipient.header };
  if (header.enc !== 'A256GCM' || header.alg !== 'ECDH-ES+A256KW' || header.zip || !header.epk || header.epk.crv !== 'X25519') throw new Error('not an ECDH-ES+A256KW / A256GCM envelope on X25519');
  const epk = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: header.epk.x }, format: 'jwk' });
  const z = diffieHellman({ privateKey, publicKey: epk });
  const kek = concatKdf(z, 'ECDH-ES+A256KW', header.apu, header.apv);
  const unwrap = createDecipheriv('id-aes256-wrap', kek, Buffer.from('a6a6a6a6a6a6a6a6', 'hex'));
  const cek = Buffer.concat([unwrap.update(Buffer.from(recipient.encrypted_key, 'base64url')), unwrap.final()]);
  const gcm = createDecipheriv('aes-256-gcm', cek, Buffer.from(jwe.iv, 'base64url'));
  gcm.setAAD(Buffer.from(jwe.protected, 'ascii'));
  gcm.setAuthTag(Buffer.from(jwe.tag, 'base64url'));
  return Buffer.concat([gcm.update(Buffer.from(jwe.ciphertext, 'base64url')), gcm.final()]);
}

/** The single-round Concat KDF of NIST SP 800-56A as RFC 7518 §4.6.2 uses it, for a 256-bit key. */
function concatKdf(z: Buffer, alg: string, apu?: string, apv?: string): Buffer {
  const part = (b: Buffer) => Buffer.concat([u32(b.length), b]);
  const otherInfo = Buffer.concat([part(Buffer.from(alg, 'ascii')), part(apu ? Buffer.from(apu, 'base64url') : Buffer.alloc(0)), part(apv ? Buffer.from(apv, 'base64url') : Buffer.alloc(0)), u32(256)]);
  return createHash('sha256').update(u32(1)).update(z).update(otherInfo).digest();
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** A holder's X25519 private key (hex) as a KeyObject, its public half derived by node:crypto. */
function x25519PrivateKey(privateKeyHex: string): KeyObject {
  // PKCS#8 wrapping of a raw X25519 private key (RFC 8410)
  return createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), Buffer.from(privateKeyHex, 'hex')]), format: 'der', type: 'pkcs8' });
}
