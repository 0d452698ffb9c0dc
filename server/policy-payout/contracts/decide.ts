import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { setAdd } from '../bucketSet.ts';
import { checkSealedTo } from '../deptSeal.ts';
import { loadLedger, move, saveLedger } from '../budget/ledger.ts';
import type { AwardRecord } from '../records.ts';
import { PayoutDecide } from '../schema.ts';
import { awardIdOf, pk } from '../stateKeys.ts';
import { byOf, emitRecords, loadApplication, loadPolicy, note, requirePolicyDept } from './common.ts';
import { releaseGroup } from './progress.ts';

/** The rejection's public detail: the reasons themselves are in the decision, sealed. */
export const DECISION_REASONS_SEALED = '决定理由已封存 / the reasons are sealed to the deciding department';

/**
 * The policy department approves an amount or rejects with reasons. An amount is never above the
 * cap (nor above what was asked), and it is set aside from the budget now, so the department can
 * never award more than it has: BUDGET_EXCEEDED names what is left. The reasons arrive sealed to
 * the department; the rejection's public detail says only that they are sealed.
 */
export const payoutDecide = defineContract({
  kind: 'payout.decide',
  payload: PayoutDecide,
  roles: ['policy'],
  async apply(ctx, state, p) {
    const app = await loadApplication(state, p.application);
    const policy = await loadPolicy(state, app.policy);
    requirePolicyDept(ctx, policy);
    await checkSealedTo(state, p.reasons, [policy.dept], 'the reasons', 'the policy\'s department');
    if (app.status !== 'deciding') reject('NOT_DECIDING', `application ${app.id} is ${app.status}; it is decided after its checks${policy.review.method === 'expert' ? ' and expert review' : ''}`, 409);
    const by = byOf(ctx);
    const records = [pk.app(app.id)];
    if (p.decision === 'reject') {
      if (p.amountFen) reject('AMOUNT_ON_REJECT', 'a rejection carries no amount');
      app.status = 'rejected';
      app.decision = { decision: 'reject', reasons: p.reasons, by, time: ctx.time, txId: ctx.txId };
      app.rejection = { stage: 'decision', time: ctx.time, reasons: [{ rule: 'decision', code: 'REJECTED', detail: DECISION_REASONS_SEALED }] };
      await releaseGroup(state, policy, app);
    } else {
      if (!p.amountFen) reject('AMOUNT_REQUIRED', 'an approval names the amount in fen');
      const amount = BigInt(p.amountFen);
      if (amount > BigInt(policy.capFen)) reject('ABOVE_CAP', `${p.amountFen} fen is above the per-enterprise cap of ${policy.capFen} fen`, 422);
      if (app.requestedFen && amount > BigInt(app.requestedFen)) reject('ABOVE_REQUEST', `${p.amountFen} fen is more than the ${app.requestedFen} fen applied for`, 422);
      saveLedger(state, move(await loadLedger(state, policy), amount, 'remaining', 'awarded'));
      const award: AwardRecord = {
        id: awardIdOf(app.id),
        policy: policy.id,
        dept: policy.dept,
        application: app.id,
        code: app.code,
        enterpriseName: app.enterpriseName,
        payee: app.payee,
        amountFen: p.amountFen,
        status: 'approved',
        openObjections: [],
        attempts: 0,
        payments: [],
        history: [note(ctx, 'approved', { amountFen: p.amountFen })],
      };
      state.put(pk.award(award.id), award);
      await setAdd(state, pk.stage(policy.id, 'approved'), award.id);
      app.status = 'approved';
      app.award = award.id;
      app.decision = { decision: 'approve', amountFen: p.amountFen, reasons: p.reasons, by, time: ctx.time, txId: ctx.txId };
      records.push(pk.award(award.id), pk.ledger(policy.lineage));
    }
    state.put(pk.app(app.id), app);
    emitRecords(ctx, 'payout.decided', { application: app.id, policy: policy.id, decision: p.decision, ...(p.amountFen ? { amountFen: p.amountFen } : {}) }, records);
  },
});
