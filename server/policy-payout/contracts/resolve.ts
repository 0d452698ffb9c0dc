import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import type { StateView } from '../../chain/state.ts';
import { setRemove } from '../bucketSet.ts';
import { checkSealedTo } from '../deptSeal.ts';
import { loadLedger, move, saveLedger } from '../budget/ledger.ts';
import type { ObjectionRecord, PublicationRecord } from '../records.ts';
import { PayoutResolve } from '../schema.ts';
import { pk, publicationId } from '../stateKeys.ts';
import { byOf, emitRecords, loadApplication, loadAward, loadPolicy, note, requirePolicyDept } from './common.ts';
import { DAY_MS } from './publicise.ts';

async function loadObjection(state: StateView, id: string): Promise<ObjectionRecord> {
  const o = await state.get<ObjectionRecord>(pk.objection(id));
  if (!o) reject('UNKNOWN_OBJECTION', `no objection ${id}`, 404);
  return o;
}

/**
 * The policy department dismisses an objection, or upholds it by withdrawing the award (its money
 * goes back to the budget) or changing its amount. A changed amount is held to the rules of the
 * decision (never above the cap, the amount applied for, or what the budget has left) and goes on
 * a new publication list of its own for a full period, so what is paid is always what the public saw.
 */
export const payoutResolve = defineContract({
  kind: 'payout.resolve',
  payload: PayoutResolve,
  roles: ['policy'],
  async apply(ctx, state, p) {
    const obj = await loadObjection(state, p.objection);
    if (obj.status !== 'open') reject('OBJECTION_CLOSED', `objection ${obj.id} is already ${obj.status}`, 409);
    const award = await loadAward(state, obj.award);
    const policy = await loadPolicy(state, award.policy);
    requirePolicyDept(ctx, policy);
    await checkSealedTo(state, p.reasons, [policy.dept], 'the reasons', 'the policy\'s department');
    if (award.status !== 'publicised') reject('NOT_IN_PUBLICITY', `award ${award.id} is ${award.status}`, 409);
    if (p.outcome !== 'change' && p.amountFen) reject('AMOUNT_NOT_EXPECTED', 'only a change of the award names an amount');
    const by = byOf(ctx);
    const records = [pk.objection(obj.id), pk.award(award.id)];
    const close = (o: ObjectionRecord, status: ObjectionRecord['status']) => {
      o.status = status;
      o.resolution = { outcome: p.outcome, ...(p.amountFen ? { amountFen: p.amountFen } : {}), reasons: p.reasons, by, time: ctx.time, txId: ctx.txId };
      state.put(pk.objection(o.id), o);
    };

    if (p.outcome === 'dismiss') {
      close(obj, 'dismissed');
      award.openObjections = award.openObjections.filter((x) => x !== obj.id);
      award.history.push(note(ctx, 'objectionDismissed', { note: obj.id }));
    } else if (p.outcome === 'withdraw') {
      close(obj, 'upheld');
      // The award is gone, so any other objection to it has nothing left to decide.
      for (const other of award.openObjections.filter((x) => x !== obj.id)) {
        close(await loadObjection(state, other), 'moot');
        records.push(pk.objection(other));
      }
      saveLedger(state, move(await loadLedger(state, policy), award.amountFen, 'awarded', 'remaining'));
      await setRemove(state, pk.stage(policy.id, 'publicised'), award.id);
      award.status = 'withdrawn';
      award.openObjections = [];
      award.history.push(note(ctx, 'withdrawn', { amountFen: award.amountFen, note: obj.id }));
      records.push(pk.ledger(policy.lineage));
    } else {
      if (!p.amountFen) reject('AMOUNT_REQUIRED', 'a change names the new amount in fen');
      const next = BigInt(p.amountFen);
      const prev = BigInt(award.amountFen);
      if (next > BigInt(policy.capFen)) reject('ABOVE_CAP', `${p.amountFen} fen is above the per-enterprise cap of ${policy.capFen} fen`, 422);
      const app = await loadApplication(state, award.application);
      if (app.requestedFen && next > BigInt(app.requestedFen)) reject('ABOVE_REQUEST', `${p.amountFen} fen is more than the ${app.requestedFen} fen applied for`, 422);
      if (next === prev) reject('SAME_AMOUNT', 'the new amount is the current one; dismiss the objection instead');
      let ledger = await loadLedger(state, policy);
      if (next - prev > BigInt(ledger.remainingFen)) {
        reject('BUDGET_EXCEEDED', `raising the award by ${next - prev} fen needs more than the ${ledger.remainingFen} fen the policy has left`, 409, { remainingFen: ledger.remainingFen, amountFen: (next - prev).toString() });
      }
      ledger = next > prev ? move(ledger, next - prev, 'remaining', 'awarded') : move(ledger, prev - next, 'awarded', 'remaining');
      saveLedger(state, ledger);
      close(obj, 'upheld');
      const pub: PublicationRecord = {
        id: publicationId(ctx),
        policy: policy.id,
        dept: policy.dept,
        startsAt: ctx.time,
        endsAt: ctx.time + policy.publicityDays * DAY_MS,
        awards: [{ award: award.id, code: award.code, enterpriseName: award.enterpriseName, amountFen: p.amountFen }],
        totalFen: p.amountFen,
        republishes: { publication: award.publication ?? '', objection: obj.id, award: award.id, previousAmountFen: award.amountFen },
        by,
        txId: ctx.txId,
      };
      state.put(pk.publication(pub.id), pub);
      award.openObjections = award.openObjections.filter((x) => x !== obj.id);
      award.amountFen = p.amountFen;
      award.publication = pub.id;
      award.publicity = { startsAt: pub.startsAt, endsAt: pub.endsAt };
      award.history.push(note(ctx, 'changed', { amountFen: p.amountFen, note: `${obj.id}; 重新公示 republished ${pub.id}` }));
      records.push(pk.ledger(policy.lineage), pk.publication(pub.id));
    }
    state.put(pk.award(award.id), award);
    emitRecords(ctx, 'payout.objectionResolved', { objection: obj.id, award: award.id, outcome: p.outcome }, records);
  },
});
