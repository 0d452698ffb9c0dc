import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { panelAtPublication } from '../review/experts.ts';
import { emptyLedger, loadLedger, rebudget, saveLedger } from '../budget/ledger.ts';
import { normaliseRule } from '../eligibility/privacy.ts';
import type { PolicyRecord } from '../records.ts';
import { PolicyPublish } from '../schema.ts';
import { pk, policyId } from '../stateKeys.ts';
import { byOf, emitRecords, loadPolicy, requirePolicyDept } from './common.ts';

/**
 * A policy department publishes a policy (惠企政策). The record never changes afterwards: a
 * correction is a new version naming the old one, which then takes no new applications, while
 * applications made under the old terms run on under them. All versions share one budget: the
 * new version's budget replaces the line's, and what the line has committed counts against it.
 */
export const payoutPublish = defineContract({
  kind: 'payout.publish',
  payload: PolicyPublish,
  roles: ['policy'],
  async apply(ctx, state, p) {
    if (BigInt(p.capFen) > BigInt(p.budgetFen)) reject('CAP_ABOVE_BUDGET', `the per-enterprise cap (${p.capFen} fen) exceeds the budget (${p.budgetFen} fen)`);
    if (p.window.closesAt <= p.window.opensAt) reject('BAD_WINDOW', 'the application window must close after it opens');
    if (p.window.closesAt <= ctx.time) reject('WINDOW_PAST', 'the application window has already closed');
    const ids = p.eligibility.privacy.map((r) => r.id);
    if (new Set(ids).size !== ids.length) reject('DUPLICATE_RULE', 'two eligibility rules have the same id');
    const privacy = [];
    for (const r of p.eligibility.privacy) privacy.push(await normaliseRule(state, ctx.genesis, r));

    let version = 1;
    let lineage = policyId(ctx);
    const records: string[] = [];
    // A first version opens the line's books; a new version re-sets their budget (see rebudget).
    let ledger = emptyLedger(lineage, p.budgetFen);
    if (p.supersedes) {
      const old = await loadPolicy(state, p.supersedes);
      requirePolicyDept(ctx, old);
      if (await state.get(pk.successor(old.id))) reject('ALREADY_SUPERSEDED', `policy ${old.id} already has a newer version`, 409);
      version = old.version + 1;
      lineage = old.lineage;
      ledger = rebudget(await loadLedger(state, old), p.budgetFen);
      state.put(pk.successor(old.id), { policy: policyId(ctx), time: ctx.time, txId: ctx.txId });
      records.push(pk.policy(old.id));
    }
    const rec: PolicyRecord = {
      id: policyId(ctx),
      version,
      lineage,
      ...(p.supersedes ? { supersedes: p.supersedes } : {}),
      dept: ctx.actor.dept!,
      title: p.title,
      legalBasis: p.legalBasis,
      ...(p.summary ? { summary: p.summary } : {}),
      budgetFen: p.budgetFen,
      capFen: p.capFen,
      eligibility: { ...p.eligibility, privacy },
      window: p.window,
      review: p.review,
      publicityDays: p.publicityDays,
      ...(p.exclusionGroup ? { exclusionGroup: p.exclusionGroup } : {}),
      publishedAt: ctx.time,
      publishedBy: byOf(ctx),
      txId: ctx.txId,
    };
    if (rec.review.method === 'expert') {
      const panel = await panelAtPublication(state, rec.dept);
      if (panel.length < rec.review.experts) {
        reject('NOT_ENOUGH_EXPERTS', `评审专家不足：需 ${rec.review.experts} 名，已登记 ${panel.length} 名 / reviewers are drawn from the experts registered when the policy is published; register them first`, 409, { needed: rec.review.experts, registered: panel.length });
      }
      state.put(pk.panel(rec.id), panel);
    }
    state.put(pk.policy(rec.id), rec);
    saveLedger(state, ledger);
    emitRecords(ctx, 'payout.published', { policy: rec.id, version, dept: rec.dept }, [pk.policy(rec.id), pk.ledger(lineage), ...records]);
  },
});
