import type Router from '@koa/router';
import type { ContractDef } from '../../chain/contract.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser } from '../../http/auth.ts';
import { auditLook, listSubject } from '../../http/txReads.ts';
import { withAuditShares } from '../auditShares.ts';
import * as q from '../readModel/queries.ts';
import { CaseCloseDraft, CaseDecideDraft, CaseOpenDraft, InspectionPlanDraft, InspectionRecordDraft } from '../schema.ts';
import { sealStaffPayload } from '../staffSeal.ts';

import { ByIdQuery, EXPORT_LIMIT, PageQuery, sendCsv } from './common.ts';
import { recordsOf } from '../../chain/modulePort.ts';
import { staffAction, type ActionSpec } from '../../http/staffAction.ts';
import type { TxRow } from '../../chain/store/chainStore.ts';
import type { z } from 'zod';
import { caseClose } from '../contracts/caseClose.ts';
import { caseDecide } from '../contracts/caseDecide.ts';
import { caseOpen } from '../contracts/caseOpen.ts';
import { inspectionPlan } from '../contracts/inspectionPlan.ts';
import { inspectionRecord } from '../contracts/inspectionRecord.ts';
import { notFound, RouteKit } from '../../http/routeKit.ts';
import { CasePage, InspectionPage } from '../../../shared/wire/responses.ts';
import { nextCursor } from '../../http/cursor.ts';

const AdHocBody = InspectionRecordDraft.omit({ inspection: true });
const ResultBody = InspectionRecordDraft.omit({ inspection: true, code: true, subject: true, app: true, licence: true });
const DecideBody = CaseDecideDraft.omit({ case: true });
const CloseBody = CaseCloseDraft.omit({ case: true });
const READERS = ['enterprise', 'approver', 'inspector', 'enforcer', 'auditor'] as const;

