import type { TxContext } from '../../chain/contract.ts';
import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import type { StateView } from '../../chain/state.ts';
import { answerSlot, bindingOf } from '../binding.ts';
import { findField, loadPrivacyConfig } from '../config.ts';
import { effectiveStatus, type QueryRecord } from '../raise.ts';
import { AnswerPayload } from '../schema.ts';
import { pq, type LatestAnswer } from '../stateKeys.ts';
import { consortiumKeys } from '../verificationKeys.ts';
import { verifyQueryAnswer } from '../zk/verifier.ts';

/** The query, if the actor's department holds it and it still waits for an answer; shared with privacy.decline. */
export async function openQueryOfHolder(ctx: TxContext, state: StateView, id: string): Promise<QueryRecord> {
  const q = await state.get<QueryRecord>(pq.query(id));
  if (!q) reject('PQ_UNKNOWN_QUERY', 'no such query', 404);
  if (q.holder !== ctx.actor.dept) reject('PQ_NOT_HOLDER', `only ${q.holder}, which holds ${q.field}, may answer this query`, 403);
  const status = effectiveStatus(q, ctx.height);
  if (status === 'answered') reject('PQ_ALREADY_ANSWERED', 'this query has been answered', 409);
  if (status === 'declined') reject('PQ_DECLINED', 'this query has been declined', 409);
  if (status === 'expired') reject('PQ_EXPIRED', `this query expired at height ${q.expiresAtHeight}`, 409);
  return q;
}

/**
 * The holder answers with a Groth16 proof. Every node verifies it against public signals rebuilt from
 * the question and the commitment pinned when it was asked, with the keys the consortium named, so a
 * proof made for another query, enterprise, figure, period or threshold fails here. One answer per
 * query: once answered, any later proof (a re-randomised copy too) is refused by status, not by bytes.
 */
/** Called in the answer's transaction with each verified answer (the credit score listens; see modules.ts). */
export type OnAnswered = (
  ctx: TxContext,
  state: StateView,
  a: { query: string; enterprise: string; names: string[]; period: string; periodFormat: 'yyyy' | 'yyyymm' | 'yyyymmdd'; predicate: { kind: string; params: Record<string, unknown> }; answer: boolean },
) => Promise<void>;

export const privacyAnswerContract = (onAnswered?: OnAnswered) => defineContract({
  kind: 'privacy.answer',
  payload: AnswerPayload,
  roles: ['node', 'holder'],
  async apply(ctx, state, p) {
    const q = await openQueryOfHolder(ctx, state, p.query);
    const keys = await consortiumKeys(state, ctx.genesis);
    const { binding, predicate } = bindingOf(q);
    const ok = await verifyQueryAnswer(keys, { binding, predicate, answer: p.answer, proof: p.proof });
    if (!ok) reject('PQ_BAD_PROOF', 'the proof does not verify for this query, its commitment and this answer');
    state.put(pq.query(q.id), {
      ...q,
      status: 'answered',
      answer: p.answer,
      verified: true,
      proof: p.proof,
      answerTx: ctx.txId,
      answeredHeight: ctx.height,
      answeredAt: ctx.time,
      answeredBy: ctx.actor.id,
    } satisfies QueryRecord);
    // An index by key for contracts that read answers (approval checks), under every name of the figure
    // and by period, so a check reads the answer about the period it needs and never an older one.
    const latest: LatestAnswer = { query: q.id, answer: p.answer, period: q.period, height: ctx.height, time: ctx.time, ...(q.set ? { set: q.set } : {}) };
    const names = findField(await loadPrivacyConfig(state, ctx.genesis), q.field);
    const all = [q.field, ...(names?.aliases ?? [])];
    for (const name of all) state.put(pq.latest(q.enterprise, name, q.period, answerSlot(predicate)), latest);
    if (names && !all.includes(names.name)) all.push(names.name);
    await onAnswered?.(ctx, state, { query: q.id, enterprise: q.enterprise, names: all, period: q.period, periodFormat: names?.period ?? 'yyyy', predicate: q.predicate, answer: p.answer });
    ctx.emit('privacy.answered', {
      query: q.id,
      requester: q.requester.dept,
      holder: q.holder,
      enterprise: q.enterprise,
      field: q.field,
      answer: p.answer,
      records: [pq.query(q.id)],
      ...(q.origin ? { origin: q.origin } : {}),
    });
  },
});
