import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { Platform } from '../../server/platform.ts';
import { counts, filingOf, login, pdf, registerEnterprise, startApprovalPlatform, upload, type TestEnterprise } from '../approval/support.ts';

/**
 * One door for signed transactions, POST /<dept>/api/tx: the kinds an enterprise signs are
 * claimed by their module, checked against state before ordering (its own checks first) and
 * answered with their receipt; the module's old path takes its own kinds only.
 */
describe('POST /tx: the one door, with each module\'s admission', () => {
  let p: Platform;
  let ent: TestEnterprise;
  const http = () => request(p.app.callback());

  before(async () => {
    p = await startApprovalPlatform();
    ent = await registerEnterprise(p, await login(p, 'service', 'clerk1'), 31);
  });
  after(() => p.stop());

  test('a filing the enterprise signed is answered with its receipt and the records it made', async () => {
    const s = await ent.login();
    const up = await upload(s, pdf(`${ent.code}-door`)).expect(201);
    const material = { hash: up.body.hash, name: '营业执照.pdf', type: 'pdf' as const, size: up.body.size, category: '营业执照' };
    const res = await http().post('/service/api/tx').send(ent.sign('filing.submit', await filingOf(ent, [material])));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.receipt.status, 'ok');
    assert.equal(res.body.receipt.kind, 'filing.submit');
    assert.ok(res.body.records.includes(`filing/${ent.code}`), JSON.stringify(res.body.records));
    assert.equal(typeof res.body.final, 'boolean');
  });

  test('the approval module\'s check runs first: a material not stored on this node is refused and nothing is written', async () => {
    const before = await counts(p);
    const missing = { hash: 'ab'.repeat(32), name: 'x.pdf', type: 'pdf' as const, size: 10, category: '营业执照' };
    const res = await http().post('/service/api/tx').send(ent.sign('filing.amend', { ...(await filingOf(ent, [missing])), baseVersion: 1 }));
    assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${JSON.stringify(res.body)}`);
    assert.ok(res.body.code, 'a refusal names its code');
    assert.deepEqual(await counts(p), before);
  });

  test('a module\'s own path takes its kinds only; staff kinds are WRONG_KIND there', async () => {
    const staff = p.node('service').signAs('clerk1', 'enterprise.register', {});
    const res = await http().post('/service/api/approval/tx').send(staff);
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'WRONG_KIND');
  });
});
