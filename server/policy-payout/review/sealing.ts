import { CompactEncrypt, importJWK } from 'jose';
import type { Knex } from 'knex';
import type { ApplicationRecord, ExpertRecord } from '../records.ts';

export const SEAL_ALG = 'ECDH-ES+A256KW';
export const SEAL_ENC = 'A256GCM';

const b64url = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

/** Encrypts bytes to an expert's X25519 key as a compact JWE (ECDH-ES key agreement, AES-256-GCM). */
export async function sealTo(encKeyHex: string, bytes: Uint8Array, kid: string): Promise<string> {
  const key = await importJWK({ kty: 'OKP', crv: 'X25519', x: b64url(encKeyHex) }, SEAL_ALG);
  return new CompactEncrypt(bytes).setProtectedHeader({ alg: SEAL_ALG, enc: SEAL_ENC, kid, cty: 'application/octet-stream' }).encrypt(key);
}

export interface SealedMaterial {
  hash: string;
  /** absent where this node cannot read the name (it is sealed to the policy's department) */
  name?: string;
  type: string;
  size: number;
  jwe: string;
}

/**
 * The application's attachments encrypted to one assigned expert, made once and kept: only that
 * expert's private key opens them, so not even this node's database gives the plaintext to anyone
 * reading the sealed copies. Made again if the expert has since registered a new key.
 */
export async function sealedFor(db: Knex, app: ApplicationRecord, expert: ExpertRecord, names: Record<string, string> = {}): Promise<{ items: SealedMaterial[]; missing: string[] }> {
  const items: SealedMaterial[] = [];
  const missing: string[] = [];
  for (const m of app.attachments) {
    const where = { app_id: app.id, dept: expert.dept, expert: expert.id, hash: m.hash };
    let row = await db('pay_sealed').where(where).first('jwe', 'enc_key');
    if (!row || row.enc_key !== expert.encKey) {
      const blob = await db('pay_blobs').where({ hash: m.hash }).first('content');
      if (!blob) {
        missing.push(m.hash);
        continue;
      }
      const jwe = await sealTo(expert.encKey, blob.content as Buffer, m.hash);
      await db('pay_sealed').insert({ ...where, enc_key: expert.encKey, jwe }).onConflict(['app_id', 'dept', 'expert', 'hash']).merge();
      row = { jwe, enc_key: expert.encKey };
    }
    items.push({ hash: m.hash, ...(names[m.hash] !== undefined ? { name: names[m.hash] } : {}), type: m.type, size: m.size, jwe: row.jwe });
  }
  return { items, missing };
}
