import { z } from 'zod';
import { DeptId, type Genesis } from '../chain/schema.ts';
import type { StateView } from '../chain/state.ts';
import { reject } from '../chain/errors.ts';
import { SHIPPED_PROCESSES, ProcessDef } from './processes.ts';
import { Severity } from './schema.ts';
import { ak } from './stateKeys.ts';
import { WorkCalendar } from './workdays.ts';

const IsoDate = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'YYYY-MM-DD');

/**
 * Consortium rules of the approval module. They start from `genesis.config.approval` (or these
 * defaults) and change only by the governance action approval.setRules, which writes them to
 * state; handlers read them through loadRules, never from anywhere else.
 */
export const ApprovalRules = z.strictObject({
  /** departments whose clerks register enterprises and their keys (the one window, 一窗受理) */
  registrationDepts: z.array(DeptId).min(1).default(['service']),
  /** a finding at or above this severity opens an enforcement case in that department */
  enforcement: z.strictObject({ minSeverity: Severity, dept: DeptId }).prefault({ minSeverity: 'major', dept: 'enforcement' }),
  calendar: z.strictObject({ holidays: z.array(IsoDate).max(400).default([]), workdays: z.array(IsoDate).max(100).default([]) }).prefault({}),
  /** the department whose node re-scores every enterprise after the weights change */
  creditDept: DeptId.default('market'),
});
export type ApprovalRules = z.infer<typeof ApprovalRules>;

// Genesis never changes while a node runs, so parse its rules once per genesis object.
const fromGenesis = new WeakMap<Genesis, ApprovalRules>();

export async function loadRules(state: StateView, genesis: Genesis): Promise<ApprovalRules> {
  const stored = await state.get<ApprovalRules>(ak.rules());
  if (stored) return stored;
  let rules = fromGenesis.get(genesis);
  if (!rules) fromGenesis.set(genesis, (rules = ApprovalRules.parse(genesis.config.approval ?? {})));
  return rules;
}

export const calendarOf = (rules: ApprovalRules): WorkCalendar => new WorkCalendar(rules.calendar);

/** A process definition: the consortium's latest published version, else the shipped one. */
export async function loadProcess(state: StateView, id: string): Promise<ProcessDef> {
  const stored = await state.get<ProcessDef>(ak.process(id));
  const def = stored ?? SHIPPED_PROCESSES.find((p) => p.id === id);
  if (!def) reject('UNKNOWN_PROCESS', `no approval process "${id}"`, 404);
  return def;
}

export { ProcessDef };
