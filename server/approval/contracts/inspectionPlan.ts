import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import type { TxContext } from '../../chain/contract.ts';
import type { StateView } from '../../chain/state.ts';
import type { ApplicationRecord, InspectionRecord, LicenceRecord } from '../records.ts';
import { calendarOf, loadProcess, loadRules } from '../rules.ts';
import { InspectionPlan } from '../schema.ts';
import { ak, recordId } from '../stateKeys.ts';
import { checkStaffSeal } from '../staffSeal.ts';
import { byOf, emitRecord, mustGet, requireEnterprise } from './common.ts';

/**
 * An inspection may be linked to an approval or a licence only by a department responsible for
 * it: one that owns a stage, the process's supervising department, or the licence's issuer.
 */
export async function checkLinks(ctx: TxContext, state: StateView, code: string, link: { app?: string; licence?: string }): Promise<void> {
  const dept = ctx.actor.dept!;
  if (link.app) {
    const app = await mustGet<ApplicationRecord>(state, ak.app(link.app), 'application');
    if (app.code !== code) reject('MISMATCH', `application ${app.id} is not of enterprise ${code}`);
    const def = await loadProcess(state, app.process);
    if (def.supervisingDept !== dept && !app.stages.some((s) => s.dept === dept)) reject('WRONG_DEPT', `${dept} is not responsible for application ${app.id}`, 403);
  }
  if (link.licence) {
    const lic = await mustGet<LicenceRecord>(state, ak.licence(link.licence), 'licence');
    if (lic.code !== code) reject('MISMATCH', `licence ${lic.id} is not of enterprise ${code}`);
  }
}

/** A planned inspection (双随机 or follow-up), owned by the inspector's department. */
export const inspectionPlan = defineContract({
  kind: 'inspection.plan',
  payload: InspectionPlan,
  roles: ['inspector'],
  async apply(ctx, state, p) {
    await requireEnterprise(state, p.code);
    await checkLinks(ctx, state, p.code, p);
    await checkStaffSeal(ctx, state, 'inspection.plan', p);
    const rec: InspectionRecord = {
      id: recordId('IN', ctx),
      code: p.code,
      dept: ctx.actor.dept!,
      origin: 'planned',
      subject: p.subject,
      ...(p.app ? { app: p.app } : {}),
      ...(p.licence ? { licence: p.licence } : {}),
      status: 'planned',
      plannedAt: ctx.time,
      dueAt: calendarOf(await loadRules(state, ctx.genesis)).dueAt(ctx.time, p.withinDays),
      plannedBy: byOf(ctx),
      findings: [],
      txIds: [ctx.txId],
    };
    state.put(ak.inspection(rec.id), rec);
    emitRecord(ctx, 'inspection.planned', { id: rec.id, code: p.code, dept: rec.dept }, [ak.inspection(rec.id)]);
  },
});
