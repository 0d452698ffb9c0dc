import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StateView } from '../../server/chain/state.ts';
import { allowedFor, isAllowedQuestion, type BasisAsk } from '../../server/privacy-query/basis.ts';
import { PrivacyRules, requireField } from '../../server/privacy-query/config.ts';
import { cutsOf, withinBudget } from '../../server/privacy-query/disclosure.ts';
import { periodAt, previousPeriod, QuestionSpec, windowOf } from '../../server/privacy-query/questions.ts';
import { pq } from '../../server/privacy-query/stateKeys.ts';
import { parsePredicate } from '../../server/privacy-query/zk/predicates.ts';
import { testCode } from '../approval/support.ts';

/* The basis and budget rules as pure functions over a state held in a Map. */

const E = testCode(9201);
const stateOf = (entries: Record<string, unknown>): StateView & { writes: Map<string, unknown> } => {
  const m = new Map(Object.entries(entries));
  const writes = new Map<string, unknown>();
  return { writes, get: async <T>(k: string) => m.get(k) as T | undefined, put: (k, v) => void (writes.set(k, v), m.set(k, v)), del: (k) => void m.delete(k) };
};
const cfg = PrivacyRules.parse({
  statutes: [
    { id: 'inspect-tax', dept: 'market', field: 'tax.paid', basis: '检查时核验纳税', questions: [{ kind: 'gte', value: '1' }], origin: 'case' },
    { id: 'econ-cases', dept: 'econ', field: 'enforcement.cases', basis: '近一年无处罚', questions: [{ kind: 'notInSet', value: '12m' }] },
  ],
});
const tax = requireField(cfg, 'tax.paid');
const cases = requireField(cfg, 'enforcement.cases');
const ask = (basis: BasisAsk['basis'], dept = 'market', origin?: BasisAsk['origin']): BasisAsk => ({ requester: { dept }, enterprise: E, basis, ...(origin ? { origin } : {}) });
const refusedWith = async (p: Promise<unknown>, code: string) => assert.equal(((await p.catch((e) => e)) as { code?: string }).code, code);

describe('questions', () => {
  test('a spec checks its value against its kind', () => {
    assert.equal(QuestionSpec.safeParse({ kind: 'gte', value: '100' }).success, true);
    assert.equal(QuestionSpec.safeParse({ kind: 'gte' }).success, false, 'a threshold must be named');
    assert.equal(QuestionSpec.safeParse({ kind: 'range', value: '1-5' }).success, true);
    assert.equal(QuestionSpec.safeParse({ kind: 'notInSet', value: '12x' }).success, false);
    assert.equal(QuestionSpec.safeParse({ kind: 'dateValid' }).success, true, 'without a day: the day it is asked');
  });
  test('the period a check needs, from block time in China Standard Time', () => {
    const t = Date.UTC(2025, 11, 31, 16, 30); // 2026-01-01 00:30 in China
    assert.equal(periodAt('yyyy', 'value', t), '2025', 'last year\'s annual value');
    assert.equal(periodAt('yyyy', 'interval', t), '2026');
    assert.equal(periodAt('yyyymm', 'value', t), '202601');
    assert.equal(periodAt('yyyymmdd', 'set', t), '20260101');
    assert.equal(previousPeriod('yyyymmdd', '20260301'), '20260228');
    assert.deepEqual(windowOf('12m', '20251231'), { from: '20250101', to: '20251231' });
  });
});

