import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type Router from '@koa/router';
import { z } from 'zod';
import { buildRegistry } from '../chain/buildRegistry.ts';
import { ChainError } from '../chain/errors.ts';
import { quorumOf } from '../chain/genesis.ts';
import { publicTx } from '../chain/http/chainRoutes.ts';
import { currentUser } from './auth.ts';
import { changesFor } from './stateClasses.ts';
import { enterprisesOf, recordAuditView, requirePurpose, txFacts } from './txReads.ts';
import type { ChainNode } from '../chain/node.ts';
import { replayChain, type ReplayResult } from '../chain/replay.ts';
import { } from './auth.ts';
import { agreement, blockTimes, keysOfSubject, keysOfTxs, keysUnderPrefix, timeline, whoDid } from './auditQueries.ts';
import { evidenceHandler } from '../evidence/evidenceRoute.ts';
import { openEventStream } from './sse.ts';
import { paging, RouteKit } from './routeKit.ts';

const TraceQuery = paging(100, 30)
  .extend({
    /** an enterprise's credit code or a record id (AP-12-0, PL-3-1, …) */
    subject: z.string().trim().regex(/^[0-9A-Za-z][0-9A-Za-z.:-]{1,63}$/, 'a credit code or a record id like AP-12-0').optional(),
    /** a state key prefix, e.g. pay/policy/ or gov/proposal/ */
    prefix: z.string().trim().regex(/^[a-z][a-z0-9]*\/[0-9A-Za-z/._:-]{0,120}$/, 'a state key prefix like pay/policy/').optional(),
  })
  .refine((q) => !!q.subject !== !!q.prefix, 'give either subject (a credit code or record id) or prefix (a state key prefix)');
const TxIdParam = z.string().regex(/^[0-9a-f]{64}$/, 'an operation is named by its 64-character transaction id');
const AgreementQuery = z.object({ before: z.coerce.number().int().min(1).optional(), limit: z.coerce.number().int().min(1).max(100).default(20) });

interface VerifyJob {
  id: string;
  startedAt: number;
  state: 'running' | 'done' | 'failed';
  progress: { height: number; top: number; txs: number };
  result?: ReplayResult;
  error?: string;
  finishedAt?: number;
  events: EventEmitter;
}

/**
 * The auditor's questions (审计): the whole story of an enterprise, application or policy across
 * departments; one operation with who, when, under which authority and the state before and
 * after; whether the departments signed the same block hashes; and a replay of this node's
 * own ledger from genesis that names the first place anything was altered.
 */
