import Router from '@koa/router';
import { z } from 'zod';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser, requireRole } from '../../http/auth.ts';
import { auditLook, listSubject } from '../../http/txReads.ts';
import { withAuditShares } from '../../approval/auditShares.ts';
import { payoutConfig } from '../config.ts';
import { OBJECTOR_ROLES } from '../contracts/object.ts';
import { awardFor } from '../readModel/awardView.ts';
import * as q from '../readModel/queries.ts';
import type { AwardRecord } from '../records.ts';
import { AwardId, ObjectDraft, ObjectionId, ResolveDraft } from '../schema.ts';
import { pk } from '../stateKeys.ts';
import { actAs, doc, EXPORT_LIMIT, eventOf, notFound, param, parseWith, sealFor } from './common.ts';
import { isAuditor } from '../../chain/readAccess.ts';
import { csvFile, csvLine } from '../../../shared/csv.ts';

const ObjectBody = ObjectDraft;
const ResolveBody = ResolveDraft;
const STAFF = OBJECTOR_ROLES.filter((r) => r !== 'enterprise');
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  policy: z.string().max(24).optional(),
  status: z.string().max(16).optional(),
  code: z.string().max(18).optional(),
  award: z.string().max(24).optional(),
});

/** 公示: the published lists, awards, objections and their resolution. */
export function publicityRoutes(node: ModulePort): Router {
  const r = new Router({ prefix: '/payout' });

  doc('get', '/publications', 'Publication lists (公示) with their periods; ?policy=.');
  r.get('/publications', requireRole(), async (ctx) => {
    const p = parseWith(ListQuery, ctx.query, 'query');
    ctx.body = { items: await q.publications(node.db, p.policy, p) };
  });

  const financeDept = payoutConfig(node.genesis).financeDept;

  doc(
    'get',
    '/awards',
    'Awards: published ones for everyone; approved but unpublished ones for the department, finance and audit (an enterprise: its own). Payee, payments and failure reasons only to the enterprise itself, the finance office and an auditor who gives ?purpose= (recorded).',
  );
  r.get('/awards', requireRole(), async (ctx) => {
    const p = parseWith(ListQuery, ctx.query, 'query');
    const u = currentUser(ctx);
    // an auditor's list holds unpublished awards and every payee: a look across departments
    const look = auditLook(node, ctx);
    const items = await q.listAwards(node.db, u, p, p);
    const auditViewTx = await look?.record(listSubject('payout/awards', ctx.query), items.map((a) => a.code));
    ctx.body = { items: items.map((a) => awardFor(u, a, financeDept, !!auditViewTx)), ...(auditViewTx ? { auditViewTx } : {}) };
  });

  doc('get', '/awards/export', 'CSV of the awards under the same filters (?policy=, ?status=, ?code=): enterprise name, credit code, policy title, award, amount in fen, status; never the payee. An auditor\'s export is a recorded look like the list.', ['policy', 'finance', 'auditor']);
  r.get('/awards/export', requireRole('policy', 'finance', 'auditor'), async (ctx) => {
    const p = parseWith(ListQuery, ctx.query, 'query');
    const look = auditLook(node, ctx);
    const items = await q.listAwards(node.db, currentUser(ctx), p, { limit: EXPORT_LIMIT, offset: 0 });
    await look?.record(listSubject('payout/awards/export', ctx.query), items.map((a) => a.code));
    const titles = new Map<string, string>();
    for (const id of new Set(items.map((a) => a.policy))) titles.set(id, (await q.policy(node.db, id))?.title ?? '');
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('content-disposition', 'attachment; filename="policy-awards.csv"');
    ctx.body = csvFile([
      csvLine(['enterprise', 'code', 'policyTitle', 'policy', 'award', 'amountFen', 'status']),
      ...items.map((a) => csvLine([a.enterpriseName, a.code, titles.get(a.policy), a.policy, a.id, a.amountFen, a.status])),
    ]);
  });

  doc('post', '/awards/{id}/objections', 'Object to a published award with reasons, during its period (staff; an enterprise signs payout.object itself at /payout/tx).', [...STAFF], ObjectBody);
  r.post('/awards/:id/objections', requireRole(...STAFF), async (ctx) => {
    const award = parseWith(AwardId, param(ctx, 'id'), 'award');
    const body = parseWith(ObjectBody, ctx.request.body);
    // sealed here, before signing, to the department that resolves it (the contract checks to whom)
    const rec = await node.view().get<AwardRecord>(pk.award(award));
    if (!rec) throw notFound('award');
    const reasons = await sealFor(node, [rec.dept], body.reasons, 'the reasons');
    const row = await actAs(node, currentUser(ctx).id, 'payout.object', { ...body, reasons, award });
    ctx.status = 201;
    ctx.body = { objection: eventOf(row, 'payout.objected')?.objection, tx: row.id };
  });

  doc('get', '/objections', 'Objections and how they were resolved; ?award= or ?policy=, ?status=.', ['policy', 'auditor', 'finance']);
  r.get('/objections', requireRole('policy', 'auditor', 'finance'), async (ctx) => {
    const p = parseWith(ListQuery, ctx.query, 'query');
    const look = auditLook(node, ctx);
    const items = await q.objectionsOf(node.db, p, p);
    const auditViewTx = await look?.record(listSubject('payout/objections', ctx.query), look ? await q.awardCodes(node.db, items.map((o) => o.award)) : []);
    ctx.body = { items, ...(auditViewTx ? { auditViewTx } : {}) };
  });

  doc('post', '/objections/{id}/resolve', 'Dismiss an objection, or uphold it by withdrawing the award or changing its amount (republished for a full period).', ['policy'], ResolveBody);
  r.post('/objections/:id/resolve', requireRole('policy'), async (ctx) => {
    const objection = parseWith(ObjectionId, param(ctx, 'id'), 'objection');
    const body = parseWith(ResolveBody, ctx.request.body);
    const reasons = await sealFor(node, [currentUser(ctx).dept], body.reasons, 'the reasons');
    const row = await actAs(node, currentUser(ctx).id, 'payout.resolve', { ...body, reasons, objection });
    ctx.body = { tx: row.id };
  });

  doc('get', '/awards/{id}', 'One award with its history; payee and payments as for the list (an auditor: ?purpose=, recorded).');
  r.get('/awards/:id', requireRole(), async (ctx) => {
    const look = auditLook(node, ctx);
    const a = await q.award(node.db, param(ctx, 'id'));
    if (!a) throw notFound('award');
    const u = currentUser(ctx);
    const insider = isAuditor(u) || u.role === 'finance' || (u.role === 'policy' && u.dept === a.dept) || (u.role === 'enterprise' && u.id === a.code);
    if (a.status === 'approved' && !insider) throw notFound('award');
    if (!look) {
      ctx.body = awardFor(u, a, financeDept, false);
      return;
    }
    const auditViewTx = await look.record(`record:${a.id}`, [a.code], [a.id]);
    ctx.body = { ...awardFor(u, await withAuditShares(node, a.id, a), financeDept, true), auditViewTx };
  });

  return r;
}
