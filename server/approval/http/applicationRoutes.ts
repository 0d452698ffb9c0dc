import Router from '@koa/router';
import { ChainError } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { publicTx } from '../../chain/http/chainRoutes.ts';
import { currentUser, requireRole } from '../../http/auth.ts';
import { csvFile, csvLine } from '../../../shared/csv.ts';
import { auditLook, listSubject } from '../../http/txReads.ts';
import { withAuditShares } from '../auditShares.ts';
import { ENTERPRISE_KINDS } from '../contracts/index.ts';
import { SHIPPED_PROCESSES, type ProcessDef } from '../processes.ts';
import * as q from '../readModel/queries.ts';
import { ApprovalDecideDraft, LicenceRevoke, Material } from '../schema.ts';
import { appSealRecipients, processSealRecipients, sealStaffPayload } from '../staffSeal.ts';
import { ak } from '../stateKeys.ts';
import { notFound } from './access.ts';
import { doc, EXPORT_LIMIT, PageQuery, param, sendCsv } from './common.ts';
import { requireStored } from './materialsStore.ts';
import { actAs, recordsOf } from '../../chain/modulePort.ts';

const DecisionBody = ApprovalDecideDraft.omit({ app: true, stage: true });
const RevokeBody = LicenceRevoke.omit({ licence: true });
const APP_READERS = ['enterprise', 'approver', 'inspector', 'enforcer', 'auditor', 'clerk'] as const;

