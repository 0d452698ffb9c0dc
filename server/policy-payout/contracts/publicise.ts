import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { setAddMany, setList, setRemoveMany } from '../bucketSet.ts';
import type { AwardRecord, PublicationRecord } from '../records.ts';
import { PayoutPublicise } from '../schema.ts';
import { pk, publicationId } from '../stateKeys.ts';
import { byOf, emitRecords, loadAward, loadPolicy, note, requirePolicyDept } from './common.ts';

export const DAY_MS = 86_400_000;

/**
 * 公示: every approved, not yet published award of the policy goes on a list with its period in
 * block time. Until the period ends anyone entitled may object; nothing is payable before.
 */
export const payoutPublicise = defineContract({
  kind: 'payout.publicise',
  payload: PayoutPublicise,
  roles: ['policy'],
  async apply(ctx, state, p) {
    const policy = await loadPolicy(state, p.policy);
    requirePolicyDept(ctx, policy);
    const ids = await setList(state, pk.stage(policy.id, 'approved'));
    if (!ids.length) reject('NOTHING_TO_PUBLICISE', `policy ${policy.id} has no approved awards waiting for publication`, 409);
    const id = publicationId(ctx);
    const startsAt = ctx.time;
    const endsAt = ctx.time + policy.publicityDays * DAY_MS;
    const list: PublicationRecord['awards'] = [];
    let total = 0n;
    for (const awardId of ids) {
      const a: AwardRecord = await loadAward(state, awardId);
      a.status = 'publicised';
      a.publication = id;
      a.publicity = { startsAt, endsAt };
      a.history.push(note(ctx, 'publicised', { amountFen: a.amountFen, note: id }));
      state.put(pk.award(a.id), a);
      list.push({ award: a.id, code: a.code, enterpriseName: a.enterpriseName, amountFen: a.amountFen });
      total += BigInt(a.amountFen);
    }
    await setRemoveMany(state, pk.stage(policy.id, 'approved'), ids);
    await setAddMany(state, pk.stage(policy.id, 'publicised'), ids);
    const pub: PublicationRecord = { id, policy: policy.id, dept: policy.dept, startsAt, endsAt, awards: list, totalFen: total.toString(), by: byOf(ctx), txId: ctx.txId };
    state.put(pk.publication(id), pub);
    emitRecords(ctx, 'payout.publicised', { publication: id, policy: policy.id, awards: ids.length, endsAt }, [pk.publication(id), ...ids.map(pk.award)]);
  },
});
