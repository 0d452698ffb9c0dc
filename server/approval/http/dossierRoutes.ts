import type Router from '@koa/router';
import type { Context } from 'koa';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser } from '../../http/auth.ts';
import { auditLook } from '../../http/txReads.ts';
import { loadWeights } from '../credit/weights.ts';
import type { PrivacyPort } from '../privacy.ts';
import { buildDossier } from '../readModel/dossier.ts';
import * as q from '../readModel/queries.ts';
import { sectionsFor, STAFF_READERS } from './access.ts';
import { Purpose } from './common.ts';
import { notFound, pathParam, RouteKit } from '../../http/routeKit.ts';

/**
 * The one-click dossier (一键调取) and the credit score. A staff member's dossier view is put on
 * the ordering log (signed by the node for that person, with the purpose) before the dossier
 * is returned: once appended it is ordered and will be in a block, and the request need not
 * wait for one. An enterprise reading its own dossier is not a look at someone else and is
 * not recorded.
 */
export function dossierRoutes(node: ModulePort, privacy: PrivacyPort): Router {
  const r = new RouteKit('/approval');
  const now = () => node.headTime();

  async function dossier(ctx: Context) {
    const u = currentUser(ctx);
    const code = pathParam(ctx, 'code');
    const sections = sectionsFor(u, code);
    const purpose = u.role === 'enterprise' ? undefined : Purpose.parse(ctx.query).purpose;
    if (!(await q.enterprise(node.db, code))) throw notFound('enterprise');
    let viewTx: string | undefined;
    if (purpose) viewTx = (await node.submit(node.signAs(u.id, 'dossier.view', { code, purpose, sections }))).id;
    const body = await buildDossier(node.db, code, sections, u, privacy, await now());
    if (!body) throw notFound('enterprise');
    return { ...body, viewTx: viewTx ?? null };
  }

  r.get('/dossier/:code', { summary: 'An enterprise\'s cross-department dossier, cut to what the caller may see. Staff must give ?purpose=; the view is recorded on the chain.', roles: [...STAFF_READERS, 'enterprise'] }, async (ctx) => {
    ctx.body = await dossier(ctx);
  });

  r.get('/dossier/:code/export', { summary: 'The same dossier as a JSON file to keep with a case file (recorded like a view).', roles: [...STAFF_READERS, 'enterprise'] }, async (ctx, { params }) => {
    const body = await dossier(ctx);
    ctx.set('content-disposition', `attachment; filename="dossier-${params.code}.json"`);
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = JSON.stringify(body, null, 2);
  });

  r.get('/credit/weights', { summary: 'Credit weights and grade bands in force (basis points) and their version.', roles: 'signedIn' }, async (ctx) => {
    ctx.body = await loadWeights(node.view(), node.genesis);
  });

  r.get('/credit/:code', { summary: 'An enterprise\'s score with its breakdown and history: the enterprise itself and audit (others: the dossier).', roles: ['enterprise', 'auditor'] }, async (ctx, { params }) => {
    const u = currentUser(ctx);
    const code = params.code;
    if (u.role === 'enterprise' && u.id !== code) throw notFound('enterprise');
    const look = auditLook(node, ctx);
    const s = await q.credit(node.db, code);
    if (!s) throw notFound('enterprise');
    const history = await q.creditHistory(node.db, code, 100);
    const auditViewTx = await look?.record(`credit:${code}`, [code]);
    ctx.body = { ...s, ...(auditViewTx ? { auditViewTx } : {}), history };
  });

  return r.router;
}
