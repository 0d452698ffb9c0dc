import Router from '@koa/router';
import { z } from 'zod';
import { checkUpload, readLimited } from '../../approval/http/materialsStore.ts';
import { publicTx } from '../../chain/http/chainRoutes.ts';
import { ChainError } from '../../chain/errors.ts';
import { keys, type SignerRecord } from '../../chain/identity.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser, requireRole } from '../../http/auth.ts';
import type { SessionUser } from '../../../shared/sessionUser.ts';
import { csvFile, csvLine } from '../../../shared/csv.ts';
import { auditLook, listSubject } from '../../http/txReads.ts';
import { withAuditShares } from '../../approval/auditShares.ts';
import type { ApplicationView } from '../records.ts';
import { ENTERPRISE_KINDS } from '../contracts/index.ts';
import type { PolicyRecord } from '../records.ts';
import * as q from '../readModel/queries.ts';
import { ApplicationId, DecisionDraft, PayoutApply, PolicyId } from '../schema.ts';
import { deptSealRecipients } from '../deptSeal.ts';
import { payeeSealRecipients } from '../payeeSeal.ts';
import { pk } from '../stateKeys.ts';
import { requireAttachments, storeAttachment } from './attachments.ts';
import { actAs, doc, eventOf, EXPORT_LIMIT, notFound, param, parseWith, recordsOf, sealFor, submitSigned } from './common.ts';