describe('bases', () => {
  test('a statute with origin case: only for an open case or planned inspection of the asking department about this enterprise', async () => {
    const s = stateOf({
      'case/CS-1': { id: 'CS-1', code: E, dept: 'market', status: 'open' },
      'case/CS-2': { id: 'CS-2', code: E, dept: 'market', status: 'closed' },
      'case/CS-3': { id: 'CS-3', code: E, dept: 'enforcement', status: 'open' },
      'insp/IN-1': { id: 'IN-1', code: E, dept: 'market', status: 'planned' },
    });
    const rule = { type: 'statute', rule: 'inspect-tax' } as const;
    assert.equal((await allowedFor(s, cfg, tax, ask(rule, 'market', { module: 'case', ref: 'CS-1' }))).allowed.length, 1);
    assert.equal((await allowedFor(s, cfg, tax, ask(rule, 'market', { module: 'inspection', ref: 'IN-1' }))).allowed.length, 1);
    await refusedWith(allowedFor(s, cfg, tax, ask(rule)), 'PQ_NO_BASIS');
    await refusedWith(allowedFor(s, cfg, tax, ask(rule, 'market', { module: 'case', ref: 'CS-2' })), 'PQ_NO_BASIS');
    await refusedWith(allowedFor(s, cfg, tax, ask(rule, 'market', { module: 'case', ref: 'CS-3' })), 'PQ_NO_BASIS');
  });

  test('a consent allows the questions it names, and no others', async () => {
    const s = stateOf({ [`filing/${E}`]: { consents: [{ dept: 'econ', field: 'tax.paidAnnual', purpose: '补贴', questions: [{ kind: 'gte', value: '100000000' }] }, { dept: 'hrss', field: 'tax.paid', purpose: 'x' }] } });
    const { allowed } = await allowedFor(s, cfg, tax, ask({ type: 'consent' }, 'econ'));
    const q = (threshold: string, period = '2025') => ({ field: 'tax.paid', period, predicate: { kind: 'gte', params: { threshold } } });
    assert.equal(isAllowedQuestion(allowed, q('100000000'), 0), true);
    assert.equal(isAllowedQuestion(allowed, q('100000000', '2019'), 0), true, 'any period');
    assert.equal(isAllowedQuestion(allowed, q('99999999'), 0), false);
    assert.deepEqual((await allowedFor(s, cfg, tax, ask({ type: 'consent' }, 'hrss'))).allowed, [], 'a consent naming no question allows none by hand');
    await refusedWith(allowedFor(s, cfg, tax, ask({ type: 'consent' }, 'finance')), 'PQ_NO_BASIS');
  });

  test('a set question\'s window follows the period it is asked about', async () => {
    const { allowed } = await allowedFor(stateOf({}), cfg, cases, ask({ type: 'statute', rule: 'econ-cases' }, 'econ'));
    const q = (from: string, to: string) => ({ field: 'enforcement.cases', period: to, predicate: { kind: 'notInSet', params: { setRoot: '1' } }, set: { from, to } });
    assert.equal(isAllowedQuestion(allowed, q('20250101', '20251231'), 0), true);
    assert.equal(isAllowedQuestion(allowed, q('20240101', '20251231'), 0), false, 'a longer window is another question');
  });
});

describe('cuts and the budget', () => {
  const p = (kind: string, params: Record<string, string>) => parsePredicate({ kind, params });
  test('what a question cuts', () => {
    assert.deepEqual(cutsOf('value', p('gte', { threshold: '100' })), ['100']);
    assert.deepEqual(cutsOf('value', p('lte', { threshold: '99' })), ['100'], '≤ 99 is ≥ 100 negated');
    assert.deepEqual(cutsOf('value', p('range', { lower: '10', upper: '20' })), ['10', '21']);
    assert.deepEqual(cutsOf('value', p('eq', { target: '7' })), ['7', '8']);
    assert.deepEqual(cutsOf('value', p('gte', { threshold: '0' })), [], 'always yes');
    assert.deepEqual(cutsOf('interval', p('dateValid', { date: '20261201' })), ['20261201']);
    assert.deepEqual(cutsOf('set', p('notInSet', { setRoot: '5' }), { from: '20250101' }), ['20250101']);
  });
  test('distinct cuts up to the budget; a repeat writes nothing', async () => {
    const s = stateOf({});
    const key = pq.disclosed(E, 'tax.paid', '2025');
    const next = async (kind: string, params: Record<string, string>) => {
      const d = await withinBudget(s, 2, tax, E, '2025', p(kind, params));
      if (d) s.put(key, d);
      return d;
    };
    assert.deepEqual(await next('gte', { threshold: '100' }), { cuts: ['100'] });
    assert.equal(await next('lte', { threshold: '99' }), undefined, 'nothing new');
    await refusedWith(next('range', { lower: '5', upper: '50' }), 'PQ_DISCLOSURE_BUDGET');
    assert.deepEqual(await next('gte', { threshold: '200' }), { cuts: ['100', '200'] });
    await refusedWith(next('gte', { threshold: '150' }), 'PQ_DISCLOSURE_BUDGET');
    assert.equal(await next('gte', { threshold: '200' }), undefined);
  });
});
