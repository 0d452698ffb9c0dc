import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { updateCredit } from '../credit/facts.ts';
import type { CaseRecord } from '../records.ts';
import { CaseDecide } from '../schema.ts';
import { ak } from '../stateKeys.ts';
import { checkStaffSeal } from '../staffSeal.ts';
import { byOf, emitRecord, mustGet, requireDept } from './common.ts';

/** The owning department decides a case: a penalty (in fen, with its legal basis), a warning, or no violation. */
export const caseDecide = defineContract({
  kind: 'case.decide',
  payload: CaseDecide,
  roles: ['enforcer'],
  async apply(ctx, state, p) {
    const c = await mustGet<CaseRecord>(state, ak.case(p.case), 'case');
    requireDept(ctx, c.dept, `case ${c.id}`);
    await checkStaffSeal(ctx, state, 'case.decide', p);
    if (c.status !== 'open') reject('CASE_NOT_OPEN', `case ${c.id} is ${c.status}; it was decided already`, 409);
    if ((p.type === 'penalty') !== (p.penaltyFen !== '0')) reject('PENALTY_MISMATCH', 'a penalty needs an amount above 0 fen; a warning or no-violation decision has none');
    const next: CaseRecord = { ...c, status: 'decided', decision: { type: p.type, penaltyFen: p.penaltyFen, legalBasis: p.legalBasis, opinion: p.opinion, by: byOf(ctx), time: ctx.time, txId: ctx.txId } };
    state.put(ak.case(c.id), next);
    emitRecord(ctx, 'case.decided', { id: c.id, code: c.code, type: p.type, penaltyFen: p.penaltyFen }, [ak.case(c.id)]);
    await updateCredit(ctx, state, c.code, { kind: 'case.decide', ref: ak.case(c.id) }, (f) => {
      f.cases[ak.case(c.id)] = { status: 'decided', type: p.type };
    });
  },
});