const DecisionBody = DecisionDraft;
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
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
  const r = new Router({ prefix: '/payout' });

  doc('post', '/tx', `Submit a transaction the enterprise signed in its browser (${ENTERPRISE_KINDS.join(', ')}). Applications go to the policy department's node. Waits for the receipt.`);
  r.post('/tx', async (ctx) => {
    const raw = ctx.request.body as { kind?: unknown; payload?: Record<string, unknown> } | undefined;
    if (!raw || !ENTERPRISE_KINDS.includes(raw.kind as (typeof ENTERPRISE_KINDS)[number])) {
      throw new ChainError('WRONG_KIND', `this endpoint takes only ${ENTERPRISE_KINDS.join(', ')}; staff actions have their own routes`);
    }
    if (raw.kind === 'payout.apply') {
      const p = parseWith(PayoutApply, raw.payload, 'payload');
      const policy = await node.view().get<PolicyRecord>(pk.policy(p.policy));
      if (policy && policy.dept !== node.dept) throw new ChainError('WRONG_NODE', `apply at the node of ${policy.dept}, which keeps the attachments: /${policy.dept}/api/payout/tx`, { status: 421 });
      // Attachments must be this enterprise's own uploads on this node.
      const signer = await node.view().get<SignerRecord>(keys.signer(String((raw as { signer?: unknown }).signer ?? '')));
      await requireAttachments(node.db, signer?.type === 'enterprise' ? signer.code : '', p.attachments);
    }
    const row = await submitSigned(node, raw);
    ctx.body = { id: row.id, application: eventOf(row, 'payout.applied')?.application, objection: eventOf(row, 'payout.objected')?.objection, records: recordsOf(row), receipt: publicTx(row) };
  });

  doc('get', '/policies/{id}/sealing', 'The departments (and their current X25519 keys) the enterprise seals to before it signs: `recipients` for the payee account (the policy\'s department and the finance office), `department` for the statement, the attachments\' names and an objection\'s reasons (the policy\'s department alone).', []);
  r.get('/policies/:id/sealing', async (ctx) => {
    const policy = await node.view().get<PolicyRecord>(pk.policy(parseWith(PolicyId, param(ctx, 'id'), 'policy')));
    if (!policy) throw notFound('policy');
    ctx.body = { recipients: await payeeSealRecipients(node.view(), node.genesis, policy.dept), department: await deptSealRecipients(node.view(), [policy.dept]) };
  });

  doc('post', '/attachments', 'Upload one application attachment to the policy department\'s node (raw body: application/pdf, image/png or image/jpeg, at most 5 MB); ?policy= names the policy.', ['enterprise']);
  r.post('/attachments', requireRole('enterprise'), async (ctx) => {
    const policyId = parseWith(PolicyId, ctx.query.policy, 'query.policy');
    const policy = await node.view().get<PolicyRecord>(pk.policy(policyId));
    if (!policy) throw notFound('policy');
    if (policy.dept !== node.dept) throw new ChainError('WRONG_NODE', `upload to the node of ${policy.dept}: /${policy.dept}/api/payout/attachments`, { status: 421 });
    const body = await readLimited(ctx.req);
    const type = checkUpload(ctx.get('content-type'), body);
    ctx.status = 201;
    ctx.body = await storeAttachment(node.db, { body, type, owner: currentUser(ctx).id });
  });

  doc('get', '/applications', 'Applications the caller may see: its own (enterprise), its department\'s (policy), those it reviews (expert), all (audit, with ?purpose=, recorded).', ['enterprise', 'policy', 'expert', 'auditor']);
  r.get('/applications', requireRole('enterprise', 'policy', 'expert', 'auditor'), async (ctx) => {
    const p = parseWith(ListQuery, ctx.query, 'query');
    const u = currentUser(ctx);
    const look = auditLook(node, ctx);
    const items = (await q.listApplications(node.db, u, p, p)).map((a) => applicationFor(u, a));
    const auditViewTx = await look?.record(listSubject('payout/applications', ctx.query), items.map((a) => a.code));
    ctx.body = { items, total: await q.countApplications(node.db, u, p), ...(auditViewTx ? { auditViewTx } : {}) };
  });

  doc('get', '/applications/export', 'CSV of the applications the caller may see, under the same filters (?status=, ?policy=, ?q=); an auditor\'s export is a recorded look like the list.', ['policy', 'auditor']);
  r.get('/applications/export', requireRole('policy', 'auditor'), async (ctx) => {
    const p = parseWith(ListQuery, ctx.query, 'query');
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

  doc('get', '/applications/{id}', 'One application with its checks, review and decision (same scope as the list).', ['enterprise', 'policy', 'expert', 'auditor']);
  r.get('/applications/:id', requireRole('enterprise', 'policy', 'expert', 'auditor'), async (ctx) => {
    const u = currentUser(ctx);
    const look = auditLook(node, ctx);
    const a = await q.application(node.db, u, param(ctx, 'id'));
    if (!a) throw notFound('application');
    if (!look) {
      ctx.body = applicationFor(u, a);
      return;
    }
    const auditViewTx = await look.record(`record:${a.id}`, [a.code], [a.id]);
    ctx.body = { ...applicationFor(u, await withAuditShares(node, a.id, a)), auditViewTx };
  });

  doc('post', '/applications/{id}/advance', 'Re-read the privacy answers and move the application on (the node does this by itself when an answer lands).', ['policy']);
  r.post('/applications/:id/advance', requireRole('policy'), async (ctx) => {
    const application = parseWith(ApplicationId, param(ctx, 'id'), 'application');
    const row = await actAs(node, currentUser(ctx).id, 'payout.advance', { application });
    ctx.body = { tx: row.id, events: row.events.map((e) => e.type) };
  });

  doc('post', '/applications/{id}/decision', 'Approve an amount in fen (never above the cap) or reject with reasons.', ['policy'], DecisionBody);
  r.post('/applications/:id/decision', requireRole('policy'), async (ctx) => {
    const application = parseWith(ApplicationId, param(ctx, 'id'), 'application');
    const body = parseWith(DecisionBody, ctx.request.body);
    // the reasons are sealed here, before signing, to the officer's department (the contract holds it to the policy's)
    const reasons = await sealFor(node, [currentUser(ctx).dept], body.reasons, 'the reasons');
    const row = await actAs(node, currentUser(ctx).id, 'payout.decide', { ...body, reasons, application });
    ctx.body = { tx: row.id, award: recordsOf(row).find((k) => k.startsWith('pay/award/'))?.slice('pay/award/'.length) ?? null };
  });

  return r;
}
