import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { Platform } from '../../server/platform.ts';
import { seal } from '../../server/chain/sealing/envelope.ts';
import { deptSealRecipients } from '../../server/policy-payout/deptSeal.ts';
import { pdf } from '../approval/support.ts';
import { apply, applyBody, counts, sealApply, login, payoutEnterprise, policyBody, publish, signedPost, startPayoutPlatform, type Session, type TestEnterprise } from './support.ts';

/**
 * Bad input is refused with a 4xx whose code says what is wrong, and nothing is written: no
 * transaction on the log, no state, no read-model row.
 */
describe('bad input: clear 4xx codes, nothing written', () => {
  let p: Platform;
  let policy: Session;
  let finance: Session;
  let ent: TestEnterprise;
  let pol: string;
  let app1: string;
  let app2: string;

  before(async () => {
    p = await startPayoutPlatform({ keys: false });
    policy = await login(p, 'econ', 'policy1');
    finance = await login(p, 'finance', 'finance1');
    const clerk = await login(p, 'service', 'clerk1');
    ent = await payoutEnterprise(p, clerk, 301);
    const other = await payoutEnterprise(p, clerk, 302);
    pol = await publish(policy, { budgetFen: '5000000', capFen: '5000000' });
    app1 = await apply(p, ent, pol);
    app2 = await apply(p, other, pol);
  });
  after(() => p.stop());

  async function refused(res: Promise<request.Response> | request.Test, status: number, code: string) {
    const before = await counts(p);
    const r = await res;
    assert.equal(r.status, status, `${code}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.code, code);
    assert.ok(typeof r.body.message === 'string' && r.body.message.length > 5);
    await new Promise((x) => setTimeout(x, 30));
    assert.deepEqual(await counts(p), before, `${code} wrote nothing`);
  }

  const badAmounts: [unknown, string][] = [
    ['0', 'ZERO_AMOUNT'], ['-100', 'NEGATIVE_AMOUNT'], ['100.50', 'FRACTIONAL_AMOUNT'], ['9223372036854775808', 'AMOUNT_TOO_LARGE'],
    ['123456789012345678901234567890', 'AMOUNT_TOO_LARGE'], [100, 'AMOUNT_NOT_STRING'], ['0100', 'BAD_AMOUNT'], ['1,000', 'FRACTIONAL_AMOUNT'],
  ];

  for (const [amt, code] of badAmounts) {
    test(`a budget of ${JSON.stringify(amt)} → ${code}`, () => refused(policy.post('/econ/api/payout/policies', policyBody({ budgetFen: amt })), 400, code));
    test(`an award of ${JSON.stringify(amt)} → ${code}`, () => refused(policy.post(`/econ/api/payout/applications/${app1}/decision`, { decision: 'approve', amountFen: amt, reasons: 'x' }), 400, code));
  }

  test('policy rules that could never hold', async () => {
    await refused(policy.post('/econ/api/payout/policies', policyBody({ budgetFen: '100', capFen: '101' })), 400, 'CAP_ABOVE_BUDGET');
    await refused(policy.post('/econ/api/payout/policies', policyBody({ window: { opensAt: Date.now() + 10, closesAt: Date.now() } })), 400, 'BAD_WINDOW');
    await refused(policy.post('/econ/api/payout/policies', policyBody({ window: { opensAt: 0, closesAt: 1000 } })), 400, 'WINDOW_PAST');
    await refused(policy.post('/econ/api/payout/policies', policyBody({ eligibility: { privacy: [{ id: 'x', label: '未知指标', field: 'tax.owed', period: '2025', predicate: { kind: 'gte', params: { threshold: '1' } } }] } })), 404, 'PQ_UNKNOWN_FIELD');
    await refused(policy.post('/econ/api/payout/policies', policyBody({ eligibility: { privacy: [{ id: 'x', label: '负阈值', field: 'tax.paid', period: '2025', predicate: { kind: 'gte', params: { threshold: '-1' } } }] } })), 400, 'ZK_OUT_OF_RANGE');
    await refused(policy.post('/econ/api/payout/policies', policyBody({ publicityDays: 0 })), 400, 'BAD_REQUEST');
    await refused(policy.post('/econ/api/payout/policies', { ...policyBody(), extra: 1 }), 400, 'BAD_REQUEST');
  });

  test('exactly the budget passes; one fen more does not', async () => {
    const ok = await policy.post(`/econ/api/payout/applications/${app1}/decision`, { decision: 'approve', amountFen: '5000000', reasons: '全额' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    await refused(policy.post(`/econ/api/payout/applications/${app2}/decision`, { decision: 'approve', amountFen: '1', reasons: '超出预算' }), 409, 'BUDGET_EXCEEDED');
    await refused(policy.post(`/econ/api/payout/applications/${app2}/decision`, { decision: 'approve', reasons: '无金额' }), 400, 'AMOUNT_REQUIRED');
  });

  test('ids, records and states that are not there', async () => {
    await refused(policy.post('/econ/api/payout/applications/nope/decision', { decision: 'reject', reasons: 'x' }), 400, 'BAD_REQUEST');
    await refused(policy.post('/econ/api/payout/applications/PA-999999-0/decision', { decision: 'reject', reasons: 'x' }), 404, 'UNKNOWN_APPLICATION');
    await refused(policy.post(`/econ/api/payout/applications/${app1}/decision`, { decision: 'approve', amountFen: '1', reasons: '再批一次' }), 409, 'NOT_DECIDING');
    await refused(finance.post('/finance/api/payout/runs', { policy: 'PL-999999-0' }), 404, 'UNKNOWN_POLICY');
    await refused(finance.post('/finance/api/payout/runs', { policy: pol }), 409, 'NOTHING_TO_PAY');
    await refused(policy.post(`/econ/api/payout/policies/${pol}/release`, {}), 409, 'NOTHING_TO_RELEASE');
    await refused(policy.post('/econ/api/payout/objections/OB-1-1/resolve', { outcome: 'dismiss', reasons: 'x' }), 404, 'UNKNOWN_OBJECTION');
  });

  test('applications the enterprise signs: wrong filing version, payee, cap, attachment, node, kind', async () => {
    const pol2 = await publish(policy, { title: '第二项政策', budgetFen: '1000000', capFen: '100000' });
    await refused(signedPost(p, ent, 'payout.apply', applyBody(ent, pol2, { filingVersion: 2 })), 409, 'STALE_FILING');
    await refused(signedPost(p, ent, 'payout.apply', applyBody(ent, pol2, { payee: { name: '别人家公司', account: '6222021001000001', bankName: '工行', bankCode: '102331000013' } })), 422, 'PAYEE_NOT_APPLICANT');
    await refused(signedPost(p, ent, 'payout.apply', applyBody(ent, pol2, { requestedFen: '100001' })), 422, 'ABOVE_CAP');
    await refused(signedPost(p, ent, 'payout.apply', applyBody(ent, pol2, { requestedFen: '-1' })), 400, 'NEGATIVE_AMOUNT');
    await refused(signedPost(p, ent, 'payout.apply', applyBody(ent, pol2, { attachments: [{ hash: 'a'.repeat(64), name: 'x.pdf', type: 'pdf', size: 10 }] })), 400, 'ATTACHMENT_NOT_FOUND');
    await refused(signedPost(p, ent, 'payout.apply', applyBody(ent, pol2), 'service'), 421, 'WRONG_NODE');
    await refused(signedPost(p, ent, 'payout.run', { policy: pol2 }), 400, 'WRONG_KIND');
    await refused(signedPost(p, ent, 'payout.apply', applyBody(ent, 'PL-77-7')), 404, 'UNKNOWN_POLICY');
    // the statement and file names go sealed to the policy's department, and names come with attachments
    const up = await (await ent.login('econ')).post(`/econ/api/payout/attachments?policy=${pol2}`).set('content-type', 'application/pdf').send(pdf(`${ent.code}-bad-input`)).expect(201);
    const withFile = await sealApply(p.node('econ'), applyBody(ent, pol2, { attachments: [{ hash: up.body.hash, name: '附件.pdf', type: 'pdf', size: up.body.size }] }));
    const { attachmentNames: _n, ...unnamed } = withFile;
    await refused(signedPost(p, ent, 'payout.apply', unnamed), 400, 'SEAL_MISSING');
    const financeOnly = await seal('只给财政', await deptSealRecipients(p.node('econ').view(), ['finance']));
    await refused(signedPost(p, ent, 'payout.apply', { ...(await sealApply(p.node('econ'), applyBody(ent, pol2))), statement: financeOnly }), 400, 'SEAL_RECIPIENTS');
    const plain = ent.sign('payout.apply', { ...(await sealApply(p.node('econ'), applyBody(ent, pol2))), statement: '明文说明' });
    await refused(request(p.app.callback()).post('/econ/api/payout/tx').send(plain), 400, 'BAD_REQUEST');
    const tampered = ent.sign('payout.apply', await sealApply(p.node('econ'), applyBody(ent, pol2)));
    await refused(request(p.app.callback()).post('/econ/api/payout/tx').send({ ...tampered, payload: { ...tampered.payload, requestedFen: '99' } }), 401, 'BAD_SIGNATURE');
    await refused(request(p.app.callback()).post('/econ/api/payout/tx').set('content-type', 'application/json').send('{"kind":'), 400, 'MALFORMED_JSON');
  });

  test('bank statements that are not', async () => {
    await refused(finance.post('/finance/api/payout/runs/PR-1-1/statement').set('content-type', 'text/csv').send('x'), 404, 'NOT_FOUND');
  });
});
