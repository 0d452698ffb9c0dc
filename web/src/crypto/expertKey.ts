import { x25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { base64url, compactDecrypt, importJWK } from 'jose';
import type { KeyValueStore } from '../api/client.ts';

/**
 * An expert's decryption key (X25519). The policy department's node encrypts each application's
 * materials to the public half of the keys of the experts drawn for it (JWE, ECDH-ES+A256KW with
 * A256GCM), so only the drawn expert, in the browser holding the private half, can read them.
 * The private half is kept (and backed up) only as AES-GCM ciphertext under a key derived from a
 * passphrase with PBKDF2, like the enterprises' signing keys.
 */
export interface ExpertKeyBackup {
  format: 'tongban-expert-key/v1';
  /** the department and expert the key was made for */
  dept: string;
  user: string;
  /** X25519 public key, 64 hex characters, as registered on the chain */
  publicKey: string;
  created: number;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  cipher: { name: 'AES-GCM'; iv: string; data: string };
}

export class ExpertKeyError extends Error {
  constructor(
    readonly code: 'WRONG_PASSPHRASE' | 'BAD_BACKUP' | 'WEAK_PASSPHRASE' | 'OTHER_USER' | 'NO_STORAGE' | 'DECRYPT_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'ExpertKeyError';
  }
}

// OWASP's 2023 figure for PBKDF2-SHA256; the same as the enterprise keys.
const ITERATIONS = 600_000;
const subtle = () => globalThis.crypto.subtle;
const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));
// WebCrypto's types refuse views that could sit on a SharedArrayBuffer; a copy is a plain one.
const buf = (u: Uint8Array) => new Uint8Array(u);

export const x25519PublicOf = (secretHex: string) => bytesToHex(x25519.getPublicKey(hexToBytes(secretHex)));

async function aesKey(passphrase: string, salt: Uint8Array, iterations: number) {
  const base = await subtle().importKey('raw', buf(utf8ToBytes(passphrase.normalize('NFC'))), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: buf(salt), iterations }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

// What the ciphertext is bound to: a backup whose owner or public key was edited won't open.
const aad = (b: Pick<ExpertKeyBackup, 'dept' | 'user' | 'publicKey'>) => buf(utf8ToBytes(`${b.dept}/${b.user}/${b.publicKey}`));

/** Makes a new key pair here and seals the private half with the passphrase. */
export async function createExpertKey(passphrase: string, owner: { dept: string; user: string }, iterations = ITERATIONS): Promise<ExpertKeyBackup> {
  if (passphrase.length < 8) throw new ExpertKeyError('WEAK_PASSPHRASE', 'the passphrase needs at least 8 characters');
  const secret = x25519.utils.randomSecretKey();
  const salt = random(16);
  const iv = random(12);
  const head = { dept: owner.dept, user: owner.user, publicKey: bytesToHex(x25519.getPublicKey(secret)) };
  const data = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad(head) }, await aesKey(passphrase, salt, iterations), buf(secret));
  secret.fill(0);
  return {
    format: 'tongban-expert-key/v1',
    ...head,
    created: Date.now(),
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: bytesToHex(salt) },
    cipher: { name: 'AES-GCM', iv: bytesToHex(iv), data: bytesToHex(new Uint8Array(data)) },
  };
}

/** The private key (hex) inside a backup, if the passphrase opens it. */
export async function openExpertKey(b: ExpertKeyBackup, passphrase: string): Promise<string> {
  let plain: ArrayBuffer;
  try {
    const key = await aesKey(passphrase, hexToBytes(b.kdf.salt), b.kdf.iterations);
    plain = await subtle().decrypt({ name: 'AES-GCM', iv: buf(hexToBytes(b.cipher.iv)), additionalData: aad(b) }, key, buf(hexToBytes(b.cipher.data)));
  } catch {
    throw new ExpertKeyError('WRONG_PASSPHRASE', 'the passphrase does not open this key');
  }
  const secret = bytesToHex(new Uint8Array(plain));
  if (x25519PublicOf(secret) !== b.publicKey) throw new ExpertKeyError('BAD_BACKUP', 'the key inside does not match its public key');
  return secret;
}

/** Checks a backup file's text before anything is stored. */
export function parseExpertBackup(text: string): ExpertKeyBackup {
  let b: ExpertKeyBackup;
  try {
    b = JSON.parse(text);
  } catch {
    throw new ExpertKeyError('BAD_BACKUP', 'this file is not an expert key backup (not JSON)');
  }
  const hex = (s: unknown) => typeof s === 'string' && /^[0-9a-f]+$/.test(s);
  const ok =
    b?.format === 'tongban-expert-key/v1' && /^[0-9a-f]{64}$/.test(b.publicKey) && typeof b.dept === 'string' && typeof b.user === 'string' &&
    Number.isSafeInteger(b.created) && b.kdf?.name === 'PBKDF2' && Number.isSafeInteger(b.kdf.iterations) && b.kdf.iterations >= 100_000 && hex(b.kdf.salt) &&
    b.cipher?.name === 'AES-GCM' && hex(b.cipher.iv) && hex(b.cipher.data);
  if (!ok) throw new ExpertKeyError('BAD_BACKUP', 'this file is not an expert key backup (format tongban-expert-key/v1)');
  return b;
}

export const expertBackupText = (b: ExpertKeyBackup) => JSON.stringify(b, null, 2) + '\n';
export const expertBackupFileName = (b: ExpertKeyBackup) => `tongban-expert-key-${`${b.dept}-${b.user}`.replace(/[^A-Za-z0-9_-]/g, '_')}.json`;

/** Where each expert's sealed key lives in this browser: one entry per department and expert. */
export function expertKeyStore(store: KeyValueStore | undefined = (globalThis as { localStorage?: KeyValueStore }).localStorage) {
  const name = (dept: string, user: string) => `tongban.expertKey.${dept}.${user}`;
  return {
    load(dept: string, user: string): ExpertKeyBackup | null {
      const text = store?.getItem(name(dept, user));
      if (!text) return null;
      try {
        return parseExpertBackup(text);
      } catch {
        return null; // an unreadable entry is treated as absent; making or importing a key replaces it
      }
    },
    save(b: ExpertKeyBackup) {
      if (!store) throw new ExpertKeyError('NO_STORAGE', 'this browser offers no storage for the key');
      store.setItem(name(b.dept, b.user), JSON.stringify(b));
    },
    remove(dept: string, user: string) {
      store?.removeItem(name(dept, user));
    },
  };
}

/** Opens one sealed material (a compact JWE to this expert's key): the plaintext bytes. */
export async function openSealedMaterial(jwe: string, secretHex: string, publicKeyHex: string): Promise<Uint8Array> {
  const key = await importJWK({ kty: 'OKP', crv: 'X25519', x: base64url.encode(hexToBytes(publicKeyHex)), d: base64url.encode(hexToBytes(secretHex)) }, 'ECDH-ES+A256KW');
  try {
    return (await compactDecrypt(jwe, key)).plaintext;
  } catch (e) {
    throw new ExpertKeyError('DECRYPT_FAILED', `this material was not sealed to this key (${(e as Error).message})`);
  }
}

/** SHA-256 of bytes as hex: the hash the application names on the chain. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return bytesToHex(new Uint8Array(await subtle().digest('SHA-256', buf(bytes))));
}
