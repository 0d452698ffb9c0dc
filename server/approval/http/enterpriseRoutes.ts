import type Router from '@koa/router';
import { z } from 'zod';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser } from '../../http/auth.ts';
import { auditLook, auditLookIfGiven } from '../../http/txReads.ts';
import { withAuditShares } from '../auditShares.ts';
import { EnterpriseRegisterDraft, EnterpriseRotateKeyDraft } from '../schema.ts';
import { sealStaffPayload } from '../staffSeal.ts';
import * as q from '../readModel/queries.ts';
import { STAFF_READERS } from './access.ts';
import { ByIdQuery, EXPORT_LIMIT, PageQuery, sendCsv } from './common.ts';
import { scorePoints } from '../../../shared/money.ts';
import { isAuditor } from '../../chain/readAccess.ts';
import { ChainError } from '../../chain/errors.ts';
import { loadRules } from '../rules.ts';
import { filingSealRecipients } from '../filingSeal.ts';
import { sharePayload } from '../sealSharing.ts';
import { DeptId } from '../../chain/schema.ts';
import { notFound, RouteKit } from '../../http/routeKit.ts';
import { staffAction } from '../../http/staffAction.ts';
import { enterpriseRegister } from '../contracts/enterpriseRegister.ts';
import { enterpriseRotateKey } from '../contracts/enterpriseRotateKey.ts';
import { sealShare } from '../contracts/sealShare.ts';
import { nextCursor } from '../../http/cursor.ts';
import { EnterpriseList } from '../../../shared/wire/responses.ts';

const RotateBody = EnterpriseRotateKeyDraft.omit({ code: true });

/** Registration and key rotation at the one window, and looking enterprises up. */
export function enterpriseRoutes(node: ModulePort): Router {
  /** The one window (一窗受理): clerks of the registration departments keep the filings; a clerk elsewhere is not the window. */
  const isWindowClerk = async (u: { role: string; dept: string }) => u.role === 'clerk' && (await loadRules(node.view(), node.genesis)).registrationDepts.includes(u.dept);
  const r = new RouteKit('/approval');

  // Clerks write plaintext; this node seals it to the departments with a basis before it signs.
  staffAction(r, node, enterpriseRegister, {
    path: '/enterprises',
    summary: 'Register an enterprise and the public key it generated (service-centre clerk, after identity checks).',
    body: EnterpriseRegisterDraft,
    payload: (body) => sealStaffPayload(node, enterpriseRegister.kind, body),
    status: 201,
    respond: (row, body) => ({ code: body.code, tx: row.id }),
  });

  staffAction(r, node, enterpriseRotateKey, {
    path: '/enterprises/:code/keys',
    summary: 'Rotate an enterprise key: the old key stops signing, history is kept (clerk).',
    body: RotateBody,
    from: { code: 'code' },
    payload: (body) => sealStaffPayload(node, enterpriseRotateKey.kind, body),
    respond: (row, body) => ({ code: body.code, tx: row.id }),
  });

  r.get('/enterprises', { summary: 'Find enterprises by name or code prefix: code, name, industry, grade; in code order.', roles: STAFF_READERS, query: ByIdQuery, response: EnterpriseList }, async (ctx, { query: p }) => {
    const { rows: items, next } = nextCursor(await q.searchEnterprises(node.db, p.q, { ...p, limit: p.limit + 1 }), p.limit, (e) => [e.code]);
    ctx.body = { items, next };
  });

  r.get('/enterprises/export', { summary: 'CSV of the enterprises found (?q= name or code prefix), with their filing: name, credit code, industry, filing version, credit grade and score.', roles: STAFF_READERS, query: PageQuery }, async (ctx, { query: p }) => {
    const rows = await q.searchEnterprises(node.db, p.q, { limit: EXPORT_LIMIT, offset: 0 });
    sendCsv(ctx, 'enterprises', ['enterprise', 'code', 'industry', 'filingVersion', 'grade', 'score'], rows.map((e) => [e.name, e.code, e.industry ?? '', e.filingVersion ?? '', e.grade ?? '', e.score === null ? '' : scorePoints(e.score)]));
  });

  r.get('/enterprises/:code', { summary: 'One enterprise; its key history for itself, the one window and audit.', roles: [...STAFF_READERS, 'enterprise'] }, async (ctx, { params }) => {
    const u = currentUser(ctx);
    const code = params.code;
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

  r.get('/filing/sealing', { summary: 'The departments (and their current X25519 keys) a filing\'s contacts and legal representative must be sealed to before the enterprise signs it.', roles: 'public' }, async (ctx) => {
    ctx.body = { recipients: await filingSealRecipients(node.view(), node.genesis) };
  });

  const ShareBody = z.strictObject({ to: DeptId, purpose: z.string().trim().min(1).max(200), app: z.string().regex(/^AP-[0-9]+-[0-9]+$/).optional() });
  staffAction(r, node, sealShare, {
    path: '/filings/:code/share',
    summary: 'Pass the filing\'s sealed contacts to another department with a basis (seal.share); only a department that can read them can.',
    body: ShareBody,
    from: { code: 'code' },
    params: { code: z.string().max(18) },
    payload: async ({ code, to, purpose, app }) => (await sharePayload(node, code as string, to, { purpose, ...(app ? { app } : {}) })) as unknown as Record<string, unknown>,
    respond: (row, body) => ({ tx: row.id, to: body.to }),
  });

  r.get('/filings/:code', { summary: 'The filing (一表申报) with every version; the enterprise itself, the one window and audit. Others use the dossier.', roles: ['enterprise', 'clerk', 'auditor'] }, async (ctx, { params }) => {
    const u = currentUser(ctx);
    const code = z.string().max(18).parse(params.code);
    if (u.role === 'enterprise' && u.id !== code) throw notFound('filing');
    if (u.role === 'clerk' && !(await isWindowClerk(u))) throw new ChainError('FORBIDDEN', 'filings are kept by the one window (registration departments); others use the dossier', { status: 403 });
    const look = auditLook(node, ctx);
    const f = await q.filing(node.db, code);
    if (!f) throw notFound('filing');
    const history = await node.history(`filing/${code}`);
    const auditViewTx = await look?.record(`filing:${code}`, [code]);
    ctx.body = { ...f, ...(auditViewTx ? { auditViewTx } : {}), history: history.map((h) => ({ height: h.height, txId: h.txId, version: (h.new as { version?: number } | null)?.version ?? null })) };
  });

  return r.router;
}
