import type { Knex } from 'knex';
import type { StateView } from '../chain/state.ts';
import type { SessionUser } from '../http/auth.ts';
import type { PrivacyAnswer, PrivacyCheck, PrivacyPort } from '../approval/privacy.ts';
import { PrivacyConfig, type PrivacyRules } from './config.ts';
import { describe } from './http/views.ts';
import type { QueryRecord } from './raise.ts';
import { answeredAbout } from './readModel/queries.ts';
import { pq, type LatestAnswer } from './stateKeys.ts';

const ymd = (s: string) => s.replace(/-/g, '');

/** The first day of a window of `amount` days, months or years ending on `to` (yyyymmdd). */
export function windowStart(to: string, amount: number, unit: 'd' | 'm' | 'y'): string {
  const d = new Date(Date.UTC(Number(to.slice(0, 4)), Number(to.slice(4, 6)) - 1, Number(to.slice(6))));
  if (unit === 'd') d.setUTCDate(d.getUTCDate() - amount + 1);
  else {
    d.setUTCMonth(d.getUTCMonth() - (unit === 'y' ? 12 * amount : amount));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/**
 * Reads an approval check's answer from state by key (deterministic, as a contract must): the latest
 * verified answer about this enterprise, figure and question. 'noneWithin 12m' accepts the latest
 * "free of cases" answer whose day window covers at least that span.
 */
async function answer(state: StateView, code: string, check: PrivacyCheck): Promise<PrivacyAnswer | undefined> {
  let latest: LatestAnswer | undefined;
  if (check.op === 'gte' || check.op === 'lte' || check.op === 'eq') {
    latest = await state.get<LatestAnswer>(pq.latest(code, check.field, `${check.op}/${check.value}`));
  } else if (check.op === 'validOn') {
    latest = await state.get<LatestAnswer>(pq.latest(code, check.field, `dateValid/${ymd(check.value)}`));
  } else {
    const m = /^([1-9][0-9]{0,3})([dmy])$/.exec(check.value);
    const found = m ? await state.get<LatestAnswer>(pq.latest(code, check.field, 'notInSet')) : undefined;
    if (m && found?.set && found.set.from <= windowStart(found.set.to, Number(m[1]), m[2] as 'd' | 'm' | 'y')) latest = found;
  }
  return latest ? { answer: latest.answer, ref: pq.query(latest.query), time: latest.time } : undefined;
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
