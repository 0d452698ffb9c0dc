import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { currentScore, updateCredit } from '../credit/facts.ts';
import { gradeAtLeast } from '../credit/score.ts';
import type { PrivacyPort } from '../privacy.ts';
import type { ApplicationRecord, FilingRecord, InspectionRecord, LicenceRecord } from '../records.ts';
import { calendarOf, loadProcess, loadRules } from '../rules.ts';
import { checkStaffSeal } from '../staffSeal.ts';
import { ApprovalApply } from '../schema.ts';
import { ak, recordId } from '../stateKeys.ts';
import { issueLicence, licenceFact } from '../workflow/licences.ts';
import { openPhase, stagesOf } from '../workflow/stages.ts';
import { byOf, emitRecord, requireEnterprise } from './common.ts';

/**
 * An enterprise applies, reusing its filing (no re-entry). Under 告知承诺制, an enterprise whose
 * grade meets the process's minimum is approved at once on its signed commitment and a
 * post-approval inspection is scheduled in the supervising department; otherwise the request
 * is noted as not granted (with why) and the application runs the normal stages.
 */
export const approvalApply = (privacy: PrivacyPort) =>
  defineContract({
    kind: 'approval.apply',
    payload: ApprovalApply,
    roles: ['enterprise'],
    async apply(ctx, state, p) {
      const code = ctx.actor.id;
      await requireEnterprise(state, code);
      const filing = await state.get<FilingRecord>(ak.filing(code));
      if (!filing) reject('NO_FILING', '请先完成一表申报 / file the one form first; applications reuse it', 409);
      const def = await loadProcess(state, p.process);
      await checkStaffSeal(ctx, state, 'approval.apply', p);
      if (p.commitment && !def.commitment) reject('COMMITMENT_NOT_OFFERED', `${def.name} is not approved on commitment (告知承诺制)`);
      const rules = await loadRules(state, ctx.genesis);
      const cal = calendarOf(rules);
      let app: ApplicationRecord = {
        id: recordId('AP', ctx),
        code,
        process: def.id,
        processName: def.name,
        processVersion: def.version,
        project: p.project,
        filingVersion: filing.version,
        status: 'inProgress',
        phase: 0,
        stages: stagesOf(def),
        commitment: null,
        supplements: [],
        licences: [],
        submittedAt: ctx.time,
        txId: ctx.txId,
      };
      const records = [ak.app(app.id)];
      let commitmentFact: 'none' | 'granted' = 'none';
      let licence: LicenceRecord | undefined;

      if (p.commitment && def.commitment) {
        const grade = (await currentScore(state, code))?.grade ?? 'D';
        const granted = gradeAtLeast(grade, def.commitment.minGrade);
        const reason = `信用等级 ${grade}${granted ? ' 达到' : ' 低于'} ${def.commitment.minGrade} / grade ${grade} ${granted ? 'meets' : 'is below'} ${def.commitment.minGrade}`;
        app.commitment = { letter: p.commitment.letter, granted, reason };
        if (granted) {
          commitmentFact = 'granted';
          const decision = { decision: 'commitment' as const, by: { user: code }, time: ctx.time, height: ctx.height, txId: ctx.txId, opinion: '告知承诺制：依承诺审批 approved on the signed commitment', evidence: [], checks: [], late: false };
          app.stages = app.stages.map((s) => ({ ...s, status: 'approved', openedAt: ctx.time, closedAt: ctx.time, decisions: [decision] }));
          app.status = 'approved';
          app.phase = def.phases.length - 1;
          app.decidedAt = ctx.time;
          licence = issueLicence(ctx, state, def, app, true);
          if (licence) {
            app.licences = [licence.id];
            records.push(ak.licence(licence.id));
          }
          const check: InspectionRecord = {
            id: recordId('IN', ctx),
            code,
            dept: def.supervisingDept,
            origin: 'commitment',
            subject: `告知承诺事后核查：${def.name}（${p.project.name}）`,
            app: app.id,
            ...(licence ? { licence: licence.id } : {}),
            status: 'planned',
            plannedAt: ctx.time,
            dueAt: cal.dueAt(ctx.time, def.commitment.postCheckDays),
            plannedBy: byOf(ctx),
            findings: [],
            txIds: [ctx.txId],
          };
          state.put(ak.inspection(check.id), check);
          records.push(ak.inspection(check.id));
          app.commitment.postCheck = check.id;
        }
      }
      if (app.status === 'inProgress') app = await openPhase(ctx, state, privacy, def, app, 0, cal);
      state.put(ak.app(app.id), app);
      emitRecord(ctx, 'approval.applied', { id: app.id, code, process: def.id, status: app.status }, records);
      await updateCredit(ctx, state, code, { kind: 'approval.apply', ref: ak.app(app.id) }, (f) => {
        f.apps[ak.app(app.id)] = { status: app.status, commitment: commitmentFact };
        if (licence) licenceFact(f, licence);
      });
    },
  });
