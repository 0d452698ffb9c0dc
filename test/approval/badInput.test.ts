import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Platform } from '../../server/platform.ts';
import { MAX_MATERIAL_BYTES } from '../../server/approval/schema.ts';
import { counts, filingOf, fileOnce, login, pdf, png, registerEnterprise, settle, startApprovalPlatform, TestEnterprise, testCode, upload, type Session, supplementOf } from './support.ts';

/** Every kind of bad input gets a 4xx with a code and a message, and writes nothing anywhere. */
describe('bad input is refused and changes nothing', () => {
  let p: Platform;
  let clerk: Session;
  let ent: TestEnterprise;
  let appId: string;

  before(async () => {
    p = await startApprovalPlatform();
    clerk = await login(p, 'service', 'clerk1');
    ent = await registerEnterprise(p, clerk, 61, '滨江嘉禾物流有限公司');
    await fileOnce(ent);
    const r = await ent.submit('approval.apply', { process: 'foodLicence', project: { name: '仓储食堂' } });
    appId = r.body.records[0].slice(4);
    const market = await login(p, 'market', 'approver1');
    await market.post(`/market/api/approval/applications/${appId}/stages/review/decision`, { decision: 'approve', opinion: '同意' }).expect(200);
    await settle();
  });
  after(() => p.stop());

  async function refused(run: () => Promise<{ status: number; body: any }>, status: number, code: string) {
    const before = { service: await counts(p, 'service'), housing: await counts(p, 'housing') };
    const res = await run();
    assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(res.body.code, code);
    assert.ok(typeof res.body.message === 'string' && res.body.message.length > 5, 'a message a person can read');
    await settle(); // anything wrongly ordered would now be in a block
    assert.deepEqual({ service: await counts(p, 'service'), housing: await counts(p, 'housing') }, before, 'nothing written');
  }

  const register = (code: string) => () =>
    clerk.post('/service/api/approval/enterprises', { code, name: '错误代码公司', publicKey: new TestEnterprise(p, code, '').publicKey, verification: { method: 'window' } });

  test('wrong credit codes', async () => {
    const good = testCode(62);
    const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    await refused(register(wrongCheck), 400, 'BAD_CREDIT_CODE');
    await refused(register(good.slice(0, 17)), 400, 'BAD_CREDIT_CODE');
    await refused(register(good.toLowerCase()), 400, 'BAD_CREDIT_CODE');
    await refused(register('91330106MAI0000000'), 400, 'BAD_CREDIT_CODE');
    const res = await register(wrongCheck)();
    assert.match(res.body.message, /expected/);
  });

  test('unsigned, wrongly signed, tampered and unknown-key filings', async () => {
    const tx = ent.sign('filing.amend', { ...(await filingOf(ent)), baseVersion: 1 });
    const { signature: _s, ...unsigned } = tx;
    await refused(() => clerk.post('/service/api/approval/tx', unsigned), 400, 'MALFORMED_TX');
    const other = ed25519.utils.randomSecretKey();
    const wrongSig = Buffer.from(ed25519.sign(Buffer.from('something else'), other)).toString('hex');
    await refused(() => clerk.post('/service/api/approval/tx', { ...tx, signature: wrongSig }), 401, 'BAD_SIGNATURE');
    await refused(() => clerk.post('/service/api/approval/tx', { ...tx, payload: { ...tx.payload, baseVersion: 2 } }), 401, 'BAD_SIGNATURE');
    const stranger = new TestEnterprise(p, ent.code, ent.name);
    await refused(async () => stranger.submit('filing.amend', { ...(await filingOf(ent)), baseVersion: 1 }), 403, 'UNKNOWN_SIGNER');
    await refused(async () => ent.submit('filing.submit', await filingOf(ent)), 409, 'FILING_EXISTS');
    await refused(() => clerk.post('/service/api/approval/tx', { ...tx, payload: { ...tx.payload, employees: 1.5 } }), 400, 'NOT_CANONICAL');
    await refused(() => clerk.post('/service/api/approval/tx', p.node('service').signAs('clerk1', 'enterprise.register', {})), 400, 'WRONG_KIND');
  });

  test('oversized, wrong-type and missing materials', async () => {
    const s = await ent.login();
    await refused(() => upload(s, Buffer.concat([pdf('big'), Buffer.alloc(MAX_MATERIAL_BYTES)])), 413, 'FILE_TOO_LARGE');
    await refused(() => upload(s, Buffer.from('hello'), 'text/plain'), 415, 'UNSUPPORTED_TYPE');
    await refused(() => upload(s, png(), 'application/pdf'), 415, 'UNSUPPORTED_TYPE');
    await refused(() => upload(s, Buffer.from('MZ\x90\x00 not a pdf'), 'application/pdf'), 415, 'UNSUPPORTED_TYPE');
    const missing = { hash: 'ab'.repeat(32), name: '未上传.pdf', type: 'pdf' as const, size: 100, category: '其他' };
    await refused(async () => ent.submit('filing.amend', { ...(await filingOf(ent, [missing])), baseVersion: 1 }), 400, 'MATERIAL_NOT_FOUND');
    const up = await upload(s, pdf('sized')).expect(201);
    const liar = { hash: up.body.hash, name: 'x.pdf', type: 'pdf' as const, size: up.body.size + 1, category: '其他' };
    await refused(async () => ent.submit('filing.amend', { ...(await filingOf(ent, [liar])), baseVersion: 1 }), 400, 'MATERIAL_MISMATCH');
    const ok = await upload(s, png(), 'image/png');
    assert.equal(ok.status, 201);
    assert.equal(ok.body.type, 'png');
  });

  test('decisions on another department\'s stage and after the final decision', async () => {
    const housing = await login(p, 'housing', 'approver1');
    const market = await login(p, 'market', 'approver1');
    const body = { decision: 'approve', opinion: '同意' };
    await refused(() => housing.post(`/housing/api/approval/applications/${appId}/stages/review/decision`, body), 403, 'WRONG_DEPT');
    await refused(() => market.post(`/market/api/approval/applications/${appId}/stages/review/decision`, { ...body, decision: 'reject' }), 409, 'APPLICATION_CLOSED');
    await refused(() => market.post(`/market/api/approval/applications/${appId}/stages/nope/decision`, body), 404, 'UNKNOWN_STAGE');
    await refused(() => market.post('/market/api/approval/applications/AP-999-0/stages/review/decision', body), 404, 'NOT_FOUND');
    await refused(() => market.post(`/market/api/approval/applications/${appId}/stages/review/decision`, { decision: 'maybe', opinion: 'x' }), 400, 'BAD_REQUEST');
  });

  test('applications: no filing, unknown process, a supplement nobody asked for', async () => {
    const fresh = await registerEnterprise(p, clerk, 63);
    await refused(() => fresh.submit('approval.apply', { process: 'foodLicence', project: { name: '门店' } }), 409, 'NO_FILING');
    await refused(() => ent.submit('approval.apply', { process: 'nosuch', project: { name: '门店' } }), 404, 'UNKNOWN_PROCESS');
    await refused(async () => ent.submit('approval.supplement', await supplementOf(ent, appId, '补正')), 409, 'NOT_RETURNED');
  });

  test('inspections of an unknown enterprise, or with no enterprise at all', async () => {
    const inspector = await login(p, 'housing', 'inspector1');
    await refused(() => inspector.post('/housing/api/approval/inspections/adhoc', { code: testCode(999), subject: '检查', result: 'pass' }), 404, 'UNKNOWN_ENTERPRISE');
    await refused(() => inspector.post('/housing/api/approval/inspections/adhoc', { result: 'pass' }), 400, 'BAD_PAYLOAD');
  });
});
