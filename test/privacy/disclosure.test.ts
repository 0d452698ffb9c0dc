import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChainNode } from '../../server/chain/node.ts';
import { createModules } from '../../server/modules.ts';
import type { Platform } from '../../server/platform.ts';
import { privacyPort } from '../../server/privacy-query/approvalAdapter.ts';
import { adoptVerificationKeys, decideTogether } from '../../server/privacy-query/bootstrap.ts';
import { DEFAULT_STATUTES, PrivacyRules } from '../../server/privacy-query/config.ts';
import { commitFigures } from '../../server/privacy-query/holder/figures.ts';
import { currentPeriod } from '../../server/privacy-query/questions.ts';
import type { QueryRecord } from '../../server/privacy-query/raise.ts';
import { pq } from '../../server/privacy-query/stateKeys.ts';
import { fileOnce, registerEnterprise, testCode, type TestEnterprise } from '../approval/support.ts';
import { login, startTestPlatform, type Session } from '../support/platform.ts';

/*
 * Disclosure control: a question takes its parameters from its basis, and one enterprise's figure for
 * one period is asked about at most maxDistinctQuestions distinct thresholds, by all departments
 * together. Refusals come over HTTP before ordering and, for a transaction forced into the log, in its
 * block with the same code.
 */

const A = testCode(9101); // the binary search target
const B = testCode(9102); // range counts as two thresholds
const C = testCode(9103); // HTTP refusals
const FIGURE = 153_726_481n;
const LAST_YEAR = String(Number(currentPeriod('yyyy', Date.now())) - 1);
const OLD_YEAR = String(Number(LAST_YEAR) - 1);

/** The thresholds a binary search for FIGURE in [0, 2^28) asks, in order. */
function searchPath(steps: number): string[] {
  let [lo, hi] = [0n, 1n << 28n];
  const out: string[] = [];
  for (let i = 0; i < steps; i++) {
    const mid = (lo + hi) / 2n;
    out.push(mid.toString());
    if (FIGURE >= mid) lo = mid;
    else hi = mid;
  }
  return out;
}
const PATH = searchPath(6);

const statute = (id: string, dept: string, questions: { kind: string; value?: string }[]) => ({ id, dept, field: 'tax.paid', basis: `测试条款 ${id}`, questions });
const RULES = PrivacyRules.parse({
  statutes: [
    ...DEFAULT_STATUTES,
    // Governance may name many questions; the budget still stops a search across them.
    statute('search-econ', 'econ', [...PATH.map((t) => ({ kind: 'gte', value: t })), { kind: 'range', value: '100000000-200000000' }]),
    statute('search-audit', 'audit', [...PATH.map((t) => ({ kind: 'gte', value: t })), { kind: 'lte', value: String(BigInt(PATH[0]) - 1n) }]),
    statute('search-finance', 'finance', PATH.map((t) => ({ kind: 'gte', value: t }))),
    statute('market-tax', 'market', [{ kind: 'gte', value: '100000000' }]),
  ],
});

let p: Platform;

const gte = (enterprise: string, threshold: string, rule: string, period = '2025') => ({
  enterprise,
  field: 'tax.paid',
  period,
  predicate: { kind: 'gte', params: { threshold } },
  purpose: '纳税情况核验',
  basis: { type: 'statute', rule },
});

/** Forced into the log (no preflight); the receipt, the same on every node. */
async function inBlock(node: string, user: string, body: Record<string, unknown>) {
  const { id } = await p.node(node).submitAs(user, 'privacy.ask', body);
  const rows = await Promise.all(p.nodes.map(async (n) => (await n.store.tx(id)) ?? (await n.waitFor(id, 'receipt'))));
  assert.equal(new Set(rows.map((r) => JSON.stringify([r.height, r.status, r.code]))).size, 1, 'every node records the same receipt');
  // Let the holder's answer land, so later tests see a quiet chain.
  if (rows[0].status === 'ok') await answered(id);
  return { id, status: rows[0].status, code: rows[0].code };
}

