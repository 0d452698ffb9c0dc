import type Router from '@koa/router';
import { z } from 'zod';
import { ChainError } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser } from '../../http/auth.ts';
import type { SessionUser } from '../../../shared/sessionUser.ts';
import { auditLook, listSubject } from '../../http/txReads.ts';
import { bindingOf } from '../binding.ts';
import { allowedFor, exactAllowed, type Basis } from '../basis.ts';
import { genesisPrivacyConfig, loadPrivacyConfig } from '../config.ts';
import { daySet } from '../daySet.ts';
import { commitFigures, FigureEnvelope } from '../holder/figures.ts';
import { figureCounts } from '../holder/privateValues.ts';
import type { QueryRecord } from '../raise.ts';
import { listQueries } from '../readModel/queries.ts';
import { privacyAsk } from '../contracts/ask.ts';
import { privacyDecline } from '../contracts/decline.ts';
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
import { paging, RouteKit } from '../../http/routeKit.ts';
import { staffAction } from '../../http/staffAction.ts';
import { PrivacyQueryPage } from '../../../shared/wire/responses.ts';

const ASKERS = ['approver', 'inspector', 'enforcer', 'policy', 'finance', 'auditor', 'clerk', 'holder'] as const;
const VIEWERS = [...ASKERS, 'admin'] as const;

const ListQuery = paging(200, 50).extend({
  scope: z.enum(['asked', 'addressed', 'all']).default('asked'),
  status: z.enum(['open', 'answered', 'declined', 'expired']).optional(),
  enterprise: z.string().length(18).optional(),
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
  const r = new RouteKit('/privacy');

  r.get('/config', { summary: 'Figures, their holders and units, statutory rules, expiry and the verification keys in force.', roles: VIEWERS }, async (ctx) => {
    const view = node.view();
    const cfg = await loadPrivacyConfig(view, node.genesis);
    const stored = await view.get<StoredKeys>(pq.verificationKeys());
    ctx.body = { ...cfg, fields: cfg.fields.map((f) => ({ ...f, fieldId: fieldId(f.name).toString() })), keys: stored ? { version: stored.version, hashes: stored.hashes, source: 'governance' } : { source: genesisPrivacyConfig(node.genesis).verificationKeys ? 'genesis' : 'none' } };
  });

  r.get('/keys', { summary: 'The verification keys in force and the ceremonies they came from; 409 PQ_NO_KEYS while the consortium has adopted none (no answer can be accepted then).', roles: VIEWERS }, async (ctx) => {
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

  r.get('/allowed', { summary: 'The questions a basis lets my department ask about an enterprise (consent; statute, one rule or all of ours; approval with app): figure, period when fixed, predicate.', roles: ASKERS, query: AllowedQuery }, async (ctx, { query: q }) => {
    const u = currentUser(ctx);
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

  r.get('/enterprises', { summary: 'Enterprises to ask about, by name or credit-code prefix (?q=): code and registered name.', roles: ASKERS, query: EnterpriseSearch }, async (ctx, { query: { q } }) => {
    const rows: { code: string; name: string }[] = await searchEnterprises(node.db, q, { limit: 20, offset: 0 });
    ctx.body = { items: rows.map((e) => ({ code: e.code, name: e.name })) };
  });

  staffAction(r, node, privacyAsk, {
    path: '/queries',
    summary: 'Ask a yes/no question of a figure another department holds, on a basis (consent, statute, approval application) and with parameters it allows (GET /allowed), within the disclosure budget. For set figures, give set {from, to} and leave setRoot out.',
    payload: async (body) => {
      const params = { ...body.predicate.params };
      if ((body.predicate.kind === 'notInSet' || body.predicate.kind === 'inSet') && params.setRoot === undefined && body.set) {
        const cfg = await loadPrivacyConfig(node.view(), node.genesis);
        params.setRoot = (await daySet(body.set.from, body.set.to, cfg.maxSetDays)).root.toString();
      }
      return { ...body, predicate: { ...body.predicate, params } };
    },
    status: 201,
    respond: (row) => ({ id: row.id, tx: row.id, height: row.height }),
  });

  r.get('/queries', { summary: 'Questions my department asked (scope=asked), was asked (scope=addressed), or all of them for audit (scope=all, with ?purpose=, recorded); paginated.', roles: VIEWERS, query: ListQuery, response: PrivacyQueryPage }, async (ctx, { query: f }) => {
    const u = currentUser(ctx);
    if (f.scope === 'all' && !isAuditor(u)) throw new ChainError('FORBIDDEN', 'only auditors see every department\'s questions', { status: 403 });
    const look = f.scope === 'all' ? auditLook(node, ctx) : undefined;
    const { rows, total } = await listQueries(node.db, { ...f, dept: u.dept, height: node.height });
    const auditViewTx = await look?.record(listSubject('privacy/queries', ctx.query), rows.map((x) => x.enterprise));
    ctx.body = { items: await namedRows(node, rows), total, limit: f.limit, offset: f.offset, ...(auditViewTx ? { auditViewTx } : {}) };
  });

  r.get('/queries/:id', { summary: 'One question with its answer, proof and verification status; ?reverify=1 checks the proof again on this node.', roles: VIEWERS }, async (ctx, { params }) => {
    const u = currentUser(ctx);
    // an auditor reading another department's question gives a purpose first
    const q = await visibleQuery(node, u, params.id);
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

  staffAction(r, node, privacyDecline, {
    path: '/queries/:id/decline',
    summary: 'Decline a question put to my department, with a reason.',
    from: { id: 'query' },
    respond: (row) => ({ tx: row.id, status: 'declined' }),
  });

  // the envelope only: commitFigures checks every row and names each bad one (PQ_BAD_FIGURE)
  r.post('/figures', { summary: 'Load figures this department holds (batch JSON: field, period, rows of {enterprise, value}); every row is checked before anything is written, and a refusal names each bad row. Commitments go on the chain, values and salts stay in this node.', roles: ['holder'], body: FigureEnvelope }, async (ctx, { user }) => {
    const res = await commitFigures(node, user.id, ctx.request.body as never);
    ctx.status = res.rejected.length ? 409 : 201;
    ctx.body = res.rejected.length ? { code: res.rejected[0].code, message: res.rejected[0].reason, ...res } : res;
  });

  r.get('/figures', { summary: 'How many figures this department has loaded, per figure and period (counts only).', roles: ['holder'] }, async (ctx) => {
    ctx.body = { items: await figureCounts(node.db) };
  });

  return r.router;
}
