import Router from '@koa/router';
import { z } from 'zod';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser, requireRole } from '../../http/auth.ts';
import { candidatesFor, policiesFor } from '../readModel/matching.ts';
import * as q from '../readModel/queries.ts';
import { PolicyId, PolicyPublish } from '../schema.ts';
import { actAs, doc, eventOf, notFound, param, parseWith } from './common.ts';

const Page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  open: z.enum(['true', 'false']).optional(),
  dept: z.string().max(32).optional(),
});

/** Publishing policies, finding enterprises they fit (政策找企业) and policies an enterprise may qualify for. */
export function policyRoutes(node: ModulePort): Router {
  const r = new Router({ prefix: '/payout' });

  doc('post', '/policies', 'Publish a policy (惠企政策), or a new version of one (supersedes). Immutable once published.', ['policy'], PolicyPublish);
  r.post('/policies', requireRole('policy'), async (ctx) => {
    const body = parseWith(PolicyPublish, ctx.request.body);
    const row = await actAs(node, currentUser(ctx).id, 'payout.publish', body as Record<string, unknown>);
    ctx.status = 201;
    ctx.body = { policy: eventOf(row, 'payout.published')?.policy, tx: row.id };
  });

  doc('get', '/policies', 'Published policies with their budget ledgers, newest first; ?open=true for those taking applications now (block time).');
  r.get('/policies', requireRole(), async (ctx) => {
    const p = parseWith(Page, ctx.query, 'query');
    const openAt = p.open === 'true' ? await node.headTime() : undefined;
    ctx.body = { items: await q.listPolicies(node.db, { dept: p.dept, openAt }, p) };
  });

  doc('get', '/policies/{id}', 'One policy with its budget ledger and its successor version, if any.');
  r.get('/policies/:id', requireRole(), async (ctx) => {
    const p = await q.policy(node.db, param(ctx, 'id'));
    if (!p) throw notFound('policy');
    ctx.body = { ...p, ledger: await q.ledger(node.db, p.id) };
  });

  doc('get', '/policies/{id}/candidates', '政策找企业: enterprises the policy fits on grade, industry and region (from their filings), not yet applied.', ['policy']);
  r.get('/policies/:id/candidates', requireRole('policy'), async (ctx) => {
    const p = await q.policy(node.db, param(ctx, 'id'));
    if (!p || p.dept !== currentUser(ctx).dept) throw notFound('policy');
    const { limit } = parseWith(Page, ctx.query, 'query');
    ctx.body = { policy: p.id, items: await candidatesFor(node.db, p, limit) };
  });

  doc('get', '/eligible', 'For an enterprise: open policies, whether it fits their known rules, what will be asked, and whether it applied.', ['enterprise']);
  r.get('/eligible', requireRole('enterprise'), async (ctx) => {
    ctx.body = { items: await policiesFor(node.db, currentUser(ctx).id, await node.headTime()) };
  });

  doc('post', '/policies/{id}/publicise', '公示: publish every approved award of the policy for its publication period.', ['policy']);
  r.post('/policies/:id/publicise', requireRole('policy'), async (ctx) => {
    const policy = parseWith(PolicyId, param(ctx, 'id'), 'policy');
    const row = await actAs(node, currentUser(ctx).id, 'payout.publicise', { policy });
    const ev = eventOf(row, 'payout.publicised');
    ctx.status = 201;
    ctx.body = { publication: ev?.publication, awards: ev?.awards, endsAt: ev?.endsAt, tx: row.id };
  });

  doc('post', '/policies/{id}/release', 'Make every award whose publication period has ended with no open objection payable (reserved against the budget).', ['policy', 'finance']);
  r.post('/policies/:id/release', requireRole('policy', 'finance'), async (ctx) => {
    const policy = parseWith(PolicyId, param(ctx, 'id'), 'policy');
    const row = await actAs(node, currentUser(ctx).id, 'payout.release', { policy });
    ctx.body = { released: eventOf(row, 'payout.released')?.awards, tx: row.id };
  });

  return r;
}
