import { x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';
import { GeneralEncrypt, importJWK } from 'jose';
import { z } from 'zod';
import { classifications, cls, sealedContents } from '../classification.ts';

/**
 * A sealed field: the value encrypted once under a fresh content key, that key wrapped to the
 * X25519 encryption key of every department with a basis (JWE General JSON, ECDH-ES+A256KW,
 * A256GCM), and a commitment SHA-256(plaintext) whose plaintext carries a 256-bit salt. It sits
 * inside the signed payload, so every node orders, executes and hashes the same bytes whoever
 * can open it; a contract checks recipients and commitments, never the plaintext.
 *
 * No node or Buffer API here: the enterprise's browser seals its own filing with this file.
 */
export const SEAL_ALG = 'ECDH-ES+A256KW';
export const SEAL_ENC = 'A256GCM';
const B64 = z.string().regex(/^[A-Za-z0-9_-]*$/, 'base64url').max(60_000);

export const Recipient = z.strictObject({
  header: z.strictObject({
    kid: z.string().regex(/^[a-z][a-z0-9-]{1,31}\/[0-9a-f]{16}$/, 'a key id like market/0123456789abcdef'),
    alg: z.literal(SEAL_ALG),
    /** absent when there is one recipient: jose then puts the ephemeral key in the protected header */
    epk: z.strictObject({ kty: z.literal('OKP'), crv: z.literal('X25519'), x: B64.max(64) }).optional(),
  }),
  encrypted_key: B64.max(100),
});

export const SealedJwe = z.strictObject({
  protected: B64.max(400),
  recipients: z.array(Recipient).min(1).max(16),
  iv: B64.max(40),
  ciphertext: B64,
  tag: B64.max(40),
});
export type SealedJwe = z.infer<typeof SealedJwe>;

/** The envelope as a payload field: ciphertext and commitment are public, the value inside is not. */
export const Sealed = cls(
  z.strictObject({ sealed: z.literal(1), commit: z.string().regex(/^[0-9a-f]{64}$/), jwe: SealedJwe }),
  'public',
);
export type Sealed = z.infer<typeof Sealed>;

/** An envelope field whose plaintext has the schema `inner` (walked by the classification test). */
export function sealedOf(inner: z.ZodType): typeof Sealed {
  const s = Sealed.clone();
  classifications.add(s, { classification: 'public' });
  sealedContents.set(s, inner);
  return s;
}

/** A department's encryption key id: its department and the first 16 hex of the public key. */
export const encKid = (dept: string, encKeyHex: string): string => `${dept}/${encKeyHex.slice(0, 16)}`;
export const deptOfKid = (kid: string): string => kid.slice(0, kid.indexOf('/'));
export const recipientDepts = (s: Sealed): string[] => [...new Set(s.jwe.recipients.map((r) => deptOfKid(r.header.kid)))].sort();

export function generateEncKey(): { privateKey: string; publicKey: string } {
  const secret = x25519.utils.randomSecretKey();
  return { privateKey: bytesToHex(secret), publicKey: bytesToHex(x25519.getPublicKey(secret)) };
}
export const encPublicOf = (privateKeyHex: string): string => bytesToHex(x25519.getPublicKey(hexToBytes(privateKeyHex)));

const b64u = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

/** The bytes sealed and committed to: the value with its salt, canonical JSON. */
const plaintextOf = (value: unknown, saltHex: string): Uint8Array => utf8ToBytes(canonicalize({ s: saltHex, v: value })!);

// Importing a key costs more than the encryption it serves, and the same few department keys
// seal every record: keep them.
const MAX_CACHED_KEYS = 1000;
const recipientKeys = new Map<string, ReturnType<typeof importJWK>>();
function cachedKey(cache: Map<string, ReturnType<typeof importJWK>>, hex: string, jwk: () => Parameters<typeof importJWK>[0]): ReturnType<typeof importJWK> {
  let key = cache.get(hex);
  if (!key) {
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    key = importJWK(jwk(), SEAL_ALG);
    cache.set(hex, key);
    // a key that failed to import is not kept: the next call says why again
    key.catch(() => cache.delete(hex));
  }
  return key;
}

export interface SealRecipient {
  kid: string;
  /** X25519 public key, hex */
  encKey: string;
}

export interface SealOptions {
  /** a fixed salt (hex, 64): only for reproducible test data */
  salt?: string;
}

export async function seal(value: unknown, to: SealRecipient[], o: SealOptions = {}): Promise<Sealed> {
  if (!to.length) throw new Error('a sealed value needs at least one recipient');
  const salt = o.salt ?? bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
  const plaintext = plaintextOf(value, salt);
  const enc = new GeneralEncrypt(plaintext).setProtectedHeader({ enc: SEAL_ENC, cty: 'application/json' });
  for (const r of [...to].sort((a, b) => (a.kid < b.kid ? -1 : 1))) {
    const key = await cachedKey(recipientKeys, r.encKey, () => ({ kty: 'OKP', crv: 'X25519', x: b64u(hexToBytes(r.encKey)) }));
    enc.addRecipient(key).setUnprotectedHeader({ alg: SEAL_ALG, kid: r.kid });
  }
  const jwe = (await enc.encrypt()) as unknown as SealedJwe;
  return { sealed: 1, commit: bytesToHex(sha256(plaintext)), jwe: SealedJwe.parse(jwe) };
}

/** Re-seals an opened value to more departments with the same salt: the same commitment proves it is the same value. */
export async function reseal(value: unknown, salt: string, to: SealRecipient[]): Promise<Sealed> {
  return seal(value, to, { salt });
}

export const isSealed = (v: unknown): v is Sealed => typeof v === 'object' && v !== null && (v as { sealed?: unknown }).sealed === 1;
