import { webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Key files the demo writes for people to import in the portal: the enterprise's signing key
 * (企业密钥 → 导入, format tongban-key/v1, web/src/crypto/keyVault.ts) and an expert's decryption
 * key (评审密钥 → 导入, tongban-expert-key/v1, web/src/crypto/expertKey.ts), each sealed with the
 * demo password as its passphrase exactly as the browser seals its own backups.
 */
const ITERATIONS = 600_000;
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

async function sealSecret(secretHex: string, passphrase: string, aad: string) {
  const salt = webcrypto.getRandomValues(new Uint8Array(16));
  const iv = webcrypto.getRandomValues(new Uint8Array(12));
  const base = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  const key = await webcrypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: ITERATIONS }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt']);
  const data = await webcrypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(aad) }, key, Buffer.from(secretHex, 'hex'));
  return {
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: ITERATIONS, salt: hex(salt) },
    cipher: { name: 'AES-GCM', iv: hex(iv), data: hex(new Uint8Array(data)) },
  };
}

export interface DemoKeyFiles {
  enterprise: string;
  experts: string[];
}

/** Writes the files under `dir` (kept private to this machine's user) and returns their paths. */
export async function writeDemoKeyFiles(
  dir: string,
  passphrase: string,
  o: { enterprise: { label: string; privateKey: string; publicKey: string }; experts: { dept: string; user: string; secret: string; publicKey: string }[]; created: number },
): Promise<DemoKeyFiles> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const write = (name: string, body: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    return file;
  };
  const e = o.enterprise;
  // the public key is the additional data of an enterprise key, owner and key of an expert's
  const enterprise = write(`tongban-key-${e.label}.json`, { format: 'tongban-key/v1', label: e.label, publicKey: e.publicKey, created: o.created, ...(await sealSecret(e.privateKey, passphrase, e.publicKey)) });
  const experts: string[] = [];
  for (const x of o.experts) {
    const body = { format: 'tongban-expert-key/v1', dept: x.dept, user: x.user, publicKey: x.publicKey, created: o.created, ...(await sealSecret(x.secret, passphrase, `${x.dept}/${x.user}/${x.publicKey}`)) };
    experts.push(write(`tongban-expert-key-${x.dept}-${x.user}.json`, body));
  }
  return { enterprise, experts };
}
