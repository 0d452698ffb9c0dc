import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createModules } from '../../server/modules.ts';
import type { Platform } from '../../server/platform.ts';
import { adoptVerificationKeys, decideTogether } from '../../server/privacy-query/bootstrap.ts';
import { PRIVATE_TABLE } from '../../server/privacy-query/holder/privateValues.ts';
import { testCode } from '../approval/support.ts';
import { login, startTestPlatform, type Session } from '../support/platform.ts';
import { testPrivacyRules } from './support.ts';

/* /<dept>/api/privacy: who may do what over HTTP, what they see, and bad input refused with a code and nothing written. */

const A = testCode(8301);
const B = testCode(8302);
const TAX_A = '187654329';

let p: Platform;
let taxHolder: Session;
let policy: Session;

const txCount = async (dept: string) => Number((await p.node(dept).db('txs').count({ n: '*' }))[0].n);
const privateCount = async () => Number((await p.node('tax').db(PRIVATE_TABLE).count({ n: '*' }))[0].n);

async function answeredView(s: Session, dept: string, id: string, final = false) {
  for (;;) {
    const res = await s.get(`/${dept}/api/privacy/queries/${id}`).expect(200);
    if (res.body.status !== 'open' && (!final || res.body.verification.final)) return res.body;
    await new Promise((r) => setTimeout(r, 25));
  }
}

const gteBody = (enterprise = A) => ({ enterprise, field: 'tax.paid', period: '2025', predicate: { kind: 'gte', params: { threshold: '100000000' } }, purpose: '惠企政策兑现资格核验', basis: { type: 'statute', rule: 'payout-tax' } });

before(async () => {
  p = await startTestPlatform({ modules: createModules });
  await adoptVerificationKeys(p.nodes);
  await decideTogether(p.nodes, 'privacy.setRules', testPrivacyRules());
  taxHolder = await login(p, 'tax', 'holder1');
  policy = await login(p, 'econ', 'policy1');
});

after(() => p.stop());

describe('figure upload (holder)', () => {
  test('the holder loads figures; the chain gets commitments, the response no values', async () => {
    const res = await taxHolder.post('/tax/api/privacy/figures', { field: 'tax.paid', period: '2025', rows: [{ enterprise: A, value: TAX_A }, { enterprise: B, value: 1200 }] }).expect(201);
    assert.equal(res.body.committed, 2);
    assert.equal(res.body.txs.length, 1);
    const counts = await taxHolder.get('/tax/api/privacy/figures').expect(200);
    assert.ok(counts.body.items.some((x: { field: string; enterprises: number }) => x.field === 'tax.paid' && x.enterprises >= 2));
    assert.ok(!JSON.stringify(counts.body).includes(TAX_A));
  });

  test('bad rows, other departments\' figures and other roles are refused; nothing is written', async () => {
    const before = [await txCount('tax'), await privateCount()];
    const bad = await taxHolder.post('/tax/api/privacy/figures', { field: 'tax.paid', period: '2025', rows: [{ enterprise: A, value: '5' }, { enterprise: '91330106MA00000000', value: '5' }] }).expect(400);
    assert.equal(bad.body.code, 'PQ_BAD_FIGURE');
    assert.equal((await taxHolder.post('/tax/api/privacy/figures', { field: 'tax.paid', period: '2025', rows: [{ enterprise: A, value: '-5' }] }).expect(400)).body.code, 'PQ_BAD_FIGURE');
    assert.equal((await taxHolder.post('/tax/api/privacy/figures', { field: 'tax.paid', period: '25', rows: [{ enterprise: A, value: '5' }] }).expect(400)).body.code, 'BAD_REQUEST');
    assert.equal((await taxHolder.post('/tax/api/privacy/figures', { field: 'tax.paid', period: '202513', rows: [{ enterprise: A, value: '5' }] }).expect(400)).body.code, 'PQ_BAD_PERIOD');
    assert.equal((await taxHolder.post('/tax/api/privacy/figures', { field: 'hrss.insured', period: '202510', rows: [{ enterprise: A, value: 5 }] }).expect(403)).body.code, 'PQ_NOT_HOLDER');
    assert.equal((await taxHolder.post('/tax/api/privacy/figures', { field: 'tax.nothing', period: '2025', rows: [{ enterprise: A, value: 5 }] }).expect(404)).body.code, 'PQ_UNKNOWN_FIELD');
    const approver = await login(p, 'tax', 'approver1');
    assert.equal((await approver.post('/tax/api/privacy/figures', { field: 'tax.paid', period: '2025', rows: [{ enterprise: A, value: 5 }] }).expect(403)).body.code, 'FORBIDDEN');
    assert.deepEqual([await txCount('tax'), await privateCount()], before);
  });
});

