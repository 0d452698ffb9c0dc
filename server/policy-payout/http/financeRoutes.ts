import type Router from '@koa/router';
import { z } from 'zod';
import { readLimited } from '../../approval/http/materialsStore.ts';
import { ChainError } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import type { Context, Next } from 'koa';
import { isAuditor } from '../../chain/readAccess.ts';
import { currentUser } from '../../http/auth.ts';
import { auditLook, listSubject, recordAuditView, requirePurpose } from '../../http/txReads.ts';
import { payoutConfig } from '../config.ts';
import { pain001 } from '../payments/bank/pain001.ts';
import { parsePain002, parseStatementCsv } from '../payments/bank/statusReport.ts';
import * as q from '../readModel/queries.ts';
import { reconcile, reconciliationCsv } from '../payments/reconciliation.ts';
import type { PolicyRecord, RunRecord } from '../records.ts';
import { PayoutRun, PayoutRunReject, PolicyId, RunId } from '../schema.ts';
import { recordStatement } from '../payments/settlement.ts';
import { runParties } from '../payments/runParties.ts';
import { pk } from '../stateKeys.ts';
import { actAs, eventOf } from './common.ts';
import { notFound, parseWith, pathParam, RouteKit } from '../../http/routeKit.ts';
import { PaymentRunList } from '../../../shared/wire/responses.ts';

const RunRejectBody = PayoutRunReject.omit({ run: true });
const RunsQuery = z.object({ policy: PolicyId.optional(), status: z.enum(['prepared', 'approved', 'rejected']).optional() });

/**
 * The finance office: payment runs (one officer prepares, another approves or rejects), the pain.001 file, the bank's answers, reconciliation.
 * Triggers are serialised per node (one at a time, in arrival order) so a burst of clicks
 * costs one run and the rest a quick 409; the chain would refuse a second run of the same
 * awards anyway (they are no longer payable), which the tests also check without this queue.
 */