export function auditRoutes(node: ChainNode): Router {
  const r = new RouteKit('/audit');
  const jobs = new Map<string, VerifyJob>();
  let running: VerifyJob | undefined;

  r.get('/trace', { summary: 'Every operation that touched an enterprise (credit code), a record (AP-…, PL-…) or a state key prefix, oldest first, with who, when and authority. Needs ?purpose= (or x-audit-purpose); the look is recorded on the chain (audit.view).', roles: ['auditor'], query: TraceQuery }, async (ctx, { query: q }) => {
    const purpose = requirePurpose(ctx);
    const keys = q.subject ? await keysOfSubject(node.store, q.subject) : await keysUnderPrefix(node.store, q.prefix!);
    const { total, rows } = await timeline(node.store, keys, q.subject, q);
    const [times, who, touched] = await Promise.all([blockTimes(node.store, rows.map((t) => t.height)), whoDid(node.store, node.registry, rows), keysOfTxs(node.store, rows.map((t) => t.id))]);
    const raws = await node.store.txsByIds(rows.map((t) => t.id));
    const enterprises = [...(await txFacts(node, raws)).values()].flatMap(enterprisesOf);
    if (q.subject && /^[0-9A-Z]{18}$/.test(q.subject)) enterprises.push(q.subject);
    const auditViewTx = await recordAuditView(node, currentUser(ctx), `trace:${q.subject ?? q.prefix}`, purpose, enterprises);
    ctx.body = {
      auditViewTx,
      total,
      keys,
      items: rows.map((t) => ({ ...t, time: times.get(t.height) ?? null, final: t.height <= node.finalHeight, who: who.get(t.id), keys: touched.get(t.id) ?? [] })),
    };
  });

  r.get('/ops/:id', { summary: 'One operation: who (actor and signing department), when (block time), authority (role, and the roles the contract accepts), the signed transaction and every state key before and after. Needs ?purpose= (or x-audit-purpose); the look is recorded on the chain (audit.view).', roles: ['auditor'] }, async (ctx) => {
    const row = await node.store.tx(TxIdParam.parse(ctx.params.id));
    const purpose = requirePurpose(ctx);
    if (!row) throw new ChainError('NOT_FOUND', 'no such operation on this node (it may not be committed yet)', { status: 404 });
    const facts = (await txFacts(node, [row])).get(row.id)!;
    const auditViewTx = await recordAuditView(node, currentUser(ctx), `tx:${row.id}`, purpose, enterprisesOf(facts));
    const [block, who, changes] = await Promise.all([node.store.blockByHeight(row.height), whoDid(node.store, node.registry, [row]), node.store.historyOfTx(row.id)]);
    // the look is recorded, so the auditor has the basis for every value (envelopes stay sealed)
    ctx.body = { auditViewTx, ...publicTx(row), time: block?.header.time ?? null, blockHash: block?.hash ?? null, final: row.height <= node.finalHeight, who: who.get(row.id), changes: changesFor(currentUser(ctx), 'audit', changes) };
  });

  r.get('/evidence', { summary: 'An evidence bundle (ZIP) of one subject (?subject= a credit code, AP-, CS-, PL-, PA- or PR- id): transactions, receipts, headers, inclusion proofs, certificates, governance, proofs, a report and an offline verifier (server/evidence/README.md). Needs ?purpose= (or x-audit-purpose); the look is recorded on the chain (audit.view).', roles: ['auditor'] }, evidenceHandler(node));

  r.get('/attestations', { summary: 'For recent heights: this node\'s block hash and the hash each department signed (as seen in the log). ?before=height&limit=n', roles: ['auditor', 'admin'], query: AgreementQuery }, async (ctx, { query: q }) => {
    const status = await node.status();
    const top = Math.min(node.height, (q.before ?? node.height + 1) - 1);
    const members = status.members.map((m) => m.dept);
    ctx.body = {
      height: node.height,
      finalHeight: node.finalHeight,
      quorum: status.quorum,
      members: status.members.map((m) => ({ dept: m.dept, name: m.name, nameEn: m.nameEn })),
      items: (await agreement(node.store, top, q.limit)).map((h) => {
        const agreeing = h.signed.filter((s) => s.hash === h.hash && members.includes(s.dept)).length;
        return { ...h, agreeing, differing: h.signed.filter((s) => s.hash !== h.hash).map((s) => s.dept), quorumReached: agreeing >= quorumOf(members.length) };
      }),
    };
  });

  r.post('/verify', { summary: 'Start replaying this node\'s own ledger from genesis (a consistent copy of it); one run at a time. Answers the job id.', roles: ['auditor'] }, async (ctx) => {
    if (running) {
      ctx.status = 202;
      ctx.body = { job: running.id, alreadyRunning: true };
      return;
    }
    const job: VerifyJob = { id: randomBytes(8).toString('hex'), startedAt: Date.now(), state: 'running', progress: { height: 0, top: node.height, txs: 0 }, events: new EventEmitter() };
    job.events.setMaxListeners(0);
    jobs.set(job.id, job);
    for (const old of [...jobs.keys()].slice(0, -10)) jobs.delete(old);
    running = job;
    void runVerify(node, job).finally(() => (running = undefined));
    ctx.status = 202;
    ctx.body = { job: job.id, alreadyRunning: false };
  });

  const findJob = (id: string) => {
    const job = jobs.get(id);
    if (!job) throw new ChainError('NOT_FOUND', 'no such verification run on this node (runs are kept in memory until restart)', { status: 404 });
    return job;
  };
  const view = (j: VerifyJob) => ({ job: j.id, state: j.state, startedAt: j.startedAt, finishedAt: j.finishedAt ?? null, progress: j.progress, result: j.result ?? null, error: j.error ?? null });

  r.get('/verify/:job', { summary: 'A verification run: progress, and when done the result (ok, or the first mismatch: height, field, expected, actual).', roles: ['auditor'] }, async (ctx) => {
    ctx.body = view(findJob(String(ctx.params.job)));
  });

  r.get('/verify/:job/events', { summary: 'Server-sent events of a verification run: progress, then done.', roles: ['auditor'] }, async (ctx) => {
    const job = findJob(String(ctx.params.job));
    const { send, closed } = openEventStream(ctx);
    send('progress', job.progress);
    if (job.state !== 'running') {
      send('done', view(job));
      return;
    }
    const onProgress = (p: VerifyJob['progress']) => send('progress', p);
    const onDone = () => send('done', view(job));
    job.events.on('progress', onProgress);
    job.events.on('done', onDone);
    void closed.then(() => {
      job.events.off('progress', onProgress);
      job.events.off('done', onDone);
    });
  });

  return r.router;
}

/**
 * Verifies a snapshot (the live node keeps committing meanwhile), with progress at most every
 * 100 ms. The run is marked finished only after the snapshot is released, so whoever reads it
 * as done also sees when it finished.
 */
async function runVerify(node: ChainNode, job: VerifyJob): Promise<void> {
  let last = 0;
  let snap: Awaited<ReturnType<ChainNode['store']['snapshot']>> | undefined;
  let result: ReplayResult | undefined;
  let error: string | undefined;
  try {
    snap = await node.store.snapshot();
    result = await replayChain(snap.store, node.genesis, buildRegistry(node.modules), (p) => {
      job.progress = p;
      const now = Date.now();
      if (now - last >= 100 || p.height === p.top) {
        last = now;
        job.events.emit('progress', p);
      }
    });
  } catch (err) {
    node.log.error({ err }, 'ledger verification could not run');
    error = `the ledger could not be read to the end: ${(err as Error).message}`;
  } finally {
    await snap?.release().catch(() => undefined);
  }
  Object.assign(job, { result, error, finishedAt: Date.now(), state: result ? 'done' : 'failed' });
  job.events.emit('done');
}
