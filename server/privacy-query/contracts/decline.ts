import { defineContract } from '../../chain/contract.ts';
import type { QueryRecord } from '../raise.ts';
import { DeclinePayload } from '../schema.ts';
import { pq } from '../stateKeys.ts';
import { openQueryOfHolder } from './answer.ts';

/** The holder declines an open query with a reason ('NO_DATA' when it holds no opening of the commitment). */
export const privacyDecline = defineContract({
  kind: 'privacy.decline',
  payload: DeclinePayload,
  roles: ['node', 'holder'],
  async apply(ctx, state, p) {
    const q = await openQueryOfHolder(ctx, state, p.query);
    state.put(pq.query(q.id), { ...q, status: 'declined', declineReason: p.reason, answerTx: ctx.txId, answeredHeight: ctx.height, answeredAt: ctx.time, answeredBy: ctx.actor.id } satisfies QueryRecord);
    ctx.emit('privacy.declined', { query: q.id, requester: q.requester.dept, holder: q.holder, reason: p.reason, records: [pq.query(q.id)], ...(q.origin ? { origin: q.origin } : {}) });
  },
});