/** Enterprise-signed submissions, approval processes, applications and decisions. */
export function applicationRoutes(node: ModulePort): Router {
  const r = new Router({ prefix: '/approval' });
  const now = () => node.headTime();

  doc('post', '/tx', `Submit a transaction the enterprise signed in its browser (${ENTERPRISE_KINDS.join(', ')}). Checked against state before ordering; waits for the receipt.`);
  r.post('/tx', async (ctx) => {
    const raw = ctx.request.body as { kind?: unknown; payload?: { materials?: unknown } } | undefined;
    if (!raw || !ENTERPRISE_KINDS.includes(raw.kind as (typeof ENTERPRISE_KINDS)[number])) {
      throw new ChainError('WRONG_KIND', `this endpoint takes only ${ENTERPRISE_KINDS.join(', ')}; staff actions have their own routes`);
    }
    const materials = Material.array().safeParse(raw.payload?.materials ?? []);
    if (materials.success) await requireStored(node.db, materials.data);
    const row = await node.submitChecked(raw);
    ctx.body = { id: row.id, records: recordsOf(row), receipt: publicTx(row) };
  });

  doc('get', '/processes', 'Approval process definitions in force (phases, stages, departments, deadlines, checks).');
  r.get('/processes', requireRole(), async (ctx) => {
    const view = node.view();
    const out: ProcessDef[] = [];
    for (const p of SHIPPED_PROCESSES) out.push((await view.get<ProcessDef>(ak.process(p.id))) ?? p);
    ctx.body = { items: out };
  });

  doc('get', '/processes/{id}/sealing', 'The departments (and their current X25519 keys) an application\'s investment and description must be sealed to before the enterprise signs it: every stage department of the process.', ['enterprise']);
  r.get('/processes/:id/sealing', requireRole('enterprise'), async (ctx) => {
    ctx.body = { recipients: await processSealRecipients(node.view(), node.genesis, param(ctx, 'id')) };
  });

  doc('get', '/applications/export', 'CSV of the applications the caller may list.', [...APP_READERS]);
  r.get('/applications/export', requireRole(...APP_READERS), async (ctx) => {
    const p = PageQuery.parse({ limit: 200, ...ctx.query });
    const look = auditLook(node, ctx);
    const apps = await q.listApplications(node.db, currentUser(ctx), p, p);
    await look?.record(listSubject('approval/applications/export', ctx.query), apps.map((a) => a.code));
    const lines = apps.map((a) => csvLine([a.id, a.code, a.processName, a.project.name, a.status, new Date(a.submittedAt).toISOString(), a.stages.filter((s) => s.status === 'open').map((s) => s.name).join('/')]));
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('content-disposition', 'attachment; filename="applications.csv"');
    ctx.body = csvFile(['id,code,process,project,status,submitted,openStages', ...lines]);
  });

  doc('get', '/applications/{id}/sealing', 'The departments (and their current X25519 keys) a supplement\'s note and its materials\' names must be sealed to before the enterprise signs it: every stage department of its application.', ['enterprise']);
  r.get('/applications/:id/sealing', requireRole('enterprise'), async (ctx) => {
    const app = await q.application(node.db, param(ctx, 'id'));
    if (!app || app.code !== currentUser(ctx).id) throw notFound('application');
    ctx.body = { recipients: await appSealRecipients(node.view(), node.genesis, app.id) };
  });

  doc('get', '/applications', 'Applications the caller may list: its own, those with a stage of its department, or all (the one window; audit with ?purpose=, recorded as audit.view).', [...APP_READERS]);
  r.get('/applications', requireRole(...APP_READERS), async (ctx) => {
    const p = PageQuery.parse(ctx.query);
    const look = auditLook(node, ctx);
    const items = await q.listApplications(node.db, currentUser(ctx), p, p);
    const auditViewTx = await look?.record(listSubject('approval/applications', ctx.query), items.map((a) => a.code));
    ctx.body = { items, ...(auditViewTx ? { auditViewTx } : {}) };
  });

  doc('get', '/applications/{id}', 'One application with its stages, decisions and overdue flags (audit: ?purpose=, recorded; sealed fields shared to audit on a recorded look open on the next).', [...APP_READERS]);
  r.get('/applications/:id', requireRole(...APP_READERS), async (ctx) => {
    const look = auditLook(node, ctx);
    const a = await q.application(node.db, param(ctx, 'id'));
    if (!a || !q.canSeeApplication(currentUser(ctx), a)) throw notFound('application');
    const auditViewTx = await look?.record(`record:${a.id}`, [a.code], [a.id]);
    const shown = auditViewTx ? await withAuditShares(node, a.id, a) : a;
    const t = await now();
    ctx.body = { ...shown, ...(auditViewTx ? { auditViewTx } : {}), asOf: t, stages: shown.stages.map((s) => ({ ...s, overdue: q.isOverdue(a, s, t) })) };
  });

  doc('get', '/worklist', 'Open stages of the approver\'s department, earliest deadline first, with overdue flags.', ['approver']);
  r.get('/worklist', requireRole('approver'), async (ctx) => {
    const p = PageQuery.parse(ctx.query);
    const t = await now();
    const { rows, total } = await q.openStages(node.db, currentUser(ctx).dept, p, { ...p, overdue: !!p.overdue, now: t });
    ctx.body = { asOf: t, total, items: rows.map((s) => ({ ...s, openedAt: Number(s.openedAt), dueAt: Number(s.dueAt), overdue: Number(s.dueAt) < t })) };
  });

  doc('get', '/worklist/export', 'CSV of the worklist under the same filters (?q=, ?overdue=1, ?process=).', ['approver']);
  r.get('/worklist/export', requireRole('approver'), async (ctx) => {
    const p = PageQuery.parse(ctx.query);
    const t = await now();
    const { rows } = await q.openStages(node.db, currentUser(ctx).dept, { limit: EXPORT_LIMIT, offset: 0 }, { ...p, overdue: !!p.overdue, now: t });
    const iso = (ms: unknown) => new Date(Number(ms)).toISOString();
    sendCsv(ctx, 'worklist', ['enterprise', 'code', 'application', 'process', 'stage', 'opened', 'due', 'overdue'], rows.map((s) => [s.enterprise, s.code, s.app, s.process, s.name, iso(s.openedAt), iso(s.dueAt), Number(s.dueAt) < t ? 'yes' : 'no']));
  });

  doc('post', '/applications/{id}/stages/{stage}/decision', 'Approve, reject or return a stage of the approver\'s own department.', ['approver'], DecisionBody);
  r.post('/applications/:id/stages/:stage/decision', requireRole('approver'), async (ctx) => {
    const body = DecisionBody.parse(ctx.request.body);
    // the opinion and evidence are sealed by this node before it signs (staffSeal.ts)
    const row = await actAs(node, currentUser(ctx).id, 'approval.decide', await sealStaffPayload(node, 'approval.decide', { ...body, app: param(ctx, 'id'), stage: param(ctx, 'stage') }));
    ctx.body = { tx: row.id, records: recordsOf(row), events: row.events };
  });

  doc('post', '/licences/{id}/revoke', 'Revoke a licence of the approver\'s own department.', ['approver'], RevokeBody);
  r.post('/licences/:id/revoke', requireRole('approver'), async (ctx) => {
    const body = RevokeBody.parse(ctx.request.body);
    const row = await actAs(node, currentUser(ctx).id, 'licence.revoke', { ...body, licence: param(ctx, 'id') });
    ctx.body = { tx: row.id };
  });

  return r;
}
