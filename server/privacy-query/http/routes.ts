import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { ChainError } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { apiDocs } from '../../http/openapi.ts';
import { currentUser, requireRole } from '../../http/auth.ts';
import type { SessionUser } from '../../../shared/sessionUser.ts';
import { auditLook, listSubject } from '../../http/txReads.ts';
import { actAs } from '../../chain/modulePort.ts';
import { bindingOf } from '../binding.ts';
import { allowedFor, exactAllowed, type Basis } from '../basis.ts';
import { genesisPrivacyConfig, loadPrivacyConfig } from '../config.ts';
import { daySet } from '../daySet.ts';
import { commitFigures, FigureUpload } from '../holder/figures.ts';
import { figureCounts } from '../holder/privateValues.ts';
import type { QueryRecord } from '../raise.ts';
import { listQueries } from '../readModel/queries.ts';
import { AskPayload, DeclinePayload } from '../schema.ts';
import { pq } from '../stateKeys.ts';
import { ceremonyOf } from '../ceremony/contracts.ts';
import { consortiumKeys, hashesOf, type StoredKeys } from '../verificationKeys.ts';
import { CIRCUITS } from '../zk/publicSignals.ts';
import { fieldId } from '../zk/commitment.ts';
import { verifyQueryAnswer } from '../zk/verifier.ts';
import { ceremonyRoutes } from './ceremonyRoutes.ts';
import { keysStatusRoutes, withKeysProgress, type KeysProgressSource } from './keysStatusRoutes.ts';
import { queryView, rowView } from './views.ts';
import { namedRows } from './listView.ts';
import { searchEnterprises } from '../../approval/readModel/queries.ts';
import { isAuditor } from '../../chain/readAccess.ts';

const ASKERS = ['approver', 'inspector', 'enforcer', 'policy', 'finance', 'auditor', 'clerk', 'holder'] as const;
const VIEWERS = [...ASKERS, 'admin'] as const;

const doc = (method: 'get' | 'post', path: string, summary: string, roles: readonly string[], body?: z.ZodType) =>
  apiDocs.add({ method, path: `/{dept}/api/privacy${path}`, summary, roles: [...roles], body });

