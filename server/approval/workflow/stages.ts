import type { TxContext } from '../../chain/contract.ts';
import type { StateView } from '../../chain/state.ts';
import type { PrivacyPort } from '../privacy.ts';
import type { ProcessDef } from '../processes.ts';
import type { ApplicationRecord, StageRecord } from '../records.ts';
import type { WorkCalendar } from '../workdays.ts';
import { evaluateChecks } from './checks.ts';

/** Every stage of a definition, waiting, in phase order. */
export function stagesOf(def: ProcessDef): StageRecord[] {
  return def.phases.flatMap((ph, phase) =>
    ph.stages.map((s) => ({ id: s.id, name: s.name, nameEn: s.nameEn, dept: s.dept, phase, days: s.days, status: 'waiting' as const, checks: [], decisions: [] })),
  );
}

/** Opens a stage now: its clock starts from block time and its checks are evaluated. */
export async function openStage(ctx: TxContext, state: StateView, privacy: PrivacyPort, def: ProcessDef, app: ApplicationRecord, stage: StageRecord, cal: WorkCalendar): Promise<StageRecord> {
  const sdef = def.phases[stage.phase].stages.find((s) => s.id === stage.id)!;
  return {
    ...stage,
    status: 'open',
    openedAt: ctx.time,
    dueAt: cal.dueAt(ctx.time, stage.days),
    closedAt: undefined,
    checks: await evaluateChecks(state, privacy, { code: app.code, at: app.submittedAt, genesis: ctx.genesis }, sdef.checks),
  };
}

export async function openPhase(ctx: TxContext, state: StateView, privacy: PrivacyPort, def: ProcessDef, app: ApplicationRecord, phase: number, cal: WorkCalendar): Promise<ApplicationRecord> {
  const stages: StageRecord[] = [];
  for (const s of app.stages) stages.push(s.phase === phase ? await openStage(ctx, state, privacy, def, app, s, cal) : s);
  return { ...app, phase, stages };
}

export const phaseApproved = (app: ApplicationRecord, phase: number): boolean =>
  app.stages.filter((s) => s.phase === phase).every((s) => s.status === 'approved');

export const lastPhase = (app: ApplicationRecord): number => Math.max(...app.stages.map((s) => s.phase));
