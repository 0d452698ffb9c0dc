import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { checkSealedTo } from '../deptSeal.ts';
import type { ObjectionRecord } from '../records.ts';
import { PayoutObject } from '../schema.ts';
import { objectionId, pk } from '../stateKeys.ts';
import { byOf, emitRecords, loadAward, note } from './common.ts';

/** Everyone a publication is for: any enterprise (signing itself) and staff of any department. */
export const OBJECTOR_ROLES = ['enterprise', 'admin', 'approver', 'inspector', 'enforcer', 'policy', 'expert', 'finance', 'auditor', 'clerk', 'holder'] as const;

/**
 * An objection (异议) to a published award, with reasons sealed to the policy's department, during
 * its publication period. While it is open the award cannot become payable.
 */
export const payoutObject = defineContract({
  kind: 'payout.object',
  payload: PayoutObject,
  roles: OBJECTOR_ROLES,
  async apply(ctx, state, p) {
    const award = await loadAward(state, p.award);
    if (award.status !== 'publicised' || !award.publicity) reject('NOT_IN_PUBLICITY', `award ${award.id} is ${award.status}, not in publication`, 409);
    if (ctx.time >= award.publicity.endsAt) reject('PUBLICITY_ENDED', 'the publication period of this award has ended', 409);
    // the reasons are for the department that resolves the objection; the chain checks to whom
    await checkSealedTo(state, p.reasons, [award.dept], 'the objection\'s reasons', 'the policy\'s department: GET /api/payout/policies/{id}/sealing');
    const rec: ObjectionRecord = {
      id: objectionId(ctx),
      award: award.id,
      policy: award.policy,
      by: { ...byOf(ctx), role: ctx.actor.role },
      reasons: p.reasons,
      status: 'open',
      filedAt: ctx.time,
      txId: ctx.txId,
    };
    award.openObjections = [...award.openObjections, rec.id];
    award.history.push(note(ctx, 'objected', { note: rec.id }));
    state.put(pk.objection(rec.id), rec);
    state.put(pk.award(award.id), award);
    emitRecords(ctx, 'payout.objected', { objection: rec.id, award: award.id, policy: award.policy }, [pk.objection(rec.id), pk.award(award.id)]);
  },
});
