import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { updateCredit } from '../credit/facts.ts';
import type { PrivacyPort } from '../privacy.ts';
import type { ApplicationRecord, DecisionRecord, LicenceRecord, StageRecord } from '../records.ts';
import { calendarOf, loadProcess, loadRules } from '../rules.ts';
import { ApprovalDecide } from '../schema.ts';
import { ak } from '../stateKeys.ts';
import { blockingFailures, evaluateChecks } from '../workflow/checks.ts';
import { issueLicence, licenceFact } from '../workflow/licences.ts';
import { lastPhase, openPhase, phaseApproved } from '../workflow/stages.ts';
import { checkStaffSeal } from '../staffSeal.ts';
import { byOf, emitRecord, mustGet, requireDept } from './common.ts';

/**
 * An approver of the stage's own department decides: approve, reject (final for the whole
 * application) or return for more information. The decision records who, when (block time),
 * the opinion, the evidence consulted and the checks as they stood. When every stage of a phase
 * is approved the next phase opens; after the last, the licence is issued.
 */
export const approvalDecide = (privacy: PrivacyPort) =>
  defineContract({
    kind: 'approval.decide',
    payload: ApprovalDecide,
    roles: ['approver'],
    async apply(ctx, state, p) {
      let app = await mustGet<ApplicationRecord>(state, ak.app(p.app), 'application');
      const stage = app.stages.find((s) => s.id === p.stage);
      if (!stage) reject('UNKNOWN_STAGE', `application ${app.id} has no stage "${p.stage}"`, 404);
      requireDept(ctx, stage.dept, `stage ${stage.name}`);
      await checkStaffSeal(ctx, state, 'approval.decide', p);
      if (app.status === 'approved' || app.status === 'rejected') reject('APPLICATION_CLOSED', `application ${app.id} was finally decided (${app.status}); no further decisions`, 409);
      if (stage.status !== 'open') reject('STAGE_NOT_OPEN', `stage ${stage.name} is ${stage.status}, not open for a decision`, 409);
      const def = await loadProcess(state, app.process);
      const sdef = def.phases[stage.phase]?.stages.find((s) => s.id === stage.id);
      const checks = await evaluateChecks(state, privacy, { code: app.code, at: app.submittedAt, genesis: ctx.genesis }, sdef?.checks ?? []);
      const failed = blockingFailures(checks);
      if (p.decision === 'approve' && failed.length) {
        reject('CHECK_FAILED', `cannot approve: ${failed.map((c) => `${c.label} (${c.detail})`).join('; ')}`, 409);
      }
      const decision: DecisionRecord = {
        decision: p.decision,
        by: byOf(ctx),
        time: ctx.time,
        height: ctx.height,
        txId: ctx.txId,
        opinion: p.opinion,
        evidence: p.evidence,
        checks,
        late: stage.dueAt !== undefined && ctx.time > stage.dueAt,
      };
      const status: StageRecord['status'] = p.decision === 'approve' ? 'approved' : p.decision === 'reject' ? 'rejected' : 'returned';
      app = {
        ...app,
        stages: app.stages.map((s) => (s.id === stage.id ? { ...s, status, checks, closedAt: ctx.time, decisions: [...s.decisions, decision] } : s)),
      };
      if (p.decision === 'reject') app = { ...app, status: 'rejected', decidedAt: ctx.time };
      if (p.decision === 'return') app = { ...app, status: 'returned' };

      const records = [ak.app(app.id)];
      let licence: LicenceRecord | undefined;
      if (p.decision === 'approve' && phaseApproved(app, stage.phase)) {
        if (stage.phase === lastPhase(app)) {
          app = { ...app, status: 'approved', decidedAt: ctx.time };
          licence = issueLicence(ctx, state, def, app, false);
          if (licence) {
            app.licences = [...app.licences, licence.id];
            records.push(ak.licence(licence.id));
          }
        } else {
          app = await openPhase(ctx, state, privacy, def, app, stage.phase + 1, calendarOf(await loadRules(state, ctx.genesis)));
        }
      }
      state.put(ak.app(app.id), app);
      emitRecord(ctx, 'approval.decided', { id: app.id, code: app.code, stage: stage.id, decision: p.decision, status: app.status }, records);
      if (app.status === 'approved' || app.status === 'rejected') {
        const final = app.status;
        await updateCredit(ctx, state, app.code, { kind: 'approval.decide', ref: ak.app(app.id) }, (f) => {
          f.apps[ak.app(app.id)] = { status: final, commitment: f.apps[ak.app(app.id)]?.commitment ?? 'none' };
          if (licence) licenceFact(f, licence);
        });
      }
    },
  });
