import type Router from '@koa/router';
import { z } from 'zod';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser } from '../../http/auth.ts';
import { auditLook, listSubject } from '../../http/txReads.ts';
import { withAuditShares } from '../../approval/auditShares.ts';
import { payoutConfig } from '../config.ts';
import { payoutObject } from '../contracts/object.ts';
import { payoutResolve } from '../contracts/resolve.ts';
import { awardFor } from '../readModel/awardView.ts';
import * as q from '../readModel/queries.ts';
import type { AwardRecord } from '../records.ts';
import { AwardId, ObjectDraft, ObjectionId, ResolveDraft } from '../schema.ts';
import { pk } from '../stateKeys.ts';
import { EXPORT_LIMIT, eventOf, sealedToOwnDept, sealFor } from './common.ts';
import { isAuditor } from '../../chain/readAccess.ts';
import { csvFile, csvLine } from '../../../shared/csv.ts';
import { found, notFound, paging, RouteKit } from '../../http/routeKit.ts';
import { staffAction } from '../../http/staffAction.ts';
import { AwardList } from '../../../shared/wire/responses.ts';
import { cursor, nextCursor } from '../../http/cursor.ts';

const ObjectBody = ObjectDraft;
const ResolveBody = ResolveDraft;
const ListQuery = paging(1000, 100).extend({
  policy: z.string().max(24).optional(),
  status: z.string().max(16).optional(),
  code: z.string().max(18).optional(),
  award: z.string().max(24).optional(),
  after: cursor(z.tuple([AwardId])),
});

/** 公示: the published lists, awards, objections and their resolution. */
export function publicityRoutes(node: ModulePort): Router {
  const r = new RouteKit('/payout');

  r.get('/publications', { summary: 'Publication lists (公示) with their periods; ?policy=.', roles: 'signedIn', query: ListQuery }, async (ctx, { query: p }) => {
    ctx.body = { items: await q.publications(node.db, p.policy, p) };
  });

  const financeDept = payoutConfig(node.genesis).financeDept;

  r.get(
    '/awards',
    {
      summary:
        'Awards: published ones for everyone; approved but unpublished ones for the department, finance and audit (an enterprise: its own). Payee, payments and failure reasons only to the enterprise itself, the finance office and an auditor who gives ?purpose= (recorded).',
      roles: 'signedIn',
      query: ListQuery,
      response: AwardList,
    },
    async (ctx, { query: p }) => {
    const u = currentUser(ctx);
    // an auditor's list holds unpublished awards and every payee: a look across departments
    const look = auditLook(node, ctx);
    const { rows: items, next } = nextCursor(await q.listAwards(node.db, u, p, { ...p, limit: p.limit + 1 }), p.limit, (a) => [a.id]);
    const auditViewTx = await look?.record(listSubject('payout/awards', ctx.query), items.map((a) => a.code));
    ctx.body = { items: items.map((a) => awardFor(u, a, financeDept, !!auditViewTx)), next, ...(auditViewTx ? { auditViewTx } : {}) };
    },
  );

  r.get('/awards/export', { summary: 'CSV of the awards under the same filters (?policy=, ?status=, ?code=): enterprise name, credit code, policy title, award, amount in fen, status; never the payee. An auditor\'s export is a recorded look like the list.', roles: ['policy', 'finance', 'auditor'], query: ListQuery }, async (ctx, { query: p, user }) => {
    const look = auditLook(node, ctx);
    const items = await q.listAwards(node.db, user, p, { limit: EXPORT_LIMIT, offset: 0 });
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

  staffAction(r, node, payoutObject, {
    path: '/awards/:id/objections',
    summary: 'Object to a published award with reasons, during its period (staff; an enterprise signs payout.object itself at /tx).',
    body: ObjectBody,
    from: { id: 'award' },
    params: { id: AwardId },
    // sealed here, before signing, to the department that resolves it (the contract checks to whom)
    payload: async (body) => {
      const rec = found(await node.view().get<AwardRecord>(pk.award(body.award as string)), 'award');
      return { ...body, reasons: await sealFor(node, [rec.dept], body.reasons, 'the reasons') };
    },
    status: 201,
    respond: (row) => ({ objection: eventOf(row, 'payout.objected')?.objection, tx: row.id }),
  });

  r.get('/objections', { summary: 'Objections and how they were resolved; ?award= or ?policy=, ?status=.', roles: ['policy', 'auditor', 'finance'], query: ListQuery }, async (ctx, { query: p }) => {
    const look = auditLook(node, ctx);
    const items = await q.objectionsOf(node.db, p, p);
    const auditViewTx = await look?.record(listSubject('payout/objections', ctx.query), look ? await q.awardCodes(node.db, items.map((o) => o.award)) : []);
    ctx.body = { items, ...(auditViewTx ? { auditViewTx } : {}) };
  });

  staffAction(r, node, payoutResolve, {
    path: '/objections/:id/resolve',
    summary: 'Dismiss an objection, or uphold it by withdrawing the award or changing its amount (republished for a full period).',
    body: ResolveBody,
    from: { id: 'objection' },
    params: { id: ObjectionId },
    payload: sealedToOwnDept(node, 'reasons', 'the reasons'),
  });

  r.get('/awards/:id', { summary: 'One award with its history; payee and payments as for the list (an auditor: ?purpose=, recorded).', roles: 'signedIn' }, async (ctx, { params }) => {
    const look = auditLook(node, ctx);
    const a = await q.award(node.db, params.id);
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

  return r.router;
}