/** Inspections (监管) and enforcement cases (执法): the loop after approval. */
export function supervisionRoutes(node: ModulePort): Router {
  const r = new RouteKit('/approval');
  // Staff write plaintext; this node seals it to the departments with a basis before it signs.
  const act = <P,>(def: ContractDef<P>, spec: ActionSpec<z.ZodType, unknown>) =>
    staffAction(r, node, def, { ...spec, payload: (body: Record<string, unknown>) => sealStaffPayload(node, def.kind, body) });
  const made = (row: TxRow) => ({ tx: row.id, records: recordsOf(row) });
  const recorded = (row: TxRow) => ({ ...made(row), events: row.events });

  act(inspectionPlan, {
    path: '/inspections',
    summary: 'Plan an inspection, optionally linked to an approval or licence the department is responsible for.',
    body: InspectionPlanDraft,
    status: 201,
    respond: made,
  });

  act(inspectionRecord, {
    path: '/inspections/adhoc',
    summary: 'Record an ad hoc inspection with its findings; findings meeting the consortium rule open enforcement cases.',
    body: AdHocBody,
    status: 201,
    respond: recorded,
  });

  act(inspectionRecord, {
    path: '/inspections/:id/result',
    summary: 'Record the result of a planned inspection of the inspector\'s department.',
    body: ResultBody,
    from: { id: 'inspection' },
    respond: recorded,
  });

  r.get('/inspections', { summary: 'Inspections of the caller\'s department (all for audit, with ?purpose=, recorded; its own for an enterprise).', roles: READERS, query: ByIdQuery, response: InspectionPage }, async (ctx, { query: p }) => {
    const look = auditLook(node, ctx);
    const found = await q.listInspections(node.db, currentUser(ctx), p, { ...p, limit: p.limit + 1 });
    const { rows: items, next } = nextCursor(found.items, p.limit, (i) => [i.id]);
    const auditViewTx = await look?.record(listSubject('approval/inspections', ctx.query), items.map((i) => i.code));
    ctx.body = { items, total: found.total, next, ...(auditViewTx ? { auditViewTx } : {}) };
  });

  r.get('/inspections/export', { summary: 'CSV of the inspections the caller may list, under the same filters (?status=, ?q=, ?dept= for audit); an auditor\'s export is a recorded look like the list.', roles: READERS, query: PageQuery }, async (ctx, { query: p }) => {
    const look = auditLook(node, ctx);
    const { items } = await q.listInspections(node.db, currentUser(ctx), p, { limit: EXPORT_LIMIT, offset: 0 });
    await look?.record(listSubject('approval/inspections/export', ctx.query), items.map((i) => i.code));
    sendCsv(ctx, 'inspections', ['enterprise', 'code', 'inspection', 'department', 'status'], items.map((i) => [i.enterpriseName ?? '', i.code, i.id, i.dept, i.status]));
  });

  r.get('/inspections/:id', { summary: 'One inspection: its department, the department of a case it opened, the enterprise, or audit (?purpose=, recorded; its sealed texts open once shared to audit on a recorded look).', roles: READERS }, async (ctx, { params }) => {
    const look = auditLook(node, ctx);
    const i = await q.inspection(node.db, params.id);
    const caseDepts = i ? await q.caseDepts(node.db, i.findings.flatMap((f) => (f.case ? [f.case] : []))) : [];
    if (!i || !q.canSeeInspection(currentUser(ctx), i, caseDepts)) throw notFound('inspection');
    if (!look) {
      ctx.body = i;
      return;
    }
    const auditViewTx = await look.record(`record:${i.id}`, [i.code], [i.id]);
    ctx.body = { ...(await withAuditShares(node, i.id, i)), auditViewTx };
  });

  act(caseOpen, {
    path: '/cases',
    summary: 'Open an enforcement case directly (complaint, patrol).',
    body: CaseOpenDraft,
    status: 201,
    respond: made,
  });

  act(caseDecide, {
    path: '/cases/:id/decision',
    summary: 'Decide an open case of the department: penalty in fen with legal basis, warning, or no violation.',
    body: DecideBody,
    from: { id: 'case' },
  });

  act(caseClose, {
    path: '/cases/:id/close',
    summary: 'Close a decided case of the department.',
    body: CloseBody,
    from: { id: 'case' },
  });

  r.get('/cases', { summary: 'Cases of the caller\'s department or opened from its inspections (all for audit, with ?purpose=, recorded; its own for an enterprise).', roles: READERS, query: ByIdQuery, response: CasePage }, async (ctx, { query: p }) => {
    const look = auditLook(node, ctx);
    const found = await q.listCases(node.db, currentUser(ctx), p, { ...p, limit: p.limit + 1 });
    const { rows: items, next } = nextCursor(found.items, p.limit, (c) => [c.id]);
    const auditViewTx = await look?.record(listSubject('approval/cases', ctx.query), items.map((c) => c.code));
    ctx.body = { items, total: found.total, next, ...(auditViewTx ? { auditViewTx } : {}) };
  });

  r.get('/cases/export', { summary: 'CSV of the cases the caller may list, under the same filters (?status=, ?q=, ?dept= for audit); an auditor\'s export is a recorded look like the list.', roles: READERS, query: PageQuery }, async (ctx, { query: p }) => {
    const look = auditLook(node, ctx);
    const { items } = await q.listCases(node.db, currentUser(ctx), p, { limit: EXPORT_LIMIT, offset: 0 });
    await look?.record(listSubject('approval/cases/export', ctx.query), items.map((c) => c.code));
    sendCsv(ctx, 'cases', ['enterprise', 'code', 'case', 'department', 'severity', 'status'], items.map((c) => [c.enterpriseName ?? '', c.code, c.id, c.dept, c.severity, c.status]));
  });

  r.get('/cases/:id', { summary: 'One case, under the same scope as the list.', roles: READERS }, async (ctx, { params }) => {
    const look = auditLook(node, ctx);
    const c = await q.caseById(node.db, params.id);
    if (!c || !q.canSeeCase(currentUser(ctx), c)) throw notFound('case');
    if (!look) {
      ctx.body = c;
      return;
    }
    const auditViewTx = await look.record(`record:${c.id}`, [c.code], [c.id]);
    ctx.body = { ...(await withAuditShares(node, c.id, c)), auditViewTx };
  });

  return r.router;
}
