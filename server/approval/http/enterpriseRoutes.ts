import Router from '@koa/router';
import { z } from 'zod';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser, requireRole } from '../../http/auth.ts';
import { auditLook, auditLookIfGiven } from '../../http/txReads.ts';
import { withAuditShares } from '../auditShares.ts';
import { EnterpriseRegisterDraft, EnterpriseRotateKeyDraft } from '../schema.ts';
import { sealStaffPayload } from '../staffSeal.ts';
import * as q from '../readModel/queries.ts';
import { notFound, STAFF_READERS } from './access.ts';
import { doc, EXPORT_LIMIT, PageQuery, param, sendCsv } from './common.ts';
import { scorePoints } from '../../../shared/money.ts';
import { actAs } from '../../chain/modulePort.ts';
import { isAuditor } from '../../chain/readAccess.ts';
import { ChainError } from '../../chain/errors.ts';
import { loadRules } from '../rules.ts';
import { filingSealRecipients } from '../filingSeal.ts';
import { sharePayload } from '../sealSharing.ts';
import { DeptId } from '../../chain/schema.ts';

const RotateBody = EnterpriseRotateKeyDraft.omit({ code: true });

/** Registration and key rotation at the one window, and looking enterprises up. */
export function enterpriseRoutes(node: ModulePort): Router {
  /** The one window (一窗受理): clerks of the registration departments keep the filings; a clerk elsewhere is not the window. */
  const isWindowClerk = async (u: { role: string; dept: string }) => u.role === 'clerk' && (await loadRules(node.view(), node.genesis)).registrationDepts.includes(u.dept);
  const r = new Router({ prefix: '/approval' });

  doc('post', '/enterprises', 'Register an enterprise and the public key it generated (service-centre clerk, after identity checks).', ['clerk'], EnterpriseRegisterDraft);
  r.post('/enterprises', requireRole('clerk'), async (ctx) => {
    const body = EnterpriseRegisterDraft.parse(ctx.request.body);
    const row = await actAs(node, currentUser(ctx).id, 'enterprise.register', await sealStaffPayload(node, 'enterprise.register', body));
    ctx.status = 201;
    ctx.body = { code: body.code, tx: row.id };
  });

  doc('post', '/enterprises/{code}/keys', 'Rotate an enterprise key: the old key stops signing, history is kept (clerk).', ['clerk'], RotateBody);
  r.post('/enterprises/:code/keys', requireRole('clerk'), async (ctx) => {
    const body = RotateBody.parse(ctx.request.body);
    const row = await actAs(node, currentUser(ctx).id, 'enterprise.rotateKey', await sealStaffPayload(node, 'enterprise.rotateKey', { ...body, code: param(ctx, 'code') }));
    ctx.body = { code: param(ctx, 'code'), tx: row.id };
  });

  doc('get', '/enterprises', 'Find enterprises by name or code prefix: code, name, industry, grade.', STAFF_READERS);
  r.get('/enterprises', requireRole(...STAFF_READERS), async (ctx) => {
    const p = PageQuery.parse(ctx.query);
    ctx.body = { items: await q.searchEnterprises(node.db, p.q, p) };
  });

  doc('get', '/enterprises/export', 'CSV of the enterprises found (?q= name or code prefix), with their filing: name, credit code, industry, filing version, credit grade and score.', STAFF_READERS);
  r.get('/enterprises/export', requireRole(...STAFF_READERS), async (ctx) => {
    const p = PageQuery.parse(ctx.query);
    const rows: { code: string; name: string; industry: string | null; filingVersion: number | null; grade: string | null; score: number | null }[] = await q.searchEnterprises(node.db, p.q, { limit: EXPORT_LIMIT, offset: 0 });
    sendCsv(ctx, 'enterprises', ['enterprise', 'code', 'industry', 'filingVersion', 'grade', 'score'], rows.map((e) => [e.name, e.code, e.industry ?? '', e.filingVersion ?? '', e.grade ?? '', e.score === null ? '' : scorePoints(e.score)]));
  });

  doc('get', '/enterprises/{code}', 'One enterprise; its key history for itself, the one window and audit.', [...STAFF_READERS, 'enterprise']);
  r.get('/enterprises/:code', requireRole(...STAFF_READERS, 'enterprise'), async (ctx) => {
    const u = currentUser(ctx);
    const code = param(ctx, 'code');
    if (u.role === 'enterprise' && u.id !== code) throw notFound('enterprise');
    const e = await q.enterprise(node.db, code);
    if (!e) throw notFound('enterprise');
    const brief = { code: e.code, name: e.name, status: e.status, registeredAt: e.registeredAt };
    if (isAuditor(u)) {
      // the key history is the one window's record: an auditor gives a purpose for it, recorded
      const look = auditLookIfGiven(node, ctx);
      if (!look) {
        ctx.body = { ...brief, needsPurpose: true };
        return;
      }
      const auditViewTx = await look.record(`record:${e.code}`, [e.code], [e.code]);
      ctx.body = { ...(await withAuditShares(node, e.code, e)), auditViewTx };
      return;
    }
    const full = u.role === 'enterprise' || (await isWindowClerk(u));
    ctx.body = full ? e : brief;
  });

  doc('get', '/filing/sealing', 'The departments (and their current X25519 keys) a filing\'s contacts and legal representative must be sealed to before the enterprise signs it.', []);
  r.get('/filing/sealing', async (ctx) => {
    ctx.body = { recipients: await filingSealRecipients(node.view(), node.genesis) };
  });

  const ShareBody = z.strictObject({ to: DeptId, purpose: z.string().trim().min(1).max(200), app: z.string().regex(/^AP-[0-9]+-[0-9]+$/).optional() });
  const SHARERS = ['clerk', 'approver', 'inspector', 'enforcer', 'admin'] as const;
  doc('post', '/filings/{code}/share', 'Pass the filing\'s sealed contacts to another department with a basis (seal.share); only a department that can read them can.', [...SHARERS], ShareBody);
  r.post('/filings/:code/share', requireRole(...SHARERS), async (ctx) => {
    const body = ShareBody.parse(ctx.request.body);
    const payload = await sharePayload(node, z.string().max(18).parse(param(ctx, 'code')), body.to, { purpose: body.purpose, ...(body.app ? { app: body.app } : {}) });
    const row = await actAs(node, currentUser(ctx).id, 'seal.share', payload as unknown as Record<string, unknown>);
    ctx.body = { tx: row.id, to: body.to };
  });

  doc('get', '/filings/{code}', 'The filing (一表申报) with every version; the enterprise itself, the one window and audit. Others use the dossier.', ['enterprise', 'clerk', 'auditor']);
  r.get('/filings/:code', requireRole('enterprise', 'clerk', 'auditor'), async (ctx) => {
    const u = currentUser(ctx);
    const code = z.string().max(18).parse(param(ctx, 'code'));
    if (u.role === 'enterprise' && u.id !== code) throw notFound('filing');
    if (u.role === 'clerk' && !(await isWindowClerk(u))) throw new ChainError('FORBIDDEN', 'filings are kept by the one window (registration departments); others use the dossier', { status: 403 });
    const look = auditLook(node, ctx);
    const f = await q.filing(node.db, code);
    if (!f) throw notFound('filing');
    const history = await node.history(`filing/${code}`);
    const auditViewTx = await look?.record(`filing:${code}`, [code]);
    ctx.body = { ...f, ...(auditViewTx ? { auditViewTx } : {}), history: history.map((h) => ({ height: h.height, txId: h.txId, version: (h.new as { version?: number } | null)?.version ?? null })) };
  });

  return r;
}