export function financeRoutes(node: ModulePort): Router {
  const r = new RouteKit('/payout');
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const next = queue.then(f, f);
    queue = next.catch(() => undefined);
    return next;
  };

  const financeDept = payoutConfig(node.genesis).financeDept;
  /**
   * A run names every payee's account: the finance office reads it, and an auditor who gives a
   * purpose, recorded on the chain before the answer.
   */
  const payeeReader = async (ctx: Context, next: Next) => {
    const u = currentUser(ctx);
    if (isAuditor(u)) {
      const run = await loadRun(pathParam(ctx, 'id'));
      const purpose = requirePurpose(ctx);
      const codes = await q.awardCodes(node.db, run.items.map((i) => i.award));
      await recordAuditView(node, u, `run:${run.id}`, purpose, codes);
    } else if (u.role !== 'finance' || u.dept !== financeDept) {
      throw new ChainError('FORBIDDEN', `payment runs are read by the finance office (${financeDept}) and audit`, { status: 403 });
    }
    await next();
  };

  async function loadRun(id: string): Promise<RunRecord> {
    const run = await node.view().get<RunRecord>(pk.run(parseWith(RunId, id, 'run')));
    if (!run) throw notFound('payment run');
    return run;
  }

  /** No payment file and no bank answer before the second officer's approval. */
  const approved = (run: RunRecord): RunRecord => {
    if (run.status !== 'approved') throw new ChainError('RUN_NOT_APPROVED', `payment run ${run.id} is ${run.status}; only an approved run has payments`, { status: 409, data: { status: run.status } });
    return run;
  };

  r.post('/runs', { summary: 'Prepare a payment run of a policy\'s payable awards (retryFailed: also those whose payment failed). It pays nothing until another finance officer approves it. Finance office only.', roles: ['finance'], body: PayoutRun }, async (ctx, { body }) => {
    const user = currentUser(ctx).id;
    const row = await serial(() => actAs(node, user, 'payout.run', body));
    const ev = eventOf(row, 'payout.runPrepared')!;
    ctx.status = 201;
    ctx.body = { run: ev.run, status: 'prepared', count: ev.count, totalFen: ev.totalFen, tx: row.id };
  });

  // Not plain staff actions: they wait their turn in the node's queue of runs, like preparing one.
  r.post('/runs/:id/approve', { summary: 'Approve a prepared run (a finance officer other than the one who prepared it): its payments start and the pain.001 file exists from now on.', roles: ['finance'], params: { id: RunId } }, async (ctx, { params, user }) => {
    const run = parseWith(RunId, params.id, 'run');
    const row = await serial(() => actAs(node, user.id, 'payout.runApprove', { run }));
    const ev = eventOf(row, 'payout.runApproved')!;
    ctx.body = { run, status: 'approved', count: ev.count, totalFen: ev.totalFen, file: `/${node.dept}/api/payout/runs/${run}/pain001.xml`, tx: row.id };
  });

  r.post('/runs/:id/reject', { summary: 'Send a prepared run back with a reason (a finance officer other than the one who prepared it): its awards are payable again.', roles: ['finance'], params: { id: RunId }, body: RunRejectBody }, async (ctx, { params, user, body }) => {
    const run = parseWith(RunId, params.id, 'run');
    const row = await serial(() => actAs(node, user.id, 'payout.runReject', { run, reason: body.reason }));
    ctx.body = { run, status: 'rejected', tx: row.id };
  });

  r.get('/runs', { summary: 'Payment runs, newest first; ?policy=, ?status=prepared|approved|rejected.', roles: ['finance', 'auditor'], query: RunsQuery, response: PaymentRunList }, async (ctx, { query: { policy, status } }) => {
    const look = auditLook(node, ctx);
    const items = await q.runs(node.db, { policy, status });
    const auditViewTx = await look?.record(listSubject('payout/runs', ctx.query), []);
    ctx.body = { items, ...(auditViewTx ? { auditViewTx } : {}) };
  });

  r.get('/runs/:id', { summary: 'One payment run with the status of each of its payments (the finance office; an auditor gives ?purpose=, recorded).', roles: ['finance', 'auditor'], before: [payeeReader] }, async (ctx, { params }) => {
    const run = await loadRun(params.id);
    const status = await q.paymentStatusOfRun(node.db, run.id);
    ctx.body = { ...run, items: run.items.map((i) => ({ ...i, status: status.get(i.endToEndId) ?? 'sent' })) };
  });

  r.get('/runs/:id/pain001.xml', { summary: 'The ISO 20022 pain.001.001.09 credit transfer file of a run (the same bytes every time), made where the payee accounts open: the finance office\'s node (elsewhere SEALED_PAYEE, 409).', roles: ['finance', 'auditor'], before: [payeeReader] }, async (ctx, { params }) => {
    const run = approved(await loadRun(params.id));
    ctx.type = 'application/xml; charset=utf-8';
    ctx.set('content-disposition', `attachment; filename="${run.id}.pain001.xml"`);
    ctx.body = pain001(run, await runParties(node, run));
  });

  r.post('/runs/:id/statement', { summary: 'Record the bank\'s answer: a pain.002 status report (application/xml) or a CSV statement (text/csv: endToEndId,status,bankRef,reason). Lines already recorded the same way are skipped, so a statement can be read again.', roles: ['finance'] }, async (ctx, { params }) => {
    const run = approved(await loadRun(params.id));
    const type = (ctx.get('content-type') || '').split(';')[0].trim().toLowerCase();
    const text = (await readLimited(ctx.req, 20 * 1024 * 1024)).toString('utf8');
    const report = type === 'text/csv' ? parseStatementCsv(text) : type === 'application/xml' || type === 'text/xml' ? parsePain002(text) : undefined;
    if (!report) throw new ChainError('UNSUPPORTED_TYPE', 'send a pain.002 report as application/xml or a statement as text/csv', { status: 415 });
    const user = currentUser(ctx).id;
    ctx.body = await recordStatement(node, run, report, (kind, payload) => actAs(node, user, kind, payload));
  });

  r.get('/policies/:id/reconciliation', { summary: 'Budget, awarded, reserved, failed, paid, remaining of a policy line (all its versions share one budget), checked against every award; ?format=csv for a spreadsheet. Bank references and failure reasons for the finance office, and an auditor who gives ?purpose= (recorded).', roles: ['finance', 'auditor', 'policy'] }, async (ctx, { params }) => {
    const u = currentUser(ctx);
    const id = parseWith(PolicyId, params.id, 'policy');
    const look = auditLook(node, ctx);
    const p = await node.view().get<PolicyRecord>(pk.policy(id));
    if (!p || (u.role === 'policy' && u.dept !== p.dept)) throw notFound('policy');
    const asOf = { height: node.height, time: await node.headTime() };
    // One read transaction, so the ledger and the awards are of the same block.
    const books = await q.lineBooks(node.db, id);
    const full = reconcile(p, books.ledger!, books.awards, books.payments, asOf);
    // bank references and failure reasons are the finance office's (and audit's, which reads them on a run)
    const auditViewTx = await look?.record(`reconciliation:${id}`, full.awards.map((a) => a.code));
    const report = (u.role === 'finance' && u.dept === financeDept) || auditViewTx ? full : { ...full, awards: full.awards.map((a) => ({ ...a, bankRef: null })), payments: full.payments.map((x) => ({ ...x, bankRef: null, reason: null })) };
    if (ctx.query.format === 'csv') {
      ctx.type = 'text/csv; charset=utf-8';
      ctx.set('content-disposition', `attachment; filename="reconciliation-${id}.csv"`);
      ctx.body = reconciliationCsv(report);
    } else {
      if (ctx.query.format === 'json') ctx.set('content-disposition', `attachment; filename="reconciliation-${id}.json"`);
      ctx.body = report;
    }
  });

  return r.router;
}
