import type Router from '@koa/router';
import { z } from 'zod';
import { checkUpload, readLimited } from '../../approval/http/materialsStore.ts';
import { ChainError } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser } from '../../http/auth.ts';
import type { SessionUser } from '../../../shared/sessionUser.ts';
import { csvFile, csvLine } from '../../../shared/csv.ts';
import { auditLook, listSubject } from '../../http/txReads.ts';
import { withAuditShares } from '../../approval/auditShares.ts';
import type { ApplicationView } from '../records.ts';
import type { PolicyRecord } from '../records.ts';
import * as q from '../readModel/queries.ts';
import { ApplicationId, DecisionDraft, PolicyId } from '../schema.ts';
import { deptSealRecipients } from '../deptSeal.ts';
import { payeeSealRecipients } from '../payeeSeal.ts';
import { pk } from '../stateKeys.ts';
import { storeAttachment } from './attachments.ts';
import { EXPORT_LIMIT, recordsOf, sealedToOwnDept } from './common.ts';
import { staffAction } from '../../http/staffAction.ts';
import { payoutAdvance } from '../contracts/advance.ts';
import { payoutDecide } from '../contracts/decide.ts';
import { notFound, paging, parseWith, RouteKit } from '../../http/routeKit.ts';
import { moduleTxPath } from '../../chain/http/enterpriseTx.ts';
import { payoutAdmission } from './admission.ts';
import { PayoutApplicationList } from '../../../shared/wire/responses.ts';

const DecisionBody = DecisionDraft;
const ListQuery = paging(200, 50).extend({
  policy: z.string().max(24).optional(),
  status: z.string().max(16).optional(),
  q: z.string().trim().max(50).optional(),
});

/** Enterprise-signed applications and objections, attachments, and the department's decisions. */
/**
 * The payee account is the enterprise's and the finance office's (awards carry it, and an auditor
 * reads it there with a recorded purpose); reviewers and the policy department decide without it.
 */
const applicationFor = (u: SessionUser, a: ApplicationView) => (u.role === 'enterprise' ? a : { ...a, payee: undefined });

export function applicationRoutes(node: ModulePort): Router {
  const r = new RouteKit('/payout');

  moduleTxPath(r, node, payoutAdmission);

  r.get('/policies/:id/sealing', { summary: 'The departments (and their current X25519 keys) the enterprise seals to before it signs: `recipients` for the payee account (the policy\'s department and the finance office), `department` for the statement, the attachments\' names and an objection\'s reasons (the policy\'s department alone).', roles: 'public' }, async (ctx, { params }) => {
    const policy = await node.view().get<PolicyRecord>(pk.policy(parseWith(PolicyId, params.id, 'policy')));
    if (!policy) throw notFound('policy');
    ctx.body = { recipients: await payeeSealRecipients(node.view(), node.genesis, policy.dept), department: await deptSealRecipients(node.view(), [policy.dept]) };
  });

  r.post('/attachments', { summary: 'Upload one application attachment to the policy department\'s node (raw body: application/pdf, image/png or image/jpeg, at most 5 MB); ?policy= names the policy.', roles: ['enterprise'] }, async (ctx) => {
    const policyId = parseWith(PolicyId, ctx.query.policy, 'query.policy');
    const policy = await node.view().get<PolicyRecord>(pk.policy(policyId));
    if (!policy) throw notFound('policy');
    if (policy.dept !== node.dept) throw new ChainError('WRONG_NODE', `upload to the node of ${policy.dept}: /${policy.dept}/api/payout/attachments`, { status: 421 });
    const body = await readLimited(ctx.req);
    const type = checkUpload(ctx.get('content-type'), body);
    ctx.status = 201;
    ctx.body = await storeAttachment(node.db, { body, type, owner: currentUser(ctx).id });
  });

  r.get('/applications', { summary: 'Applications the caller may see: its own (enterprise), its department\'s (policy), those it reviews (expert), all (audit, with ?purpose=, recorded).', roles: ['enterprise', 'policy', 'expert', 'auditor'], query: ListQuery, response: PayoutApplicationList }, async (ctx, { query: p }) => {
    const u = currentUser(ctx);
    const look = auditLook(node, ctx);
    const items = (await q.listApplications(node.db, u, p, p)).map((a) => applicationFor(u, a));
    const auditViewTx = await look?.record(listSubject('payout/applications', ctx.query), items.map((a) => a.code));
    ctx.body = { items, total: await q.countApplications(node.db, u, p), ...(auditViewTx ? { auditViewTx } : {}) };
  });

  r.get('/applications/export', { summary: 'CSV of the applications the caller may see, under the same filters (?status=, ?policy=, ?q=); an auditor\'s export is a recorded look like the list.', roles: ['policy', 'auditor'], query: ListQuery }, async (ctx, { query: p }) => {
    const look = auditLook(node, ctx);
    const apps = await q.listApplications(node.db, currentUser(ctx), p, { limit: EXPORT_LIMIT, offset: 0 });
    await look?.record(listSubject('payout/applications/export', ctx.query), apps.map((a) => a.code));
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('content-disposition', 'attachment; filename="policy-applications.csv"');
    ctx.body = csvFile([
      csvLine(['enterprise', 'code', 'application', 'policy', 'status', 'requestedFen', 'submitted']),
      ...apps.map((a) => csvLine([a.enterpriseName, a.code, a.id, a.policy, a.status, a.requestedFen ?? '', new Date(a.submittedAt).toISOString()])),
    ]);
  });

  r.get('/applications/:id', { summary: 'One application with its checks, review and decision (same scope as the list).', roles: ['enterprise', 'policy', 'expert', 'auditor'] }, async (ctx, { params }) => {
    const u = currentUser(ctx);
    const look = auditLook(node, ctx);
    const a = await q.application(node.db, u, params.id);
    if (!a) throw notFound('application');
    if (!look) {
      ctx.body = applicationFor(u, a);
      return;
    }
    const auditViewTx = await look.record(`record:${a.id}`, [a.code], [a.id]);
    ctx.body = { ...applicationFor(u, await withAuditShares(node, a.id, a)), auditViewTx };
  });

  staffAction(r, node, payoutAdvance, {
    path: '/applications/:id/advance',
    summary: 'Re-read the privacy answers and move the application on (the node does this by itself when an answer lands).',
    from: { id: 'application' },
    params: { id: ApplicationId },
    respond: (row) => ({ tx: row.id, events: row.events.map((e) => e.type) }),
  });

  staffAction(r, node, payoutDecide, {
    path: '/applications/:id/decision',
    summary: 'Approve an amount in fen (never above the cap) or reject with reasons.',
    body: DecisionBody,
    from: { id: 'application' },
    params: { id: ApplicationId },
    // the reasons are sealed here, before signing, to the officer's department (the contract holds it to the policy's)
    payload: sealedToOwnDept(node, 'reasons', 'the reasons'),
    respond: (row) => ({ tx: row.id, award: recordsOf(row).find((k) => k.startsWith('pay/award/'))?.slice('pay/award/'.length) ?? null }),
  });

  return r.router;
}
