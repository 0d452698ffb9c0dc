import type { Knex } from 'knex';
import type { StateView } from '../chain/state.ts';
import type { SessionUser } from '../../shared/sessionUser.ts';
import type { CheckSubject, PrivacyAnswer, PrivacyCheck, PrivacyPort } from '../approval/privacy.ts';
import { findField, loadPrivacyConfig, PrivacyConfig, type PrivacyRules } from './config.ts';
import { exactOf, periodAt, specOfCheck, windowOf } from './questions.ts';
import { describe } from './http/views.ts';
import type { QueryRecord } from './raise.ts';
import { answeredAbout } from './readModel/queries.ts';
import { pq, type LatestAnswer } from './stateKeys.ts';

/**
 * Reads an approval check's answer from state by key (deterministic, as a contract must): the latest
 * verified answer about this enterprise, figure, question and the period the check needs at the
 * application's time (periodAt: last year's tax, this month's insured employees, cases as of this
 * day), so an answer about another period never satisfies it. 'noneWithin 12m' accepts the "free of
 * cases" answer as of that day whose day window covers at least that span.
 */
async function answer(state: StateView, subject: CheckSubject, check: PrivacyCheck): Promise<PrivacyAnswer | undefined> {
  const f = findField(await loadPrivacyConfig(state, subject.genesis), check.field);
  if (!f) return undefined;
  const period = periodAt(f.period, f.kind, subject.at);
  const spec = specOfCheck(check);
  let latest: LatestAnswer | undefined;
  if (spec.kind === 'notInSet') {
    const found = await state.get<LatestAnswer>(pq.latest(subject.code, check.field, period, 'notInSet'));
    if (found?.set && found.set.to === period && found.set.from <= windowOf(spec.value!, period).from) latest = found;
  } else {
    const q = exactOf(spec, period, subject.at);
    latest = await state.get<LatestAnswer>(pq.latest(subject.code, check.field, period, `${q.kind}/${Object.values(q.params)[0]}`));
  }
  return latest && latest.period === period ? { answer: latest.answer, ref: pq.query(latest.query), time: latest.time } : undefined;
}

/** The answered questions about an enterprise, as the dossier lists them: question, answer, proof reference. */
async function answersFor(db: Knex, code: string, _viewer: SessionUser): Promise<unknown[]> {
  const rows = await answeredAbout(db, code);
  if (rows.length === 0) return [];
  const states: { k: string; v: string }[] = await db('state').whereIn('k', [...rows.map((r) => pq.query(r.id)), pq.rules()]).select('k', 'v');
  const byKey = new Map(states.map((s) => [s.k, JSON.parse(s.v)]));
  const cfg: PrivacyRules = byKey.get(pq.rules()) ?? PrivacyConfig.parse({});
  return rows.flatMap((r) => {
    const q = byKey.get(pq.query(r.id)) as QueryRecord | undefined;
    if (!q) return [];
    return [{
      query: q.id,
      question: describe(cfg, q.field, q.period, q.predicate, q.set),
      field: q.field,
      period: q.period,
      holder: q.holder,
      requester: q.requester.dept,
      purpose: q.purpose,
      basis: q.basis,
      answer: q.answer,
      verified: q.verified === true,
      answerTx: q.answerTx,
      answeredAt: q.answeredAt,
      ref: pq.query(q.id),
    }];
  });
}

/** The approval module's PrivacyPort, backed by this module's state and read model. */
export const privacyPort: PrivacyPort = { answer, answersFor };
