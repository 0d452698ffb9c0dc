import Router from '@koa/router';
import type { Context } from 'koa';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser, requireRole } from '../../http/auth.ts';
import { auditLook, listSubject } from '../../http/txReads.ts';
import { withAuditShares } from '../auditShares.ts';
import * as q from '../readModel/queries.ts';
import { CaseCloseDraft, CaseDecideDraft, CaseOpenDraft, InspectionPlanDraft, InspectionRecordDraft } from '../schema.ts';
import { sealStaffPayload } from '../staffSeal.ts';
import { notFound } from './access.ts';
import { doc, EXPORT_LIMIT, PageQuery, param, sendCsv } from './common.ts';
import { actAs, recordsOf } from '../../chain/modulePort.ts';

const AdHocBody = InspectionRecordDraft.omit({ inspection: true });
const ResultBody = InspectionRecordDraft.omit({ inspection: true, code: true, subject: true, app: true, licence: true });
const DecideBody = CaseDecideDraft.omit({ case: true });
const CloseBody = CaseCloseDraft.omit({ case: true });
const READERS = ['enterprise', 'approver', 'inspector', 'enforcer', 'auditor'] as const;

/** Inspections (监管) and enforcement cases (执法): the loop after approval. */
export function supervisionRoutes(node: ModulePort): Router {
  const r = new Router({ prefix: '/approval' });
  // Staff write plaintext; this node seals it to the departments with a basis before it signs.
  const act = async (ctx: Context, kind: string, payload: Record<string, unknown>) => actAs(node, currentUser(ctx).id, kind, await sealStaffPayload(node, kind, payload));

  doc('post', '/inspections', 'Plan an inspection, optionally linked to an approval or licence the department is responsible for.', ['inspector'], InspectionPlanDraft);
  r.post('/inspections', requireRole('inspector'), async (ctx) => {
    const row = await act(ctx, 'inspection.plan', InspectionPlanDraft.parse(ctx.request.body));
    ctx.status = 201;
    ctx.body = { tx: row.id, records: recordsOf(row) };
  });

  doc('post', '/inspections/adhoc', 'Record an ad hoc inspection with its findings; findings meeting the consortium rule open enforcement cases.', ['inspector'], AdHocBody);
  r.post('/inspections/adhoc', requireRole('inspector'), async (ctx) => {
    const row = await act(ctx, 'inspection.record', AdHocBody.parse(ctx.request.body));
    ctx.status = 201;
    ctx.body = { tx: row.id, records: recordsOf(row), events: row.events };
  });

  doc('post', '/inspections/{id}/result', 'Record the result of a planned inspection of the inspector\'s department.', ['inspector'], ResultBody);
  r.post('/inspections/:id/result', requireRole('inspector'), async (ctx) => {
    const row = await act(ctx, 'inspection.record', { ...ResultBody.parse(ctx.request.body), inspection: param(ctx, 'id') });
    ctx.body = { tx: row.id, records: recordsOf(row), events: row.events };
  });

  doc('get', '/inspections', 'Inspections of the caller\'s department (all for audit, with ?purpose=, recorded; its own for an enterprise).', [...READERS]);
  r.get('/inspections', requireRole(...READERS), async (ctx) => {
    const p = PageQuery.parse(ctx.query);
    const look = auditLook(node, ctx);
    const page = await q.listInspections(node.db, currentUser(ctx), p, p);
    const auditViewTx = await look?.record(listSubject('approval/inspections', ctx.query), page.items.map((i) => i.code));
    ctx.body = { ...page, ...(auditViewTx ? { auditViewTx } : {}) };
  });

  doc('get', '/inspections/export', 'CSV of the inspections the caller may list, under the same filters (?status=, ?q=, ?dept= for audit); an auditor\'s export is a recorded look like the list.', [...READERS]);
  r.get('/inspections/export', requireRole(...READERS), async (ctx) => {
    const p = PageQuery.parse(ctx.query);
    const look = auditLook(node, ctx);
    const { items } = await q.listInspections(node.db, currentUser(ctx), p, { limit: EXPORT_LIMIT, offset: 0 });
    await look?.record(listSubject('approval/inspections/export', ctx.query), items.map((i) => i.code));
    sendCsv(ctx, 'inspections', ['enterprise', 'code', 'inspection', 'department', 'status'], items.map((i) => [i.enterpriseName ?? '', i.code, i.id, i.dept, i.status]));
  });

  doc('get', '/inspections/{id}', 'One inspection: its department, the department of a case it opened, the enterprise, or audit (?purpose=, recorded; its sealed texts open once shared to audit on a recorded look).', [...READERS]);
  r.get('/inspections/:id', requireRole(...READERS), async (ctx) => {
    const look = auditLook(node, ctx);
    const i = await q.inspection(node.db, param(ctx, 'id'));
    const caseDepts = i ? await q.caseDepts(node.db, i.findings.flatMap((f) => (f.case ? [f.case] : []))) : [];
    if (!i || !q.canSeeInspection(currentUser(ctx), i, caseDepts)) throw notFound('inspection');
    if (!look) {
      ctx.body = i;
      return;
    }
    const auditViewTx = await look.record(`record:${i.id}`, [i.code], [i.id]);
    ctx.body = { ...(await withAuditShares(node, i.id, i)), auditViewTx };
  });

  doc('post', '/cases', 'Open an enforcement case directly (complaint, patrol).', ['enforcer'], CaseOpenDraft);
  r.post('/cases', requireRole('enforcer'), async (ctx) => {
    const row = await act(ctx, 'case.open', CaseOpenDraft.parse(ctx.request.body));
    ctx.status = 201;
    ctx.body = { tx: row.id, records: recordsOf(row) };
  });

  doc('post', '/cases/{id}/decision', 'Decide an open case of the department: penalty in fen with legal basis, warning, or no violation.', ['enforcer'], DecideBody);
  r.post('/cases/:id/decision', requireRole('enforcer'), async (ctx) => {
    const row = await act(ctx, 'case.decide', { ...DecideBody.parse(ctx.request.body), case: param(ctx, 'id') });
    ctx.body = { tx: row.id };
  });

  doc('post', '/cases/{id}/close', 'Close a decided case of the department.', ['enforcer'], CloseBody);
  r.post('/cases/:id/close', requireRole('enforcer'), async (ctx) => {
    const row = await act(ctx, 'case.close', { ...CloseBody.parse(ctx.request.body), case: param(ctx, 'id') });
    ctx.body = { tx: row.id };
  });

  doc('get', '/cases', 'Cases of the caller\'s department or opened from its inspections (all for audit, with ?purpose=, recorded; its own for an enterprise).', [...READERS]);
  r.get('/cases', requireRole(...READERS), async (ctx) => {
    const p = PageQuery.parse(ctx.query);
    const look = auditLook(node, ctx);
    const page = await q.listCases(node.db, currentUser(ctx), p, p);
    const auditViewTx = await look?.record(listSubject('approval/cases', ctx.query), page.items.map((c) => c.code));
    ctx.body = { ...page, ...(auditViewTx ? { auditViewTx } : {}) };
  });

  doc('get', '/cases/export', 'CSV of the cases the caller may list, under the same filters (?status=, ?q=, ?dept= for audit); an auditor\'s export is a recorded look like the list.', [...READERS]);
  r.get('/cases/export', requireRole(...READERS), async (ctx) => {
    const p = PageQuery.parse(ctx.query);
    const look = auditLook(node, ctx);
    const { items } = await q.listCases(node.db, currentUser(ctx), p, { limit: EXPORT_LIMIT, offset: 0 });
    await look?.record(listSubject('approval/cases/export', ctx.query), items.map((c) => c.code));
    sendCsv(ctx, 'cases', ['enterprise', 'code', 'case', 'department', 'severity', 'status'], items.map((c) => [c.enterpriseName ?? '', c.code, c.id, c.dept, c.severity, c.status]));
  });

  doc('get', '/cases/{id}', 'One case, under the same scope as the list.', [...READERS]);
  r.get('/cases/:id', requireRole(...READERS), async (ctx) => {
    const look = auditLook(node, ctx);
    const c = await q.caseById(node.db, param(ctx, 'id'));
    if (!c || !q.canSeeCase(currentUser(ctx), c)) throw notFound('case');
    if (!look) {
      ctx.body = c;
      return;
    }
    const auditViewTx = await look.record(`record:${c.id}`, [c.code], [c.id]);
    ctx.body = { ...(await withAuditShares(node, c.id, c)), auditViewTx };
  });

  return r;
}