async function answered(id: string): Promise<QueryRecord> {
  for (let i = 0; ; i++) {
    const q = await p.node('tax').view().get<QueryRecord>(pq.query(id));
    if (q && q.status !== 'open') return q;
    if (i > 1500) throw new Error(`query ${id} not answered`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const disclosed = (node: ChainNode, code: string, period = '2025') => node.view().get<{ cuts: string[] }>(pq.disclosed(code, 'tax.paid', period));

before(async () => {
  p = await startTestPlatform({ modules: createModules });
  await adoptVerificationKeys(p.nodes);
  await decideTogether(p.nodes, 'privacy.setRules', RULES);
  await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: '2025', rows: [A, B, C].map((enterprise) => ({ enterprise, value: FIGURE.toString() })) });
});

after(() => p.stop());

describe('the disclosure budget, across every asking department', () => {
  test('a binary search of gte questions stops at the budget, whoever asks', async () => {
    const askers: [string, string, string][] = [['econ', 'policy1', 'search-econ'], ['audit', 'auditor1', 'search-audit'], ['finance', 'finance1', 'search-finance']];
    const outcomes: (string | null)[] = [];
    for (const [i, t] of PATH.entries()) {
      const [dept, user, rule] = askers[i % askers.length];
      const r = await inBlock(dept, user, gte(A, t, rule));
      outcomes.push(r.status === 'ok' ? 'ok' : r.code);
      if (r.status === 'ok') assert.equal((await answered(r.id)).answer, FIGURE >= BigInt(t));
    }
    assert.deepEqual(outcomes, ['ok', 'ok', 'PQ_DISCLOSURE_BUDGET', 'PQ_DISCLOSURE_BUDGET', 'PQ_DISCLOSURE_BUDGET', 'PQ_DISCLOSURE_BUDGET'], 'econ and audit used the budget; finance, and then everyone, is refused');
    assert.deepEqual((await disclosed(p.node('hrss'), A))!.cuts, [PATH[0], PATH[1]].sort(), 'every node counts the same two thresholds');
  });

  test('a question already asked may be asked again, by another department too; "≤ t-1" is the same question as "≥ t"', async () => {
    const again = await inBlock('finance', 'finance1', gte(A, PATH[0], 'search-finance'));
    assert.equal(again.status, 'ok', again.code ?? '');
    const complement = await inBlock('audit', 'auditor1', { ...gte(A, PATH[0], 'search-audit'), predicate: { kind: 'lte', params: { threshold: String(BigInt(PATH[0]) - 1n) } } });
    assert.equal(complement.status, 'ok', complement.code ?? '');
    assert.equal((await disclosed(p.node('tax'), A))!.cuts.length, 2);
  });

  test('a range counts as its two bounds', async () => {
    const range = await inBlock('econ', 'policy1', { ...gte(B, '0', 'search-econ'), predicate: { kind: 'range', params: { lower: '100000000', upper: '200000000' } } });
    assert.equal(range.status, 'ok', range.code ?? '');
    assert.deepEqual((await disclosed(p.node('tax'), B))!.cuts, ['100000000', '200000001']);
    const more = await inBlock('audit', 'auditor1', gte(B, PATH[0], 'search-audit'));
    assert.equal(more.code, 'PQ_DISCLOSURE_BUDGET');
  });
});

describe('a question takes its parameters from its basis', () => {
  let econ: Session;
  let finance: Session;
  before(async () => {
    econ = await login(p, 'econ', 'policy1');
    finance = await login(p, 'finance', 'finance1');
  });

  const refusedEverywhere = async (s: Session, dept: string, user: string, body: Record<string, unknown>, status: number, code: string) => {
    const [height, state] = [p.node(dept).height, JSON.stringify(await disclosed(p.node(dept), C))];
    const res = await s.post(`/${dept}/api/privacy/queries`, body);
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.equal(res.body.code, code);
    assert.equal(p.node(dept).height, height, 'nothing ordered: the chain did not grow');
    assert.equal(JSON.stringify(await disclosed(p.node(dept), C)), state, 'nothing counted');
    // The same question forced into the log is refused in its block with the same code, and writes nothing.
    const r = await inBlock(dept, user, body);
    assert.equal(r.status, 'rejected');
    assert.equal(r.code, code);
    assert.equal(await p.node('audit').view().get(pq.query(r.id)), undefined);
    assert.equal(JSON.stringify(await disclosed(p.node('audit'), C)), state);
  };

  test('no basis: no consent, a statute of another department, an unknown statute', async () => {
    await refusedEverywhere(finance, 'finance', 'finance1', { ...gte(C, PATH[0], 'x'), basis: { type: 'consent' } }, 403, 'PQ_NO_BASIS');
    await refusedEverywhere(finance, 'finance', 'finance1', gte(C, PATH[0], 'search-econ'), 403, 'PQ_NO_BASIS');
    await refusedEverywhere(finance, 'finance', 'finance1', gte(C, PATH[0], 'no-such-rule'), 403, 'PQ_NO_BASIS');
  });

  test('a statute for policy applications only: no free questions, whatever the threshold', async () => {
    await refusedEverywhere(econ, 'econ', 'policy1', gte(C, '100000000', 'payout-tax'), 403, 'PQ_NO_BASIS');
  });

  test('parameters the statute does not name are refused', async () => {
    await refusedEverywhere(econ, 'econ', 'policy1', gte(C, '12345', 'search-econ'), 403, 'PQ_PARAMS_NOT_ALLOWED');
    await refusedEverywhere(econ, 'econ', 'policy1', { ...gte(C, '0', 'search-econ'), predicate: { kind: 'lte', params: { threshold: PATH[0] } } }, 403, 'PQ_PARAMS_NOT_ALLOWED');
  });

  test('over the budget: 409 over HTTP before ordering, and in the block', async () => {
    for (const t of PATH.slice(0, 2)) await answered((await econ.post('/econ/api/privacy/queries', gte(C, t, 'search-econ')).expect(201)).body.id);
    await refusedEverywhere(econ, 'econ', 'policy1', gte(C, PATH[2], 'search-econ'), 409, 'PQ_DISCLOSURE_BUDGET');
    await econ.post('/econ/api/privacy/queries', gte(C, PATH[1], 'search-econ')).expect(201);
  });
});

describe('an approval application as the basis, and answers that respect their period', () => {
  let ent: TestEnterprise;
  let market: Session;
  let housing: Session;
  let appId: string;

  before(async () => {
    const clerk = await login(p, 'service', 'clerk1');
    ent = await registerEnterprise(p, clerk, 9104, '滨江问询测试建设有限公司');
    await fileOnce(ent);
    const res = await ent.submit('approval.apply', { process: 'construction', project: { name: '问询测试项目' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    appId = res.body.records[0].replace('app/', '');
    await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: LAST_YEAR, rows: [{ enterprise: ent.code, value: FIGURE.toString() }] });
    await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: OLD_YEAR, rows: [{ enterprise: ent.code, value: FIGURE.toString() }] });
    market = await login(p, 'market', 'approver1');
    housing = await login(p, 'housing', 'approver1');
  });

  const fromCheck = (o: Record<string, unknown> = {}) => ({
    enterprise: ent.code,
    field: 'tax.paid',
    period: LAST_YEAR,
    predicate: { kind: 'gte', params: { threshold: '100000000' } },
    purpose: '企业资质核验：上年度纳税额',
    basis: { type: 'approval', app: appId },
    ...o,
  });
  const taxCheck = { type: 'privacy', dept: 'tax', field: 'tax.paidAnnual', op: 'gte', value: '100000000', label: '上年度纳税额不低于100万元', blocking: false } as const;

  test('the portal lists what the application lets the department ask', async () => {
    const res = await market.get(`/market/api/privacy/allowed?enterprise=${ent.code}&basis=approval&app=${appId}`).expect(200);
    assert.deepEqual(res.body.items.map((q: { field: string; period: string; predicate: unknown }) => [q.field, q.period, q.predicate]), [['tax.paid', LAST_YEAR, { kind: 'gte', params: { threshold: '100000000' } }]]);
    const none = await housing.get(`/housing/api/privacy/allowed?enterprise=${ent.code}&basis=approval&app=${appId}`).expect(200);
    assert.ok(!none.body.items.some((q: { field: string }) => q.field === 'tax.paid'), 'housing\'s stages ask nothing about tax');
  });

  test('only the check\'s question, about the period it needs, by the stage\'s department', async () => {
    assert.equal((await market.post('/market/api/privacy/queries', fromCheck({ predicate: { kind: 'gte', params: { threshold: '50000000' } } })).expect(403)).body.code, 'PQ_PARAMS_NOT_ALLOWED');
    assert.equal((await market.post('/market/api/privacy/queries', fromCheck({ period: OLD_YEAR })).expect(403)).body.code, 'PQ_PARAMS_NOT_ALLOWED');
    assert.equal((await housing.post('/housing/api/privacy/queries', fromCheck()).expect(403)).body.code, 'PQ_NO_BASIS');
    assert.equal((await market.post('/market/api/privacy/queries', fromCheck({ basis: { type: 'approval', app: 'AP-1-0' } })).expect(403)).body.code, 'PQ_NO_BASIS');
  });

  test('an answer about an older year does not satisfy "last year\'s tax"; the right one does', async () => {
    const subject = { code: ent.code, at: (await housing.get(`/housing/api/approval/applications/${appId}`).expect(200)).body.submittedAt, genesis: p.node('market').genesis };
    const old = await inBlock('market', 'approver1', gte(ent.code, '100000000', 'market-tax', OLD_YEAR));
    assert.equal(old.status, 'ok', old.code ?? '');
    assert.equal((await answered(old.id)).answer, true);
    assert.equal(await privacyPort.answer(p.node('market').view(), subject, taxCheck), undefined, `a ${OLD_YEAR} answer leaves the check pending`);
    const res = await market.post('/market/api/privacy/queries', fromCheck()).expect(201);
    assert.equal((await answered(res.body.id)).answer, true);
    const a = await privacyPort.answer(p.node('market').view(), subject, taxCheck);
    assert.equal(a?.answer, true);
    assert.equal(a?.ref, pq.query(res.body.id));
  });
});
