import type Router from '@koa/router';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser } from '../../http/auth.ts';
import { csvFile, csvLine } from '../../../shared/csv.ts';
import { auditLook, listSubject } from '../../http/txReads.ts';
import { withAuditShares } from '../auditShares.ts';
import { SHIPPED_PROCESSES, type ProcessDef } from '../processes.ts';
import * as q from '../readModel/queries.ts';
import { ApprovalDecideDraft } from '../schema.ts';
import { appSealRecipients, processSealRecipients, sealStaffPayload } from '../staffSeal.ts';
import { ak } from '../stateKeys.ts';

import { EXPORT_LIMIT, PageQuery, sendCsv } from './common.ts';
import { recordsOf } from '../../chain/modulePort.ts';
import type { PrivacyPort } from '../privacy.ts';
import { staffAction } from '../../http/staffAction.ts';
import { approvalDecide } from '../contracts/approvalDecide.ts';
import { licenceRevoke } from '../contracts/licenceRevoke.ts';
import { notFound, RouteKit } from '../../http/routeKit.ts';
import { moduleTxPath } from '../../chain/http/enterpriseTx.ts';
import { approvalAdmission } from './admission.ts';
import { ApprovalApplicationDetail, ApprovalApplicationList, Worklist } from '../../../shared/wire/responses.ts';
import { cursor, nextCursor } from '../../http/cursor.ts';
import { z } from 'zod';

const DecisionBody = ApprovalDecideDraft.omit({ app: true, stage: true });
const APP_READERS = ['enterprise', 'approver', 'inspector', 'enforcer', 'auditor', 'clerk'] as const;
const ApplicationsQuery = PageQuery.extend({ after: cursor(z.tuple([z.number().int(), z.string().max(32)])) });
const WorklistQuery = PageQuery.extend({ after: cursor(z.tuple([z.number().int(), z.string().max(32), z.string().max(40)])) });

