import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { ChainError } from '../../chain/errors.ts';

/** Attachments a signed application names must be on this node, as the application describes them. */
export async function requireAttachments(db: Knex, code: string, items: { hash: string; type: string; size: number }[]): Promise<void> {
  if (!items.length) return;
  const rows: { hash: string; type: string; size: number; owner_code: string }[] = await db('pay_blobs').whereIn('hash', items.map((m) => m.hash)).select('hash', 'type', 'size', 'owner_code');
  const have = new Map(rows.map((r) => [r.hash, r]));
  for (const m of items) {
    const r = have.get(m.hash);
    if (!r || r.owner_code !== code) throw new ChainError('ATTACHMENT_NOT_FOUND', `attachment ${m.hash.slice(0, 12)}… is not on this node; upload it here first`, { data: { hash: m.hash } });
    if (r.type !== m.type || Number(r.size) !== m.size) throw new ChainError('ATTACHMENT_MISMATCH', `attachment ${m.hash.slice(0, 12)}… is a ${r.type} of ${r.size} bytes, not what the application says`);
  }
}

export async function storeAttachment(db: Knex, o: { body: Buffer; type: string; owner: string }): Promise<{ hash: string; type: string; size: number }> {
  const hash = createHash('sha256').update(o.body).digest('hex');
  await db('pay_blobs').insert({ hash, type: o.type, size: o.body.length, content: o.body, owner_code: o.owner, created: Date.now() }).onConflict('hash').ignore();
  return { hash, type: o.type, size: o.body.length };
}
