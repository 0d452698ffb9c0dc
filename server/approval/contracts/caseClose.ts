import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { updateCredit } from '../credit/facts.ts';
import type { CaseRecord } from '../records.ts';
import { CaseClose } from '../schema.ts';
import { ak } from '../stateKeys.ts';
import { checkStaffSeal } from '../staffSeal.ts';
import { byOf, emitRecord, mustGet, requireDept } from './common.ts';

/** Closing a decided case (penalty paid, violation rectified) softens its weight in the score. */
export const caseClose = defineContract({
  kind: 'case.close',
  payload: CaseClose,
  roles: ['enforcer'],
  async apply(ctx, state, p) {
    const c = await mustGet<CaseRecord>(state, ak.case(p.case), 'case');
    requireDept(ctx, c.dept, `case ${c.id}`);
    await checkStaffSeal(ctx, state, 'case.close', p);
    if (c.status !== 'decided') reject('CASE_NOT_DECIDED', `case ${c.id} is ${c.status}; only a decided case can be closed`, 409);
    const next: CaseRecord = { ...c, status: 'closed', closure: { outcome: p.outcome, ...(p.note ? { note: p.note } : {}), by: byOf(ctx), time: ctx.time, txId: ctx.txId } };
    state.put(ak.case(c.id), next);
    emitRecord(ctx, 'case.closed', { id: c.id, code: c.code, outcome: p.outcome }, [ak.case(c.id)]);
    await updateCredit(ctx, state, c.code, { kind: 'case.close', ref: ak.case(c.id) }, (f) => {
      f.cases[ak.case(c.id)] = { status: 'closed', type: c.decision!.type };
    });
  },
});
