import { cls } from '../chain/classification.ts';
import type { GovAction } from '../chain/contracts/governance.ts';
import { reject } from '../chain/errors.ts';
import { CreditWeights, loadWeights, type StoredWeights } from './credit/weights.ts';
import { ApprovalRules } from './rules.ts';
import { ProcessDef } from './processes.ts';
import { SHIPPED_PROCESSES } from './processes.ts';
import { ak } from './stateKeys.ts';

/**
 * What only the consortium together may change: credit weights and bands, the approval rules
 * (who registers enterprises, when a finding opens a case, the working calendar) and process
 * definitions. Each takes effect when a quorum of departments' administrators has approved.
 */
export const setCreditWeights: GovAction<CreditWeights> = {
  type: 'credit.setWeights',
  params: cls(CreditWeights, 'public'),
  async apply(ctx, state, params) {
    const prev = await loadWeights(state, ctx.genesis);
    const next: StoredWeights = { ...params, version: prev.version + 1, height: ctx.height, proposal: ctx.txId };
    state.put(ak.creditWeights(), next);
    ctx.emit('credit.weightsSet', { version: next.version });
  },
};

export const setApprovalRules: GovAction<ApprovalRules> = {
  type: 'approval.setRules',
  params: cls(ApprovalRules, 'public'),
  async apply(ctx, state, params) {
    state.put(ak.rules(), params);
    ctx.emit('approval.rulesSet', {});
  },
};

export const setProcess: GovAction<ProcessDef> = {
  type: 'approval.setProcess',
  params: cls(ProcessDef, 'public'),
  async check(state, p) {
    const current = (await state.get<ProcessDef>(ak.process(p.id))) ?? SHIPPED_PROCESSES.find((d) => d.id === p.id);
    if (current && p.version <= current.version) reject('STALE_VERSION', `process ${p.id} is at version ${current.version}; publish a higher one`, 409);
  },
  async apply(ctx, state, p) {
    await this.check!(state, p, ctx);
    state.put(ak.process(p.id), p);
    ctx.emit('approval.processSet', { id: p.id, version: p.version });
  },
};

export const approvalGovActions: GovAction[] = [setCreditWeights, setApprovalRules, setProcess];
