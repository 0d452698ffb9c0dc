import Router from '@koa/router';
import { z } from 'zod';
import type { ChainNode } from '../../chain/node.ts';
import { currentUser, requireRole } from '../../http/auth.ts';
import { EnterpriseRegister, EnterpriseRotateKey } from '../schema.ts';
import * as q from '../readModel/queries.ts';
import { notFound, STAFF_READERS } from './access.ts';
import { doc, PageQuery, param } from './common.ts';
import { actAs } from '../../chain/preflight.ts';
import { isAuditor } from '../../chain/readAccess.ts';
import { ChainError } from '../../chain/errors.ts';
import { loadRules } from '../rules.ts';

const RotateBody = EnterpriseRotateKey.omit({ code: true });

/** Registration and key rotation at the one window, and looking enterprises up. */
export function enterpriseRoutes(node: ChainNode): Router {
  /** The one window (一窗受理): clerks of the registration departments keep the filings; a clerk elsewhere is not the window. */
  const isWindowClerk = async (u: { role: string; dept: string }) => u.role === 'clerk' && (await loadRules(node.view(), node.genesis)).registrationDepts.includes(u.dept);
  const r = new Router({ prefix: '/approval' });

  doc('post', '/enterprises', 'Register an enterprise and the public key it generated (service-centre clerk, after identity checks).', ['clerk'], EnterpriseRegister);
  r.post('/enterprises', requireRole('clerk'), async (ctx) => {
    const body = EnterpriseRegister.parse(ctx.request.body);
    const row = await actAs(node, currentUser(ctx).id, 'enterprise.register', body);
    ctx.status = 201;
    ctx.body = { code: body.code, tx: row.id };
  });

  doc('post', '/enterprises/{code}/keys', 'Rotate an enterprise key: the old key stops signing, history is kept (clerk).', ['clerk'], RotateBody);
  r.post('/enterprises/:code/keys', requireRole('clerk'), async (ctx) => {
    const body = RotateBody.parse(ctx.request.body);
    const row = await actAs(node, currentUser(ctx).id, 'enterprise.rotateKey', { ...body, code: param(ctx, 'code') });
    ctx.body = { code: param(ctx, 'code'), tx: row.id };
  });

  doc('get', '/enterprises', 'Find enterprises by name or code prefix: code, name, industry, grade.', STAFF_READERS);
  r.get('/enterprises', requireRole(...STAFF_READERS), async (ctx) => {
    const p = PageQuery.parse(ctx.query);
    ctx.body = { items: await q.searchEnterprises(node.db, p.q, p) };
  });

  doc('get', '/enterprises/{code}', 'One enterprise; its key history for itself, the one window and audit.', [...STAFF_READERS, 'enterprise']);
  r.get('/enterprises/:code', requireRole(...STAFF_READERS, 'enterprise'), async (ctx) => {
    const u = currentUser(ctx);
    const code = param(ctx, 'code');
    if (u.role === 'enterprise' && u.id !== code) throw notFound('enterprise');
    const e = await q.enterprise(node.db, code);
    if (!e) throw notFound('enterprise');
    const full = u.role === 'enterprise' || (await isWindowClerk(u)) || isAuditor(u);
    ctx.body = full ? e : { code: e.code, name: e.name, status: e.status, registeredAt: e.registeredAt };
  });

  doc('get', '/filings/{code}', 'The filing (一表申报) with every version; the enterprise itself, the one window and audit. Others use the dossier.', ['enterprise', 'clerk', 'auditor']);
  r.get('/filings/:code', requireRole('enterprise', 'clerk', 'auditor'), async (ctx) => {
    const u = currentUser(ctx);
    const code = z.string().max(18).parse(param(ctx, 'code'));
    if (u.role === 'enterprise' && u.id !== code) throw notFound('filing');
    if (u.role === 'clerk' && !(await isWindowClerk(u))) throw new ChainError('FORBIDDEN', 'filings are kept by the one window (registration departments); others use the dossier', { status: 403 });
    const f = await q.filing(node.db, code);
    if (!f) throw notFound('filing');
    const history = await node.store.history(`filing/${code}`);
    ctx.body = { ...f, history: history.map((h) => ({ height: h.height, txId: h.txId, version: (h.new as { version?: number } | null)?.version ?? null })) };
  });

  return r;
}