describe('asking and reading', () => {
  let id: string;

  test('ask → automatic proof → the asker reads a verified, final answer with its proof', async () => {
    const res = await policy.post('/econ/api/privacy/queries', gteBody()).expect(201);
    id = res.body.id;
    const q = await answeredView(policy, 'econ', id, true);
    assert.equal(q.status, 'answered');
    assert.equal(q.answer, true);
    assert.deepEqual(q.verification, { verified: true, final: true, label: '已由零知识证明验证 / verified by proof' });
    assert.equal(q.proof.protocol, 'groth16');
    assert.match(q.question, /年度纳税额/);
    assert.ok(!JSON.stringify(q).includes(TAX_A), 'no raw figure in the response');
    const again = await policy.get(`/econ/api/privacy/queries/${id}?reverify=1`).expect(200);
    assert.equal(again.body.reverified, true);
  });

  test('lists: my questions, questions to my department, all for audit; paginated', async () => {
    await policy.post('/econ/api/privacy/queries', gteBody(B)).expect(201);
    const mine = await policy.get('/econ/api/privacy/queries?limit=1').expect(200);
    assert.equal(mine.body.items.length, 1);
    assert.ok(mine.body.total >= 2);
    const page2 = await policy.get('/econ/api/privacy/queries?limit=1&offset=1').expect(200);
    assert.notEqual(page2.body.items[0].id, mine.body.items[0].id);
    const inbox = await taxHolder.get('/tax/api/privacy/queries?scope=addressed').expect(200);
    assert.ok(inbox.body.items.some((x: { id: string }) => x.id === id));
    // a list row reads on its own: the question, its basis and purpose, beside the enterprise's code
    const row = inbox.body.items.find((x: { id: string }) => x.id === id);
    assert.deepEqual([row.predicate, row.basis, row.purpose, row.enterprise], [{ kind: 'gte', params: { threshold: '100000000' } }, { type: 'statute', rule: 'payout-tax' }, '惠企政策兑现资格核验', A]);
    const hrss = await login(p, 'hrss', 'holder1');
    const none = await hrss.get('/hrss/api/privacy/queries?scope=addressed').expect(200);
    assert.ok(!none.body.items.some((x: { id: string }) => x.id === id));
    assert.equal((await policy.get('/econ/api/privacy/queries?scope=all').expect(403)).body.code, 'FORBIDDEN');
    const auditor = await login(p, 'audit', 'auditor1');
    assert.equal((await auditor.get('/audit/api/privacy/queries?scope=all&status=answered').expect(400)).body.code, 'PURPOSE_REQUIRED');
    const why = encodeURIComponent('专项审计：隐私问询');
    const all = await auditor.get(`/audit/api/privacy/queries?scope=all&status=answered&purpose=${why}`).expect(200);
    assert.ok(all.body.items.some((x: { id: string }) => x.id === id));
    assert.match(all.body.auditViewTx, /^[0-9a-f]{64}$/);
    assert.equal((await auditor.get(`/audit/api/privacy/queries/${id}`).expect(400)).body.code, 'PURPOSE_REQUIRED');
    assert.equal((await auditor.get(`/audit/api/privacy/queries/${id}?purpose=${why}`).expect(200)).body.id, id);
  });

  test('enterprise search for askers: by name or code, bad input refused', async () => {
    const res = await policy.get('/econ/api/privacy/enterprises?q=9').expect(200);
    assert.ok(Array.isArray(res.body.items));
    for (const e of res.body.items) assert.deepEqual(Object.keys(e).sort(), ['code', 'name']);
    assert.equal((await policy.get(`/econ/api/privacy/enterprises?q=${'x'.repeat(61)}`).expect(400)).body.code, 'BAD_REQUEST');
    assert.equal((await taxHolder.get('/tax/api/privacy/enterprises?q=9').expect(200)).body.items.length >= 0, true);
  });

  test('a department that neither asked nor holds the figure does not see the query', async () => {
    const hrss = await login(p, 'hrss', 'holder1');
    assert.equal((await hrss.get(`/hrss/api/privacy/queries/${id}`).expect(404)).body.code, 'NOT_FOUND');
    assert.equal((await hrss.get('/hrss/api/privacy/queries/not-an-id').expect(404)).body.code, 'NOT_FOUND');
  });

  test('decline: only holder staff of the holding department, only while open', async () => {
    const hrss = await login(p, 'hrss', 'holder1');
    assert.equal((await hrss.post(`/hrss/api/privacy/queries/${id}/decline`, { reason: '无此数据' }).expect(403)).body.code, 'PQ_NOT_HOLDER');
    assert.equal((await policy.post(`/econ/api/privacy/queries/${id}/decline`, { reason: '无此数据' }).expect(403)).body.code, 'FORBIDDEN');
    assert.equal((await taxHolder.post(`/tax/api/privacy/queries/${id}/decline`, { reason: '无此数据' }).expect(409)).body.code, 'PQ_ALREADY_ANSWERED');
    assert.equal((await taxHolder.post(`/tax/api/privacy/queries/${id}/decline`, {}).expect(400)).body.code, 'BAD_REQUEST');
  });

  test('a set question over HTTP names its day window; the root is computed for the asker', async () => {
    const enf = await login(p, 'enforcement', 'holder1');
    await enf.post('/enforcement/api/privacy/figures', { field: 'enforcement.cases', period: '20251130', rows: [{ enterprise: A, value: { cases: ['20240105', '20240620'] } }] }).expect(201);
    const res = await policy
      .post('/econ/api/privacy/queries', { enterprise: A, field: 'enforcement.cases', period: '20251130', set: { from: '20241201', to: '20251130' }, predicate: { kind: 'notInSet', params: {} }, purpose: '近12个月无处罚', basis: { type: 'statute', rule: 'payout-cases' } })
      .expect(201);
    const q = await answeredView(policy, 'econ', res.body.id);
    assert.equal(q.answer, true);
    assert.match(q.question, /20241201 至 20251130 期间无行政处罚案件/);
  });

  test('bad questions are refused with a code before anything reaches the chain', async () => {
    const before = await txCount('econ');
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...gteBody(), basis: { type: 'consent' } }, 403, 'PQ_NO_BASIS'],
      [{ ...gteBody(), enterprise: '91330106MA00000000' }, 400, 'PQ_BAD_ENTERPRISE'],
      [{ ...gteBody(), predicate: { kind: 'gte', params: { threshold: '-1' } } }, 400, 'ZK_OUT_OF_RANGE'],
      [{ ...gteBody(), predicate: { kind: 'gte', params: { threshold: '1', extra: 1 } } }, 400, 'ZK_BAD_PREDICATE'],
      [{ ...gteBody(), predicate: { kind: 'lessThan', params: {} } }, 400, 'ZK_BAD_PREDICATE'],
      [{ ...gteBody(), period: '2031' }, 404, 'PQ_NO_COMMITMENT'],
      [{ ...gteBody(), field: 'tax.unknown' }, 404, 'PQ_UNKNOWN_FIELD'],
      [{ ...gteBody(), purpose: '' }, 400, 'BAD_REQUEST'],
      [{ ...gteBody(), requester: { dept: 'tax', id: 'holder1' } }, 400, 'BAD_REQUEST'],
      [{ enterprise: A, field: 'enforcement.cases', period: '20251130', set: { from: '20250101', to: '20251129' }, predicate: { kind: 'notInSet', params: {} }, purpose: '近期处罚', basis: { type: 'statute', rule: 'payout-cases' } }, 400, 'PQ_BAD_SET'],
    ];
    for (const [body, status, code] of cases) {
      const res = await policy.post('/econ/api/privacy/queries', body);
      assert.equal(res.status, status, `${code}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, code);
    }
    const clerk = await login(p, 'service', 'clerk1');
    assert.equal((await clerk.get('/service/api/privacy/queries/x').expect(404)).body.code, 'NOT_FOUND');
    const expert = await login(p, 'econ', 'expert1');
    assert.equal((await expert.post('/econ/api/privacy/queries', gteBody()).expect(403)).body.code, 'FORBIDDEN');
    assert.equal(await txCount('econ'), before, 'nothing was written');
  });

  test('the configuration names figures, statutes and the keys in force', async () => {
    const res = await policy.get('/econ/api/privacy/config').expect(200);
    assert.ok(res.body.fields.some((f: { name: string; holder: string; fieldId: string }) => f.name === 'tax.paid' && f.holder === 'tax' && f.fieldId === BigInt('0x' + Buffer.from('tax.paid').toString('hex')).toString()));
    assert.ok(res.body.statutes.some((s: { id: string }) => s.id === 'payout-tax'));
    assert.equal(res.body.keys.source, 'governance');
    assert.equal(Object.keys(res.body.keys.hashes).length, 6);
  });
});
