import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { currentScore } from '../../approval/credit/facts.ts';
import type { EnterpriseRecord, FilingRecord } from '../../approval/records.ts';
import { ak } from '../../approval/stateKeys.ts';
import { failedOf, staticChecks } from '../eligibility/eligibility.ts';
import { checkApplicationSeal } from '../applicationSeal.ts';
import { checkPayeeSeal } from '../payeeSeal.ts';
import { askRule } from '../eligibility/privacy.ts';
import type { ApplicationRecord, CheckRecord } from '../records.ts';
import { PayoutApply } from '../schema.ts';
import { applicationId, pk } from '../stateKeys.ts';
import { emitRecords, loadPolicy } from './common.ts';
import { progress } from './progress.ts';

/**
 * An enterprise applies, signed with its own key, reusing its filing (no re-entry). Refused at
 * once: a second application to the same policy (重复申报), a live one elsewhere in the policy's
 * exclusion group (多头申报), a closed window, and failing the rules the chain already knows
 * (grade, industry, region). The privacy rules are asked now; payout.advance reads the answers.
 */
export const payoutApply = defineContract({
  kind: 'payout.apply',
  payload: PayoutApply,
  roles: ['enterprise'],
  async apply(ctx, state, p) {
    const code = ctx.actor.id;
    const ent = await state.get<EnterpriseRecord>(ak.enterprise(code));
    if (!ent) reject('UNKNOWN_ENTERPRISE', `no enterprise ${code} is registered`, 404);
    const filing = await state.get<FilingRecord>(ak.filing(code));
    if (!filing) reject('NO_FILING', '请先完成一表申报 / file the one form first; applications reuse it', 409);
    if (filing.version !== p.filingVersion) reject('STALE_FILING', `the filing is at version ${filing.version}, not ${p.filingVersion}; review it and apply again`, 409);

    const policy = await loadPolicy(state, p.policy);
    const successor = await state.get<{ policy: string }>(pk.successor(policy.id));
    if (successor) reject('POLICY_SUPERSEDED', `policy ${policy.id} was replaced by ${successor.policy}; apply to that version`, 409, { successor: successor.policy });
    if (ctx.time < policy.window.opensAt) reject('WINDOW_NOT_OPEN', 'the application window has not opened yet', 409);
    if (ctx.time >= policy.window.closesAt) reject('WINDOW_CLOSED', 'the application window has closed', 409);

    const claim = await state.get<{ application: string }>(pk.claim(policy.lineage, code));
    if (claim) reject('DUPLICATE_APPLICATION', `重复申报：已申报本政策（${claim.application}）/ already applied to this policy`, 409, { application: claim.application });
    if (policy.exclusionGroup) {
      const held = await state.get<{ policy: string; application: string }>(pk.group(policy.exclusionGroup, code));
      if (held) {
        reject('MULTIPLE_APPLICATION', `多头申报：已申报同组政策 ${held.policy}（${held.application}）/ a policy of the same exclusion group is applied for`, 409, held);
      }
    }
    if (p.requestedFen && BigInt(p.requestedFen) > BigInt(policy.capFen)) reject('ABOVE_CAP', `the request exceeds the per-enterprise cap of ${policy.capFen} fen`, 422);
    // The name is public for this rule; the account and bank are sealed and the chain checks only to whom.
    if (p.payee.name !== filing.profile.name && p.payee.name !== ent.name) reject('PAYEE_NOT_APPLICANT', 'subsidies are paid only to an account in the applicant\'s own name', 422);
    await checkPayeeSeal(state, ctx.genesis, policy.dept, p.payee);
    await checkApplicationSeal(state, policy.dept, p);

    const grade = (await currentScore(state, code))?.grade ?? 'D';
    const facts = { code, industry: filing.profile.industry.code, address: filing.profile.address, grade };
    const checks: CheckRecord[] = staticChecks(policy.eligibility, facts);
    const failed = failedOf(checks);
    if (failed.length) {
      reject('NOT_ELIGIBLE', `不符合申报条件：${failed.map((c) => c.label).join('；')} / not eligible`, 422, { failed: failed.map((c) => ({ rule: c.rule, label: c.label, detail: c.detail })) });
    }

    const id = applicationId(ctx);
    for (const [n, rule] of policy.eligibility.privacy.entries()) {
      const query = await askRule(ctx, state, policy, rule, code, id, n);
      checks.push({ rule: rule.id, kind: 'privacy', label: rule.label, status: 'pending', detail: '已发起隐私问询 / asked', query });
    }
    const app: ApplicationRecord = {
      id,
      policy: policy.id,
      dept: policy.dept,
      code,
      enterpriseName: filing.profile.name,
      filingVersion: filing.version,
      industry: filing.profile.industry.code,
      grade,
      ...(p.requestedFen ? { requestedFen: p.requestedFen } : {}),
      statement: p.statement,
      attachments: p.attachments,
      ...(p.attachmentNames ? { attachmentNames: p.attachmentNames } : {}),
      payee: p.payee,
      status: 'checking',
      checks,
      ...(checks.some((c) => c.status === 'pending') ? { waiting: '等待隐私问询答复 / waiting for privacy answers' } : {}),
      submittedAt: ctx.time,
      txId: ctx.txId,
    };
    state.put(pk.claim(policy.lineage, code), { application: id, policy: policy.id });
    if (policy.exclusionGroup) state.put(pk.group(policy.exclusionGroup, code), { policy: policy.id, application: id });
    state.put(pk.app(id), app);
    emitRecords(ctx, 'payout.applied', { application: id, policy: policy.id, dept: policy.dept, code, queries: checks.flatMap((c) => (c.query ? [c.query] : [])) }, [pk.app(id)]);
    // With nothing to ask, the checks are done now.
    if (!app.waiting) await progress(ctx, state, policy, app);
  },
});
