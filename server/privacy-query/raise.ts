import { z } from 'zod';
import { clsAll } from '../chain/classification.ts';
import type { TxContext } from '../chain/contract.ts';
import { reject } from '../chain/errors.ts';
import { sha256Hex } from '../chain/hash.ts';
import { keys, type MemberRecord } from '../chain/identity.ts';
import { DeptId } from '../chain/schema.ts';
import type { StateView } from '../chain/state.ts';
import { allowedFor, describeAllowed, isAllowedQuestion, type Basis, type PublishedQuestion } from './basis.ts';
import { isValidPeriod, loadPrivacyConfig, PREDICATES_BY_KIND, requireField, type FieldDef, type PrivacyRules } from './config.ts';
import { daySet } from './daySet.ts';
import { withinBudget } from './disclosure.ts';
import { commitmentOf, pq } from './stateKeys.ts';
import { isCreditCode } from './zk/commitment.ts';
import { parsePredicate, type Predicate, type PredicateInput } from './zk/predicates.ts';

export interface QueryRequest {
  requester: { dept: string; id: string }; // department and user (or the dept id when the node itself asks)
  enterprise: string; // unified social credit code
  field: string; // e.g. 'tax.paid', 'hrss.insured', 'market.licence', 'enforcement.cases'
  period: string; // decimal string, e.g. '2025' or '202610'
  predicate: PredicateInput; // from zk/predicates.ts
  purpose: string;
  basis: Basis;
  origin?: { module: string; ref: string }; // e.g. {module:'payout', ref: applicationId}
  /** set fields only: the day window [from, to] whose root the set predicate names; `to` must be the period */
  set?: { from: string; to: string };
}

export type QueryStatus = 'open' | 'answered' | 'declined' | 'expired';

export interface QueryRecord extends QueryRequest {
  id: string;
  holder: string;
  status: QueryStatus;
  askedHeight: number;
  expiresAtHeight: number;
  answer?: boolean;
  verified?: boolean;
  answerTx?: string;
  declineReason?: string;
  answeredHeight?: number;
  /** the commitment (and its version) the question is about, pinned when asked: a later correction cannot change its meaning */
  commitment: string;
  commitmentVersion: number;
  askedTx: string;
  askedAt: number;
  /** the Groth16 proof of the answer, as verified on every node */
  proof?: unknown;
  answeredAt?: number;
  answeredBy?: string;
  /** the statute's text when the basis is a statute, so the record reads on its own in an audit */
  basisText?: string;
}

const Text = (max: number) => z.string().trim().min(1).max(max);

/** The wire shape of a request; raiseQuery checks everything that needs state or the consortium's rules. */
/** Public: every node verifies every answer, so every node sees the question (see ARCHITECTURE, disclosure budget). */
export const QueryRequestSchema = z.strictObject(clsAll({
  requester: z.strictObject({ dept: DeptId, id: z.string().min(1).max(64) }),
  enterprise: z.string().length(18),
  field: z.string().min(1).max(31),
  period: z.string().regex(/^[0-9]{4,8}$/, 'a period is 4 to 8 decimal digits'),
  predicate: z.strictObject({ kind: z.string().max(20), params: z.record(z.string(), z.unknown()) }),
  purpose: Text(200),
  basis: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('consent') }),
    z.strictObject({ type: z.literal('statute'), rule: z.string().min(1).max(41) }),
    z.strictObject({ type: z.literal('approval'), app: z.string().min(1).max(40) }),
  ]),
  origin: z.strictObject({ module: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/), ref: z.string().min(1).max(120) }).optional(),
  set: z.strictObject({ from: z.string().regex(/^[0-9]{8}$/), to: z.string().regex(/^[0-9]{8}$/) }).optional(),
}, 'public'));

/** A checked predicate as the ledger keeps it: every integer a canonical decimal string. */
export const predicateJson = (p: Predicate): PredicateInput =>
  ({ kind: p.kind, params: Object.fromEntries(Object.entries(p.params).map(([k, v]) => [k, (v as bigint).toString()])) }) as PredicateInput;

/** The query id: the transaction's id, or a hash of it and a counter when one transaction asks several. */
export const queryIdOf = (txId: string, n?: number): string => (n === undefined ? txId : sha256Hex(`${txId}:${n}`));

