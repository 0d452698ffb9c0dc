import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Knex } from 'knex';
import { ChainError } from '../../chain/errors.ts';
import { MAX_MATERIAL_BYTES, type MaterialType } from '../schema.ts';

/**
 * The receiving node keeps material files; only their SHA-256 goes on the chain. The declared
 * content type must be one we accept and the bytes must really be that type (magic numbers),
 * so a renamed executable is not stored as a "PDF".
 */
export const CONTENT_TYPES: Record<string, MaterialType> = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpeg' };
export const MIME: Record<MaterialType, string> = { pdf: 'application/pdf', png: 'image/png', jpeg: 'image/jpeg' };

export function sniff(buf: Buffer): MaterialType | undefined {
  if (buf.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  return undefined;
}

const tooLargeMaterial = () => new ChainError('FILE_TOO_LARGE', `a material file may be at most ${MAX_MATERIAL_BYTES / 1024 / 1024} MB`, { status: 413 });

/** Reads the raw request body, stopping as soon as it passes the limit. */
export async function readLimited(req: IncomingMessage, limit = MAX_MATERIAL_BYTES, tooLarge = tooLargeMaterial): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) throw tooLarge();
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume(); // drain the rest so the connection can answer
      throw tooLarge();
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

export function checkUpload(contentType: string | undefined, body: Buffer): MaterialType {
  const declared = CONTENT_TYPES[(contentType ?? '').split(';')[0].trim().toLowerCase()];
  if (!declared) throw new ChainError('UNSUPPORTED_TYPE', 'materials must be PDF, PNG or JPEG (Content-Type application/pdf, image/png or image/jpeg)', { status: 415 });
  if (body.length === 0) throw new ChainError('EMPTY_FILE', 'the file is empty');
  if (sniff(body) !== declared) throw new ChainError('UNSUPPORTED_TYPE', `the file's content is not a ${declared.toUpperCase()}`, { status: 415 });
  return declared;
}

export async function storeBlob(db: Knex, o: { body: Buffer; type: MaterialType; owner: string | null; uploadedBy: string }): Promise<{ hash: string; type: MaterialType; size: number }> {
  const hash = createHash('sha256').update(o.body).digest('hex');
  await db('ap_blobs')
    .insert({ hash, type: o.type, size: o.body.length, content: o.body, owner_code: o.owner, uploaded_by: o.uploadedBy, created: Date.now() })
    .onConflict('hash')
    .ignore();
  return { hash, type: o.type, size: o.body.length };
}

/** Materials a signed filing names must be on this node already, with the type and size it claims. */
export async function requireStored(db: Knex, materials: { hash: string; type: string; size: number }[]): Promise<void> {
  if (!materials.length) return;
  const rows: { hash: string; type: string; size: number }[] = await db('ap_blobs').whereIn('hash', materials.map((m) => m.hash)).select('hash', 'type', 'size');
  const have = new Map(rows.map((r) => [r.hash, r]));
  for (const m of materials) {
    const r = have.get(m.hash);
    if (!r) throw new ChainError('MATERIAL_NOT_FOUND', `material ${m.hash.slice(0, 12)}… is not on this node; upload it first`, { data: { hash: m.hash } });
    if (r.type !== m.type || Number(r.size) !== m.size) throw new ChainError('MATERIAL_MISMATCH', `material ${m.hash.slice(0, 12)}… is a ${r.type} of ${r.size} bytes, not what the filing says`);
  }
}
