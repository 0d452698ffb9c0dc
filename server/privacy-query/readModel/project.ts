import type { Knex } from 'knex';
import type { CommittedBlock } from '../../chain/module.ts';
import type { QueryRecord } from '../raise.ts';
import { pq } from '../stateKeys.ts';

const TOUCHING = new Set(['privacy.asked', 'privacy.answered', 'privacy.declined']);

/** Keeps pq_queries equal to the query records in state, inside the block's own database transaction. */
export async function projectPrivacy(trx: Knex.Transaction, block: CommittedBlock): Promise<void> {
  const ids = new Set<string>();
  for (const r of block.receipts) {
    if (r.status !== 'ok') continue;
    for (const e of r.events) if (TOUCHING.has(e.type)) ids.add(String(e.data.query));
  }
  if (ids.size) await projectQueryKeys(trx, [...ids].map(pq.query));
}

/** pq_queries rows of these query record keys. */
export async function projectQueryKeys(trx: Knex.Transaction, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  // State rows of this block are already written in this transaction; read them here, not through the node.
  const rows: { v: string }[] = await trx('state').whereIn('k', keys).select('v');
  for (const { v } of rows) {
    const q = JSON.parse(v) as QueryRecord;
    await trx('pq_queries')
      .insert({
        id: q.id,
        requester_dept: q.requester.dept,
        requester_id: q.requester.id,
        holder: q.holder,
        enterprise: q.enterprise,
        field: q.field,
        period: q.period,
        status: q.status,
        asked_height: q.askedHeight,
        expires_at_height: q.expiresAtHeight,
        asked_at: q.askedAt,
        answer: q.answer ?? null,
        answered_height: q.answeredHeight ?? null,
        origin_module: q.origin?.module ?? null,
        origin_ref: q.origin?.ref ?? null,
      })
      .onConflict('id')
      .merge(['status', 'answer', 'answered_height']);
  }
}
