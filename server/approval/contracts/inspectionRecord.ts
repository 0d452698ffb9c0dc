import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import type { TxContext } from '../../chain/contract.ts';
import type { StateView } from '../../chain/state.ts';
import type { Sealed } from '../../chain/sealing/envelope.ts';
import { updateCredit } from '../credit/facts.ts';
import type { CreditFacts } from '../credit/score.ts';
import type { ApplicationRecord, CaseRecord, FindingRecord, InspectionRecord, LicenceRecord } from '../records.ts';
import { loadRules } from '../rules.ts';
import { InspectionRecordPayload } from '../schema.ts';
import { ak, recordId } from '../stateKeys.ts';
import { opensCase } from '../workflow/enforcementRule.ts';
import { licenceFact } from '../workflow/licences.ts';
import { checkStaffSeal } from '../staffSeal.ts';
import { byOf, emitRecord, mustGet, requireDept, requireEnterprise } from './common.ts';
import { checkLinks } from './inspectionPlan.ts';

/**
 * The result of an inspection (planned or ad hoc). Findings that meet the consortium's rule
 * open enforcement cases at once (审管执 without re-keying); a post-approval check of a
 * commitment decides whether it was honoured, and a broken commitment revokes the licences
 * issued on it. Every effect lands in the credit score in the same transaction.
 */
export const inspectionRecord = defineContract({
  kind: 'inspection.record',
  payload: InspectionRecordPayload,
  roles: ['inspector'],
  async apply(ctx, state, p) {
    const insp = p.inspection ? await planned(ctx, state, p.inspection, p.code) : await adHoc(ctx, state, p);
    await checkStaffSeal(ctx, state, 'inspection.record', p);
    const rules = await loadRules(state, ctx.genesis);
    const by = byOf(ctx);
    const records = [ak.inspection(insp.id)];
    const cases: CaseRecord[] = [];
    const findings: FindingRecord[] = p.findings.map((f, i) => {
      const n = i + 1;
      if (!opensCase(f, rules)) return { ...f, n };
      const c: CaseRecord = {
        id: recordId('CS', ctx, n),
        code: insp.code,
        dept: rules.enforcement.dept,
        status: 'open',
        // the finding's sealed description, already sealed to enforcement: the case reads it, no contract does
        subject: f.description,
        category: f.category,
        severity: f.severity,
        origin: { inspection: insp.id, finding: n, dept: insp.dept },
        ...(f.legalBasis ? { legalBasis: f.legalBasis } : {}),
        openedAt: ctx.time,
        openedBy: by,
      };
      cases.push(c);
      return { ...f, n, case: c.id };
    });
    for (const c of cases) {
      state.put(ak.case(c.id), c);
      records.push(ak.case(c.id));
    }
    const done: InspectionRecord = { ...insp, status: 'done', result: p.result, findings, ...(p.note ? { note: p.note } : {}), recordedAt: ctx.time, recordedBy: by, txIds: [...insp.txIds.filter((t) => t !== ctx.txId), ctx.txId] };
    state.put(ak.inspection(insp.id), done);

    const commitment = await settleCommitment(ctx, state, done, records);
    emitRecord(ctx, 'inspection.recorded', { id: insp.id, code: insp.code, dept: insp.dept, result: p.result, cases: cases.map((c) => c.id) }, records);
    await updateCredit(ctx, state, insp.code, { kind: 'inspection.record', ref: ak.inspection(insp.id) }, (f) => {
      for (const x of findings) f.findings[`${ak.inspection(insp.id)}#${x.n}`] = { severity: x.severity };
      for (const c of cases) f.cases[ak.case(c.id)] = { status: 'open' };
      commitment?.(f);
    });
  },
});

async function planned(ctx: TxContext, state: StateView, id: string, code?: string): Promise<InspectionRecord> {
  const insp = await mustGet<InspectionRecord>(state, ak.inspection(id), 'inspection');
  requireDept(ctx, insp.dept, `inspection ${insp.id}`);
  if (insp.status !== 'planned') reject('INSPECTION_DONE', `inspection ${insp.id} has already been recorded`, 409);
  if (code !== undefined && code !== insp.code) reject('MISMATCH', `inspection ${insp.id} is of ${insp.code}, not ${code}`);
  return insp;
}

async function adHoc(ctx: TxContext, state: StateView, p: { code?: string; subject?: Sealed; app?: string; licence?: string }): Promise<InspectionRecord> {
  if (!p.code || !p.subject) reject('BAD_PAYLOAD', 'an ad hoc inspection needs the enterprise code and a subject');
  await requireEnterprise(state, p.code);
  await checkLinks(ctx, state, p.code, p);
  return {
    id: recordId('IN', ctx),
    code: p.code,
    dept: ctx.actor.dept!,
    origin: 'adHoc',
    subject: p.subject,
    ...(p.app ? { app: p.app } : {}),
    ...(p.licence ? { licence: p.licence } : {}),
    status: 'planned',
    findings: [],
    txIds: [ctx.txId],
  };
}

/** A check of an approval granted on commitment settles it: honoured unless the result is "fail". */
async function settleCommitment(ctx: TxContext, state: StateView, insp: InspectionRecord, records: string[]): Promise<((f: CreditFacts) => void) | undefined> {
  if (!insp.app) return undefined;
  const app = await state.get<ApplicationRecord>(ak.app(insp.app));
  if (!app?.commitment?.granted || app.commitment.honoured !== undefined) return undefined;
  const honoured = insp.result !== 'fail';
  const revoked: LicenceRecord[] = [];
  if (!honoured) {
    for (const id of app.licences) {
      const lic = await state.get<LicenceRecord>(ak.licence(id));
      if (lic?.status !== 'valid' || !lic.underCommitment) continue;
      const next: LicenceRecord = { ...lic, status: 'revoked', revoked: { time: ctx.time, by: byOf(ctx), reason: `告知承诺不实，依核查 ${insp.id} 撤销 / commitment not honoured`, txId: ctx.txId } };
      state.put(ak.licence(id), next);
      records.push(ak.licence(id));
      revoked.push(next);
    }
  }
  state.put(ak.app(app.id), { ...app, commitment: { ...app.commitment, honoured } });
  records.push(ak.app(app.id));
  return (f) => {
    f.apps[ak.app(app.id)] = { status: app.status, commitment: honoured ? 'honoured' : 'broken' };
    for (const l of revoked) licenceFact(f, l);
  };
}