/** Enterprise-signed submissions, approval processes, applications and decisions. */
export function applicationRoutes(node: ModulePort, privacy: PrivacyPort): Router {
  const decide = approvalDecide(privacy);
  const r = new RouteKit('/approval');
  const now = () => node.headTime();

  moduleTxPath(r, node, approvalAdmission);

  r.get('/processes', { summary: 'Approval process definitions in force (phases, stages, departments, deadlines, checks).', roles: 'signedIn' }, async (ctx) => {
    const view = node.view();
    const out: ProcessDef[] = [];
    for (const p of SHIPPED_PROCESSES) out.push((await view.get<ProcessDef>(ak.process(p.id))) ?? p);
    ctx.body = { items: out };
  });

  r.get('/processes/:id/sealing', { summary: 'The departments (and their current X25519 keys) an application\'s investment and description must be sealed to before the enterprise signs it: every stage department of the process.', roles: ['enterprise'] }, async (ctx, { params }) => {
    ctx.body = { recipients: await processSealRecipients(node.view(), node.genesis, params.id) };
  });

  r.get('/applications/export', { summary: 'CSV of the applications the caller may list.', roles: APP_READERS }, async (ctx) => {
    const p = PageQuery.parse({ limit: 200, ...ctx.query });
    const look = auditLook(node, ctx);
    const apps = await q.listApplications(node.db, currentUser(ctx), p, p);
    await look?.record(listSubject('approval/applications/export', ctx.query), apps.map((a) => a.code));
    const lines = apps.map((a) => csvLine([a.id, a.code, a.processName, a.project.name, a.status, new Date(a.submittedAt).toISOString(), a.stages.filter((s) => s.status === 'open').map((s) => s.name).join('/')]));
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('content-disposition', 'attachment; filename="applications.csv"');
    ctx.body = csvFile(['id,code,process,project,status,submitted,openStages', ...lines]);
  });

  r.get('/applications/:id/sealing', { summary: 'The departments (and their current X25519 keys) a supplement\'s note and its materials\' names must be sealed to before the enterprise signs it: every stage department of its application.', roles: ['enterprise'] }, async (ctx, { params }) => {
    const app = await q.application(node.db, params.id);
    if (!app || app.code !== currentUser(ctx).id) throw notFound('application');
    ctx.body = { recipients: await appSealRecipients(node.view(), node.genesis, app.id) };
  });

  r.get('/applications', { summary: 'Applications the caller may list: its own, those with a stage of its department, or all (the one window; audit with ?purpose=, recorded as audit.view).', roles: APP_READERS, query: ApplicationsQuery, response: ApprovalApplicationList }, async (ctx, { query: p }) => {
    const look = auditLook(node, ctx);
    const { rows: items, next } = nextCursor(await q.listApplications(node.db, currentUser(ctx), p, { ...p, limit: p.limit + 1 }), p.limit, q.applicationKey);
    const auditViewTx = await look?.record(listSubject('approval/applications', ctx.query), items.map((a) => a.code));
    ctx.body = { items, next, ...(auditViewTx ? { auditViewTx } : {}) };
  });

  r.get('/applications/:id', { summary: 'One application with its stages, decisions and overdue flags (audit: ?purpose=, recorded; sealed fields shared to audit on a recorded look open on the next).', roles: APP_READERS, response: ApprovalApplicationDetail }, async (ctx, { params }) => {
    const look = auditLook(node, ctx);
    const a = await q.application(node.db, params.id);
    if (!a || !q.canSeeApplication(currentUser(ctx), a)) throw notFound('application');
    const auditViewTx = await look?.record(`record:${a.id}`, [a.code], [a.id]);
    const shown = auditViewTx ? await withAuditShares(node, a.id, a) : a;
    const t = await now();
    ctx.body = { ...shown, ...(auditViewTx ? { auditViewTx } : {}), asOf: t, stages: shown.stages.map((s) => ({ ...s, overdue: q.isOverdue(a, s, t) })) };
  });

  r.get('/worklist', { summary: 'Open stages of the approver\'s department, earliest deadline first, with overdue flags.', roles: ['approver'], query: WorklistQuery, response: Worklist }, async (ctx, { query: p }) => {
    const t = await now();
    const found = await q.openStages(node.db, currentUser(ctx).dept, { ...p, limit: p.limit + 1 }, { ...p, overdue: !!p.overdue, now: t });
    const { rows, next } = nextCursor(found.rows, p.limit, q.stageKey);
    ctx.body = { asOf: t, total: found.total, next, items: rows.map((s) => ({ ...s, openedAt: Number(s.openedAt), dueAt: Number(s.dueAt), overdue: Number(s.dueAt) < t })) };
  });

  r.get('/worklist/export', { summary: 'CSV of the worklist under the same filters (?q=, ?overdue=1, ?process=).', roles: ['approver'], query: PageQuery }, async (ctx, { query: p }) => {
    const t = await now();
    const { rows } = await q.openStages(node.db, currentUser(ctx).dept, { limit: EXPORT_LIMIT, offset: 0 }, { ...p, overdue: !!p.overdue, now: t });
    const iso = (ms: unknown) => new Date(Number(ms)).toISOString();
    sendCsv(ctx, 'worklist', ['enterprise', 'code', 'application', 'process', 'stage', 'opened', 'due', 'overdue'], rows.map((s) => [s.enterprise, s.code, s.app, s.process, s.name, iso(s.openedAt), iso(s.dueAt), Number(s.dueAt) < t ? 'yes' : 'no']));
  });

  staffAction(r, node, decide, {
    path: '/applications/:id/stages/:stage/decision',
    summary: 'Approve, reject or return a stage of the approver\'s own department.',
    body: DecisionBody,
    from: { id: 'app', stage: 'stage' },
    // the opinion and evidence are sealed by this node before it signs (staffSeal.ts)
    payload: (body) => sealStaffPayload(node, decide.kind, body),
    respond: (row) => ({ tx: row.id, records: recordsOf(row), events: row.events }),
  });

  staffAction(r, node, licenceRevoke, {
    path: '/licences/:id/revoke',
    summary: 'Revoke a licence of the approver\'s own department.',
    from: { id: 'licence' },
  });

  return r.router;
}
