import Router from '@koa/router';
import type { Context } from 'koa';
import type { ChainNode } from '../../chain/node.ts';
import { currentUser, requireRole } from '../../http/auth.ts';
import * as q from '../readModel/queries.ts';
import { CaseCloseDraft, CaseDecideDraft, CaseOpenDraft, InspectionPlanDraft, InspectionRecordDraft } from '../schema.ts';
import { sealStaffPayload } from '../staffSeal.ts';
import { notFound } from './access.ts';
import { doc, EXPORT_LIMIT, PageQuery, param, sendCsv } from './common.ts';
import { actAs, recordsOf } from '../../chain/preflight.ts';

const AdHocBody = InspectionRecordDraft.omit({ inspection: true });
const ResultBody = InspectionRecordDraft.omit({ inspection: true, code: true, subject: true, app: true, licence: true });
const DecideBody = CaseDecideDraft.omit({ case: true });
const CloseBody = CaseCloseDraft.omit({ case: true });
const READERS = ['enterprise', 'approver', 'inspector', 'enforcer', 'auditor'] as const;

/** Inspections (监管) and enforcement cases (执法): the loop after approval. */
export function supervisionRoutes(node: ChainNode): Router {
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

  doc('get', '/inspections', 'Inspections of the caller\'s department (all for audit; its own for an enterprise).', [...READERS]);
  r.get('/inspections', requireRole(...READERS), async (ctx) => {
    const p = PageQuery.parse(ctx.query);
    ctx.body = await q.listInspections(node.db, currentUser(ctx), p, p);
  });

  doc('get', '/inspections/export', 'CSV of the inspections the caller may list, under the same filters (?status=, ?q=, ?dept= for audit).', [...READERS]);
  r.get('/inspections/export', requireRole(...READERS), async (ctx) => {
    const p = PageQuery.parse(ctx.query);
    const { items } = await q.listInspections(node.db, currentUser(ctx), p, { limit: EXPORT_LIMIT, offset: 0 });
    sendCsv(ctx, 'inspections', ['enterprise', 'code', 'inspection', 'department', 'status'], items.map((i) => [i.enterpriseName ?? '', i.code, i.id, i.dept, i.status]));
  });

  doc('get', '/inspections/{id}', 'One inspection: its department, the department of a case it opened, audit, or the enterprise.', [...READERS]);
  r.get('/inspections/:id', requireRole(...READERS), async (ctx) => {
    const i = await q.inspection(node.db, param(ctx, 'id'));
    const caseDepts = i ? (await node.db('ap_cases').whereIn('id', i.findings.flatMap((f) => (f.case ? [f.case] : []))).select('dept')).map((c: { dept: string }) => c.dept) : [];
    if (!i || !q.canSeeInspection(currentUser(ctx), i, caseDepts)) throw notFound('inspection');
    ctx.body = i;
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

  doc('get', '/cases', 'Cases of the caller\'s department or opened from its inspections (all for audit; its own for an enterprise).', [...READERS]);
  r.get('/cases', requireRole(...READERS), async (ctx) => {
    const p = PageQuery.parse(ctx.query);
    ctx.body = await q.listCases(node.db, currentUser(ctx), p, p);
  });

  doc('get', '/cases/export', 'CSV of the cases the caller may list, under the same filters (?status=, ?q=, ?dept= for audit).', [...READERS]);
  r.get('/cases/export', requireRole(...READERS), async (ctx) => {
    const p = PageQuery.parse(ctx.query);
    const { items } = await q.listCases(node.db, currentUser(ctx), p, { limit: EXPORT_LIMIT, offset: 0 });
    sendCsv(ctx, 'cases', ['enterprise', 'code', 'case', 'department', 'severity', 'status'], items.map((c) => [c.enterpriseName ?? '', c.code, c.id, c.dept, c.severity, c.status]));
  });

  doc('get', '/cases/{id}', 'One case, under the same scope as the list.', [...READERS]);
  r.get('/cases/:id', requireRole(...READERS), async (ctx) => {
    const c = await q.caseById(node.db, param(ctx, 'id'));
    if (!c || !q.canSeeCase(currentUser(ctx), c)) throw notFound('case');
    ctx.body = c;
  });

  return r;
}
