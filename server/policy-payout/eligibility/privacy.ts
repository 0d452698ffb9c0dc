import type { TxContext } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import type { Genesis } from '../../chain/schema.ts';
import type { StateView } from '../../chain/state.ts';
import { isValidPeriod, loadPrivacyConfig, PREDICATES_BY_KIND, requireField } from '../../privacy-query/config.ts';
import { daySet } from '../../privacy-query/daySet.ts';
import { effectiveStatus, raiseQuery, type QueryRecord, type QueryStatus } from '../../privacy-query/raise.ts';
import { pq } from '../../privacy-query/stateKeys.ts';
import { parsePredicate } from '../../privacy-query/zk/predicates.ts';
import type { PolicyRecord } from '../records.ts';
import type { PrivacyRule } from '../schema.ts';

/**
 * Everything this module uses of privacy queries (智能隐私问询), in one file: checking a policy's
 * rule when it is published, asking it when an enterprise applies, and reading the answer.
 */

/**
 * Refuses a rule that could never be asked (unknown figure, wrong period, predicate out of
 * bounds) at publication rather than at the first application. A set question may leave out its
 * root: it is the day window's, computed here the same way on every node.
 */
export async function normaliseRule(state: StateView, genesis: Genesis, rule: PrivacyRule): Promise<PrivacyRule> {
  const cfg = await loadPrivacyConfig(state, genesis);
  const f = requireField(cfg, rule.field);
  if (!isValidPeriod(f, rule.period)) reject('PQ_BAD_PERIOD', `rule ${rule.id}: ${f.name} periods are written ${f.period}`);
  if (!PREDICATES_BY_KIND[f.kind].includes(rule.predicate.kind)) {
    reject('PQ_BAD_PREDICATE', `rule ${rule.id}: ${rule.predicate.kind} cannot be asked of ${f.name}; use ${PREDICATES_BY_KIND[f.kind].join(', ')}`);
  }
  let params = rule.predicate.params;
  if (rule.predicate.kind === 'inSet' || rule.predicate.kind === 'notInSet') {
    if (!rule.set) reject('PQ_BAD_SET', `rule ${rule.id}: a question about ${f.name} names its day window (set.from, set.to)`);
    const s = await daySet(rule.set.from, rule.set.to, cfg.maxSetDays);
    params = { setRoot: s.root.toString() };
  }
  parsePredicate({ kind: rule.predicate.kind, params });
  return { ...rule, field: f.name, predicate: { kind: rule.predicate.kind, params } };
}

/**
 * Asks one rule of the enterprise on the policy department's authority; the answer comes later. The
 * published rule is the question's basis and gives its parameters (raiseQuery's `published`), on the
 * legal ground the rule names (a statute for policy applications, or the enterprise's consent).
 */
export function askRule(ctx: TxContext, state: StateView, policy: PolicyRecord, rule: PrivacyRule, code: string, application: string, n: number): Promise<string> {
  const params = Object.fromEntries(Object.entries(rule.predicate.params).map(([k, v]) => [k, String(v)]));
  return raiseQuery(
    ctx,
    state,
    {
      requester: { dept: policy.dept, id: policy.publishedBy.user },
      enterprise: code,
      field: rule.field,
      period: rule.period,
      predicate: rule.predicate as never,
      purpose: `政策兑现资格核验：${policy.title}（${rule.label}）`.slice(0, 200),
      basis: rule.basis,
      origin: { module: 'payout', ref: application },
      ...(rule.set ? { set: rule.set } : {}),
    },
    n,
    { period: rule.period, predicate: { kind: rule.predicate.kind, params }, ...(rule.set ? { set: rule.set } : {}) },
  );
}

export type RuleOutcome = { status: 'pending' } | { status: 'passed'; detail: string } | { status: 'failed'; code: string; detail: string };

/**
 * What a query's record says at this height. Only a verified answer counts; a declined or expired
 * question, or a verified "no", fails the rule.
 */
export async function ruleOutcome(state: StateView, queryId: string, height: number): Promise<RuleOutcome> {
  const q = await state.get<QueryRecord>(pq.query(queryId));
  if (!q) return { status: 'failed', code: 'QUERY_MISSING', detail: `查询 ${queryId} 不存在 / query not found` };
  const s: QueryStatus = effectiveStatus(q, height);
  if (s === 'answered' && q.verified === true) {
    return q.answer === true
      ? { status: 'passed', detail: `核验通过（已验证证明）/ verified yes, tx ${q.answerTx ?? ''}`.trim() }
      : { status: 'failed', code: 'ANSWER_NO', detail: `核验结果为否 / verified no, tx ${q.answerTx ?? ''}`.trim() };
  }
  if (s === 'declined') return { status: 'failed', code: 'QUERY_DECLINED', detail: `数据部门拒绝答复：${q.declineReason ?? ''} / declined` };
  if (s === 'expired') return { status: 'failed', code: 'QUERY_EXPIRED', detail: `查询已于第 ${q.expiresAtHeight} 块过期 / expired` };
  return { status: 'pending' };
}

/** The query behind an event, if it was asked by this module. */
export async function payoutQuery(state: StateView, queryId: string): Promise<QueryRecord | undefined> {
  const q = await state.get<QueryRecord>(pq.query(queryId));
  return q?.origin?.module === 'payout' ? q : undefined;
}

export type { QueryRecord };