/** The predicate, within its circuit's bounds, of a kind the field supports; a set predicate's root must be its day window's. */
async function checkPredicate(cfg: PrivacyRules, f: FieldDef, req: QueryRequest): Promise<Predicate> {
  const p = parsePredicate(req.predicate);
  if (!PREDICATES_BY_KIND[f.kind].includes(p.kind)) reject('PQ_BAD_PREDICATE', `${p.kind} cannot be asked of ${f.name} (${f.kind}); use ${PREDICATES_BY_KIND[f.kind].join(', ')}`);
  if (p.kind === 'inSet' || p.kind === 'notInSet') {
    if (!req.set) reject('PQ_BAD_SET', `a question about ${f.name} names its day window (set.from, set.to)`);
    if (req.set.to !== req.period) reject('PQ_BAD_SET', 'the day window must end on the period (the as-of day of the figure)');
    const s = await daySet(req.set.from, req.set.to, cfg.maxSetDays);
    if (s.root !== p.params.setRoot) reject('PQ_BAD_SET', 'setRoot is not the root of the named day window');
  } else if (req.set) {
    reject('PQ_BAD_SET', 'only set questions name a day window');
  }
  return p;
}

/**
 * Validates the basis (basis.ts: consent, statute or approval application, and the questions it allows),
 * the field's holder, the predicate bounds, a commitment existing and the disclosure budget
 * (disclosure.ts); writes the query; emits 'privacy.asked'. Throws ChainError on refusal. Returns the
 * query id: ctx.txId when n is undefined, else sha256Hex(`${ctx.txId}:${n}`). `published` is the
 * question a published policy fixes, passed only by its application's contract (askRule).
 */
export async function raiseQuery(ctx: TxContext, state: StateView, req: QueryRequest, n?: number, published?: PublishedQuestion): Promise<string> {
  const shape = QueryRequestSchema.safeParse(req);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    reject('PQ_BAD_REQUEST', `query.${issue.path.join('.')}: ${issue.message}`);
  }
  const cfg = await loadPrivacyConfig(state, ctx.genesis);
  const f = requireField(cfg, req.field);
  if (!isCreditCode(req.enterprise)) reject('PQ_BAD_ENTERPRISE', `not a unified social credit code: ${req.enterprise}`);
  if (!isValidPeriod(f, req.period)) reject('PQ_BAD_PERIOD', `${f.name} periods are written ${f.period}`);
  const asker = await state.get<MemberRecord>(keys.member(req.requester.dept));
  if (!asker?.active) reject('PQ_UNKNOWN_DEPT', `${req.requester.dept} is not an active member`, 403);
  const holder = await state.get<MemberRecord>(keys.member(f.holder));
  if (!holder?.active) reject('PQ_NO_HOLDER', `${f.holder}, the holder of ${f.name}, is not an active member`, 409);
  const { basisText, allowed } = await allowedFor(state, cfg, f, req, published);
  const predicate = await checkPredicate(cfg, f, req);
  const asked = { field: f.name, period: req.period, predicate: predicateJson(predicate) as { kind: string; params: Record<string, string> }, ...(req.set ? { set: req.set } : {}) };
  if (!isAllowedQuestion(allowed, asked, ctx.time)) {
    reject('PQ_PARAMS_NOT_ALLOWED', `the ${req.basis.type} basis does not allow this question about ${f.name} for ${req.period}; it allows: ${describeAllowed(allowed, req.period, ctx.time)}`, 403);
  }
  const c = await commitmentOf(state, f.name, req.period, req.enterprise);
  if (!c) reject('PQ_NO_COMMITMENT', `${f.holder} has not committed ${f.name} for ${req.period} of this enterprise`, 404);

  const id = queryIdOf(ctx.txId, n);
  if (await state.get(pq.query(id))) reject('PQ_DUPLICATE_QUERY', 'this query has already been asked', 409);
  const disclosed = await withinBudget(state, cfg.maxDistinctQuestions ?? 2, f, req.enterprise, req.period, predicate, req.set);
  if (disclosed) state.put(pq.disclosed(req.enterprise, f.name, req.period), disclosed);
  // Stored as it arrived except for the field, which is always the canonical name the commitment uses.
  const record: QueryRecord = {
    ...shape.data,
    field: f.name,
    predicate: predicateJson(predicate),
    id,
    holder: f.holder,
    status: 'open',
    askedHeight: ctx.height,
    expiresAtHeight: ctx.height + cfg.expiryBlocks,
    commitment: c.commitment,
    commitmentVersion: c.version,
    askedTx: ctx.txId,
    askedAt: ctx.time,
    ...(basisText ? { basisText } : {}),
  };
  state.put(pq.query(id), record);
  ctx.emit('privacy.asked', { query: id, holder: f.holder, requester: req.requester.dept, enterprise: req.enterprise, field: f.name, period: req.period, ...(req.origin ? { origin: req.origin } : {}) });
  return id;
}

/** Effective status at a height (an open query past expiresAtHeight is 'expired'). */
export function effectiveStatus(q: QueryRecord, height: number): QueryStatus {
  return q.status === 'open' && height > q.expiresAtHeight ? 'expired' : q.status;
}