const ListQuery = z.object({
  scope: z.enum(['asked', 'addressed', 'all']).default('asked'),
  status: z.enum(['open', 'answered', 'declined', 'expired']).optional(),
  enterprise: z.string().length(18).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const AllowedQuery = z.object({
  enterprise: z.string().length(18),
  basis: z.enum(['consent', 'statute', 'approval']),
  rule: z.string().min(1).max(41).optional(),
  app: z.string().min(1).max(40).optional(),
  period: z.string().regex(/^[0-9]{4,8}$/).optional(),
});

const EnterpriseSearch = z.object({ q: z.string().trim().max(60).optional() });

/** The query, if the caller's department asked it or holds its figure, or the caller audits; otherwise it does not exist. */
async function visibleQuery(node: ModulePort, u: SessionUser, id: string): Promise<QueryRecord> {
  const q = /^[0-9a-f]{64}$/.test(id) ? await node.view().get<QueryRecord>(pq.query(id)) : undefined;
  if (!q || !(isAuditor(u) || u.dept === q.requester.dept || u.dept === q.holder)) throw new ChainError('NOT_FOUND', 'no such query', { status: 404 });
  return q;
}

/** 智能隐私问询: ask, list, read with proof, decline, and the holder's figure upload. */
export function privacyRoutes(node: ModulePort, keysProgress?: KeysProgressSource): Router {
  const r = new Router({ prefix: '/privacy' });
  const param = (ctx: Context, name: string) => String((ctx.params as Record<string, string>)[name] ?? '');

  doc('get', '/config', 'Figures, their holders and units, statutory rules, expiry and the verification keys in force.', VIEWERS);
  r.get('/config', requireRole(...VIEWERS), async (ctx) => {
    const view = node.view();
    const cfg = await loadPrivacyConfig(view, node.genesis);
    const stored = await view.get<StoredKeys>(pq.verificationKeys());
    ctx.body = { ...cfg, fields: cfg.fields.map((f) => ({ ...f, fieldId: fieldId(f.name).toString() })), keys: stored ? { version: stored.version, hashes: stored.hashes, source: 'governance' } : { source: genesisPrivacyConfig(node.genesis).verificationKeys ? 'genesis' : 'none' } };
  });

  doc('get', '/keys', 'The verification keys in force and the ceremonies they came from; 409 PQ_NO_KEYS while the consortium has adopted none (no answer can be accepted then).', VIEWERS);
  r.get('/keys', requireRole(...VIEWERS), async (ctx) => {
    const view = node.view();
    const stored = await view.get<StoredKeys>(pq.verificationKeys());
    if (!stored) {
      const keys = await consortiumKeys(view, node.genesis).catch(withKeysProgress(keysProgress)); // genesis keys, or PQ_NO_KEYS
      ctx.body = { source: 'genesis', hashes: hashesOf(keys) };
      return;
    }
    const ceremonies = Object.fromEntries(await Promise.all(CIRCUITS.map(async (c) => [c, (await ceremonyOf(view, c)) ?? null])));
    ctx.body = { source: 'governance', version: stored.version, hashes: stored.hashes, adoptedAt: stored.height, ceremonies: stored.ceremonies ?? {}, records: ceremonies };
  });

  keysStatusRoutes(r, node, VIEWERS, keysProgress);
  ceremonyRoutes(r, node);

  doc('get', '/allowed', 'The questions a basis lets my department ask about an enterprise (consent; statute, one rule or all of ours; approval with app): figure, period when fixed, predicate.', ASKERS);
  r.get('/allowed', requireRole(...ASKERS), async (ctx) => {
    const u = currentUser(ctx);
    const q = AllowedQuery.parse(ctx.query);
    const view = node.view();
    const cfg = await loadPrivacyConfig(view, node.genesis);
    const bases: Basis[] =
      q.basis === 'consent' ? [{ type: 'consent' }]
      : q.basis === 'approval' ? [{ type: 'approval', app: q.app ?? '' }]
      : q.rule ? [{ type: 'statute', rule: q.rule }]
      : cfg.statutes.filter((s) => s.dept === u.dept).map((s) => ({ type: 'statute', rule: s.id }));
    const items: unknown[] = [];
    for (const basis of bases) {
      for (const f of cfg.fields) {
        // A basis that does not reach this figure (PQ_NO_BASIS) simply has nothing to list for it.
        const got = await allowedFor(view, cfg, f, { requester: { dept: u.dept }, enterprise: q.enterprise, basis }).catch((e) => (e instanceof ChainError ? undefined : Promise.reject(e)));
        for (const a of got?.allowed ?? []) {
          const period = a.period ?? q.period;
          if (!period && a.spec && (a.spec.kind === 'inSet' || a.spec.kind === 'notInSet')) continue; // its window needs the as-of day
          const e = exactAllowed(a, period ?? '', Date.now());
          items.push({ basis, field: f.name, label: f.label, labelEn: f.labelEn, period: a.period, predicate: { kind: e.kind, params: e.params }, ...(e.set ? { set: e.set } : {}), ...(a.label ? { note: a.label } : {}) });
        }
      }
    }
    ctx.body = { items };
  });

  doc('get', '/enterprises', 'Enterprises to ask about, by name or credit-code prefix (?q=): code and registered name.', ASKERS);
  r.get('/enterprises', requireRole(...ASKERS), async (ctx) => {
    const { q } = EnterpriseSearch.parse(ctx.query);
    const rows: { code: string; name: string }[] = await searchEnterprises(node.db, q, { limit: 20, offset: 0 });
    ctx.body = { items: rows.map((e) => ({ code: e.code, name: e.name })) };
  });

  doc('post', '/queries', 'Ask a yes/no question of a figure another department holds, on a basis (consent, statute, approval application) and with parameters it allows (GET /allowed), within the disclosure budget. For set figures, give set {from, to} and leave setRoot out.', ASKERS, AskPayload);
  r.post('/queries', requireRole(...ASKERS), async (ctx) => {
    const body = AskPayload.parse(ctx.request.body);
    const params = { ...body.predicate.params };
    if ((body.predicate.kind === 'notInSet' || body.predicate.kind === 'inSet') && params.setRoot === undefined && body.set) {
      const cfg = await loadPrivacyConfig(node.view(), node.genesis);
      params.setRoot = (await daySet(body.set.from, body.set.to, cfg.maxSetDays)).root.toString();
    }
    const row = await actAs(node, currentUser(ctx).id, 'privacy.ask', { ...body, predicate: { ...body.predicate, params } });
    ctx.status = 201;
    ctx.body = { id: row.id, tx: row.id, height: row.height };
  });

  doc('get', '/queries', 'Questions my department asked (scope=asked), was asked (scope=addressed), or all of them for audit (scope=all, with ?purpose=, recorded); paginated.', VIEWERS);
  r.get('/queries', requireRole(...VIEWERS), async (ctx) => {
    const u = currentUser(ctx);
    const f = ListQuery.parse(ctx.query);
    if (f.scope === 'all' && !isAuditor(u)) throw new ChainError('FORBIDDEN', 'only auditors see every department\'s questions', { status: 403 });
    const look = f.scope === 'all' ? auditLook(node, ctx) : undefined;
    const { rows, total } = await listQueries(node.db, { ...f, dept: u.dept, height: node.height });
    const auditViewTx = await look?.record(listSubject('privacy/queries', ctx.query), rows.map((x) => x.enterprise));
    ctx.body = { items: await namedRows(node, rows), total, limit: f.limit, offset: f.offset, ...(auditViewTx ? { auditViewTx } : {}) };
  });

  doc('get', '/queries/{id}', 'One question with its answer, proof and verification status; ?reverify=1 checks the proof again on this node.', VIEWERS);
  r.get('/queries/:id', requireRole(...VIEWERS), async (ctx) => {
    const u = currentUser(ctx);
    // an auditor reading another department's question gives a purpose first
    const q = await visibleQuery(node, u, param(ctx, 'id'));
    const look = isAuditor(u) && q.requester.dept !== u.dept && q.holder !== u.dept ? auditLook(node, ctx) : undefined;
    await look?.record(`query:${q.id}`, [q.enterprise]);
    const view = node.view();
    const out = queryView(q, node, await loadPrivacyConfig(view, node.genesis));
    if (ctx.query.reverify === '1' && q.status === 'answered' && q.proof) {
      const { binding, predicate } = bindingOf(q);
      const again = await verifyQueryAnswer(await consortiumKeys(view, node.genesis), { binding, predicate, answer: q.answer!, proof: q.proof as never });
      ctx.body = { ...out, reverified: again };
      return;
    }
    ctx.body = out;
  });

  doc('post', '/queries/{id}/decline', 'Decline a question put to my department, with a reason.', ['holder'], DeclinePayload.omit({ query: true }));
  r.post('/queries/:id/decline', requireRole('holder'), async (ctx) => {
    const { reason } = DeclinePayload.omit({ query: true }).parse(ctx.request.body);
    const row = await actAs(node, currentUser(ctx).id, 'privacy.decline', { query: param(ctx, 'id'), reason });
    ctx.body = { tx: row.id, status: 'declined' };
  });

  doc('post', '/figures', 'Load figures this department holds (batch JSON); commitments go on the chain, values and salts stay in this node.', ['holder'], FigureUpload);
  r.post('/figures', requireRole('holder'), async (ctx) => {
    const res = await commitFigures(node, currentUser(ctx).id, ctx.request.body as never);
    ctx.status = res.rejected.length ? 409 : 201;
    ctx.body = res.rejected.length ? { code: res.rejected[0].code, message: res.rejected[0].reason, ...res } : res;
  });

  doc('get', '/figures', 'How many figures this department has loaded, per figure and period (counts only).', ['holder']);
  r.get('/figures', requireRole('holder'), async (ctx) => {
    ctx.body = { items: await figureCounts(node.db) };
  });

  return r;
}
