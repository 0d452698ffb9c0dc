import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { KeyValueStore } from '../api/client.ts';
import { publicKeyOf } from './txSign.ts';

/**
 * An enterprise's signing key never leaves the browser unencrypted: it is kept (and backed up)
 * as AES-GCM ciphertext under a key derived from a passphrase with PBKDF2. The backup file is
 * the very record kept in storage, so importing it is just checking it opens.
 */
export interface KeyBackup {
  format: 'tongban-key/v1';
  label: string;
  publicKey: string;
  created: number;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  cipher: { name: 'AES-GCM'; iv: string; data: string };
}

export class KeyVaultError extends Error {
  constructor(
    readonly code: 'WRONG_PASSPHRASE' | 'BAD_BACKUP' | 'WEAK_PASSPHRASE' | 'NO_KEY',
    message: string,
  ) {
    super(message);
    this.name = 'KeyVaultError';
  }
}

// OWASP's 2023 figure for PBKDF2-SHA256; about a third of a second in a browser.
const ITERATIONS = 600_000;
const STORE_KEY = 'tongban.enterpriseKey';

const subtle = () => globalThis.crypto.subtle;
const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));
// WebCrypto's types refuse views that could sit on a SharedArrayBuffer; a copy is a plain one.
const buf = (u: Uint8Array) => new Uint8Array(u);

async function aesKey(passphrase: string, salt: Uint8Array, iterations: number) {
  const base = await subtle().importKey('raw', buf(utf8ToBytes(passphrase.normalize('NFC'))), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: buf(salt), iterations }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

export async function sealKey(secretKeyHex: string, passphrase: string, label: string, iterations = ITERATIONS): Promise<KeyBackup> {
  if (passphrase.length < 8) throw new KeyVaultError('WEAK_PASSPHRASE', 'the passphrase needs at least 8 characters');
  const salt = random(16);
  const iv = random(12);
  const publicKey = publicKeyOf(secretKeyHex);
  // The public key is the additional data: a backup whose label or key was swapped won't open.
  const data = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: buf(utf8ToBytes(publicKey)) }, await aesKey(passphrase, salt, iterations), buf(hexToBytes(secretKeyHex)));
  return {
    format: 'tongban-key/v1',
    label,
    publicKey,
    created: Date.now(),
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: bytesToHex(salt) },
    cipher: { name: 'AES-GCM', iv: bytesToHex(iv), data: bytesToHex(new Uint8Array(data)) },
  };
}

export async function openKey(b: KeyBackup, passphrase: string): Promise<string> {
  let plain: ArrayBuffer;
  try {
    const key = await aesKey(passphrase, hexToBytes(b.kdf.salt), b.kdf.iterations);
    plain = await subtle().decrypt({ name: 'AES-GCM', iv: buf(hexToBytes(b.cipher.iv)), additionalData: buf(utf8ToBytes(b.publicKey)) }, key, buf(hexToBytes(b.cipher.data)));
  } catch {
    throw new KeyVaultError('WRONG_PASSPHRASE', 'the passphrase does not open this key');
  }
  const secret = bytesToHex(new Uint8Array(plain));
  if (publicKeyOf(secret) !== b.publicKey) throw new KeyVaultError('BAD_BACKUP', 'the key inside does not match its public key');
  return secret;
}

/** Checks a backup file's text before anything is stored. */
export function parseBackup(text: string): KeyBackup {
  let b: KeyBackup;
  try {
    b = JSON.parse(text);
  } catch {
    throw new KeyVaultError('BAD_BACKUP', 'this file is not a Tongban key backup (not JSON)');
  }
  const hex = (s: unknown) => typeof s === 'string' && /^[0-9a-f]+$/.test(s);
  const ok =
    b?.format === 'tongban-key/v1' && /^[0-9a-f]{64}$/.test(b.publicKey) && typeof b.label === 'string' &&
    b.kdf?.name === 'PBKDF2' && Number.isSafeInteger(b.kdf.iterations) && b.kdf.iterations >= 100_000 && hex(b.kdf.salt) &&
    b.cipher?.name === 'AES-GCM' && hex(b.cipher.iv) && hex(b.cipher.data);
  if (!ok) throw new KeyVaultError('BAD_BACKUP', 'this file is not a Tongban key backup (format tongban-key/v1)');
  return b;
}

export const backupText = (b: KeyBackup) => JSON.stringify(b, null, 2) + '\n';
export const backupFileName = (b: KeyBackup) => `tongban-key-${(b.label || b.publicKey.slice(0, 8)).replace(/[^A-Za-z0-9_-]/g, '_')}.json`;

/** Where the sealed key lives between visits: localStorage in the browser. */
export function keyStore(store: KeyValueStore | undefined = (globalThis as { localStorage?: KeyValueStore }).localStorage) {
  return {
    load(): KeyBackup | null {
      const text = store?.getItem(STORE_KEY);
      return text ? parseBackup(text) : null;
    },
    save(b: KeyBackup) {
      if (!store) throw new KeyVaultError('NO_KEY', 'this browser offers no storage for the key');
      store.setItem(STORE_KEY, JSON.stringify(b));
    },
    remove() {
      store?.removeItem(STORE_KEY);
    },
  };
}
