import type { TxContext } from '../../chain/contract.ts';
import type { StateView } from '../../chain/state.ts';
import { DRAW_RULE, drawExperts } from '../review/experts.ts';
import { ruleOutcome } from '../eligibility/privacy.ts';
import type { ApplicationRecord, PolicyRecord } from '../records.ts';
import { pk } from '../stateKeys.ts';
import { emitRecords } from './common.ts';

/** Frees the exclusion-group slot of an application that will get nothing, so the enterprise may apply elsewhere in the group. */
export async function releaseGroup(state: StateView, policy: PolicyRecord, app: ApplicationRecord): Promise<void> {
  if (!policy.exclusionGroup) return;
  const k = pk.group(policy.exclusionGroup, app.code);
  const held = await state.get<{ application: string }>(k);
  if (held?.application === app.id) state.del(k);
}

/**
 * Moves an application on from its automatic checks, reading each privacy answer from state:
 * all verified yes → expert review (experts drawn now) or straight to the decision; any no,
 * declined or expired → rejected with every failed rule. Returns whether anything changed.
 */
export async function progress(ctx: TxContext, state: StateView, policy: PolicyRecord, app: ApplicationRecord): Promise<boolean> {
  if (app.status !== 'checking') return false;
  const before = JSON.stringify(app);
  for (const c of app.checks) {
    if (c.status !== 'pending' || !c.query) continue;
    const o = await ruleOutcome(state, c.query, ctx.height);
    if (o.status === 'passed') Object.assign(c, { status: 'passed', detail: o.detail });
    if (o.status === 'failed') Object.assign(c, { status: 'failed', code: o.code, detail: o.detail });
  }
  const failed = app.checks.filter((c) => c.status === 'failed');
  if (failed.length) {
    app.status = 'rejected';
    delete app.waiting;
    app.rejection = { stage: 'checks', time: ctx.time, reasons: failed.map((c) => ({ rule: c.rule, code: c.code ?? 'FAILED', detail: `${c.label}: ${c.detail}` })) };
    await releaseGroup(state, policy, app);
    state.put(pk.app(app.id), app);
    emitRecords(ctx, 'payout.checksFailed', { application: app.id, policy: policy.id, rules: failed.map((c) => c.rule) }, [pk.app(app.id)]);
    return true;
  }
  if (app.checks.some((c) => c.status === 'pending')) {
    app.waiting = '等待隐私问询答复 / waiting for privacy answers';
  } else if (policy.review.method === 'none') {
    app.status = 'deciding';
    delete app.waiting;
  } else {
    const draw = await drawExperts(state, policy, app.id, app.code, app.industry, policy.review.experts);
    if (draw.experts.length < policy.review.experts) {
      app.waiting = `可选评审专家不足（需 ${policy.review.experts} 名，可用 ${draw.experts.length} 名）/ not enough eligible experts`;
    } else {
      app.status = 'reviewing';
      delete app.waiting;
      app.review = { experts: draw.experts, rule: DRAW_RULE, excluded: draw.excluded, scores: [] };
    }
  }
  if (JSON.stringify(app) === before) return false;
  state.put(pk.app(app.id), app);
  const type = app.status === 'reviewing' ? 'payout.reviewOpened' : app.status === 'deciding' ? 'payout.checksPassed' : 'payout.checksUpdated';
  emitRecords(ctx, type, { application: app.id, policy: policy.id, dept: policy.dept, ...(app.review ? { experts: app.review.experts } : {}) }, [pk.app(app.id)]);
  return true;
}
