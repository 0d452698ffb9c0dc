import { defineContract } from '../../chain/contract.ts';
import { updateCredit } from '../credit/facts.ts';
import type { CaseRecord } from '../records.ts';
import { CaseOpen } from '../schema.ts';
import { ak, recordId } from '../stateKeys.ts';
import { checkStaffSeal } from '../staffSeal.ts';
import { byOf, emitRecord, requireEnterprise } from './common.ts';

/** A case opened by enforcement itself (a complaint, its own patrol), not from a finding. */
export const caseOpen = defineContract({
  kind: 'case.open',
  payload: CaseOpen,
  roles: ['enforcer'],
  async apply(ctx, state, p) {
    await requireEnterprise(state, p.code);
    await checkStaffSeal(ctx, state, 'case.open', p);
    const c: CaseRecord = {
      id: recordId('CS', ctx),
      code: p.code,
      dept: ctx.actor.dept!,
      status: 'open',
      subject: p.subject,
      severity: p.severity,
      origin: { manual: true },
      ...(p.legalBasis ? { legalBasis: p.legalBasis } : {}),
      openedAt: ctx.time,
      openedBy: byOf(ctx),
    };
    state.put(ak.case(c.id), c);
    emitRecord(ctx, 'case.opened', { id: c.id, code: c.code, dept: c.dept }, [ak.case(c.id)]);
    await updateCredit(ctx, state, c.code, { kind: 'case.open', ref: ak.case(c.id) }, (f) => {
      f.cases[ak.case(c.id)] = { status: 'open' };
    });
  },
});
