import type Router from '@koa/router';
import { z } from 'zod';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser } from '../../http/auth.ts';
import { notFound, paging, RouteKit } from '../../http/routeKit.ts';
import { staffAction } from '../../http/staffAction.ts';
import { payoutPublicise } from '../contracts/publicise.ts';
import { payoutPublish } from '../contracts/publish.ts';
import { payoutRelease } from '../contracts/release.ts';
import { candidatesFor, policiesFor } from '../readModel/matching.ts';
import * as q from '../readModel/queries.ts';
import { PolicyId } from '../schema.ts';
import { eventOf } from './common.ts';
import { PolicyList } from '../../../shared/wire/responses.ts';

const Page = paging(200, 50).extend({
  open: z.enum(['true', 'false']).optional(),
  dept: z.string().max(32).optional(),
});

/** Publishing policies, finding enterprises they fit (政策找企业) and policies an enterprise may qualify for. */
export function policyRoutes(node: ModulePort): Router {
  const r = new RouteKit('/payout');

  staffAction(r, node, payoutPublish, {
    path: '/policies',
    summary: 'Publish a policy (惠企政策), or a new version of one (supersedes). Immutable once published.',
    status: 201,
    respond: (row) => ({ policy: eventOf(row, 'payout.published')?.policy, tx: row.id }),
  });

  r.get('/policies', { summary: 'Published policies with their budget ledgers, newest first; ?open=true for those taking applications now (block time).', roles: 'signedIn', query: Page, response: PolicyList }, async (ctx, { query: p }) => {
    const openAt = p.open === 'true' ? await node.headTime() : undefined;
    ctx.body = { items: await q.listPolicies(node.db, { dept: p.dept, openAt }, p) };
  });

  r.get('/policies/:id', { summary: 'One policy with its budget ledger and its successor version, if any.', roles: 'signedIn' }, async (ctx, { params }) => {
    const p = await q.policy(node.db, params.id);
    if (!p) throw notFound('policy');
    ctx.body = { ...p, ledger: await q.ledger(node.db, p.id) };
  });

  r.get('/policies/:id/candidates', { summary: '政策找企业: enterprises the policy fits on grade, industry and region (from their filings), not yet applied.', roles: ['policy'], query: Page }, async (ctx, { params, query: { limit } }) => {
    const p = await q.policy(node.db, params.id);
    if (!p || p.dept !== currentUser(ctx).dept) throw notFound('policy');
    ctx.body = { policy: p.id, items: await candidatesFor(node.db, p, limit) };
  });

  r.get('/eligible', { summary: 'For an enterprise: open policies, whether it fits their known rules, what will be asked, and whether it applied.', roles: ['enterprise'] }, async (ctx) => {
    ctx.body = { items: await policiesFor(node.db, currentUser(ctx).id, await node.headTime()) };
  });

  staffAction(r, node, payoutPublicise, {
    path: '/policies/:id/publicise',
    summary: '公示: publish every approved award of the policy for its publication period.',
    from: { id: 'policy' },
    params: { id: PolicyId },
    status: 201,
    respond: (row) => {
      const ev = eventOf(row, 'payout.publicised');
      return { publication: ev?.publication, awards: ev?.awards, endsAt: ev?.endsAt, tx: row.id };
    },
  });

  staffAction(r, node, payoutRelease, {
    path: '/policies/:id/release',
    summary: 'Make every award whose publication period has ended with no open objection payable (reserved against the budget).',
    from: { id: 'policy' },
    params: { id: PolicyId },
    respond: (row) => ({ released: eventOf(row, 'payout.released')?.awards, tx: row.id }),
  });

  return r.router;
}
