import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import type { PrivacyPort } from '../privacy.ts';
import type { ApplicationRecord, FilingRecord, StageRecord } from '../records.ts';
import { calendarOf, loadProcess, loadRules } from '../rules.ts';
import { ApprovalSupplement } from '../schema.ts';
import { checkStaffSeal } from '../staffSeal.ts';
import { ak } from '../stateKeys.ts';
import { openStage } from '../workflow/stages.ts';
import { emitRecord, mustGet, requireSelf } from './common.ts';

/**
 * The enterprise answers a return (补正) with a note (sealed to the stage departments) and any new materials, signed. The returned
 * stages reopen with a fresh deadline (the statutory clock restarts on a complete submission),
 * and the application now points at the enterprise's current filing version.
 */
export const approvalSupplement = (privacy: PrivacyPort) =>
  defineContract({
    kind: 'approval.supplement',
    payload: ApprovalSupplement,
    roles: ['enterprise'],
    async apply(ctx, state, p) {
      const app = await mustGet<ApplicationRecord>(state, ak.app(p.app), 'application');
      requireSelf(ctx, app.code);
      if (app.status !== 'returned') reject('NOT_RETURNED', `application ${app.id} is ${app.status}; only a returned application takes a supplement`, 409);
      // the new materials' names travel in one envelope beside the note, never in plaintext
      if (p.materials.length > 0 && !p.materialNames) reject('SEAL_MISSING', 'the supplement lists materials but not their sealed names (materialNames)');
      if (p.materials.length === 0 && p.materialNames) reject('SEAL_MISSING', 'materialNames is sealed for materials the supplement does not list');
      await checkStaffSeal(ctx, state, 'approval.supplement', p);
      const def = await loadProcess(state, app.process);
      const cal = calendarOf(await loadRules(state, ctx.genesis));
      const filing = await state.get<FilingRecord>(ak.filing(app.code));
      const stages: StageRecord[] = [];
      for (const s of app.stages) stages.push(s.status === 'returned' ? await openStage(ctx, state, privacy, def, app, s, cal) : s);
      const next: ApplicationRecord = {
        ...app,
        status: 'inProgress',
        stages,
        filingVersion: filing?.version ?? app.filingVersion,
        supplements: [...app.supplements, { time: ctx.time, txId: ctx.txId, note: p.note, materials: p.materials, ...(p.materialNames ? { materialNames: p.materialNames } : {}) }],
      };
      state.put(ak.app(app.id), next);
      emitRecord(ctx, 'approval.supplemented', { id: app.id, code: app.code }, [ak.app(app.id)]);
    },
  });
