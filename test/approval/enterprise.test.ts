import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import { filingDraftOf, filingOf, fileOnce, login, registerEnterprise, TestEnterprise, testCode, type Session } from './support.ts';
import { filingSealRecipients, sealFiling } from '../../server/approval/filingSeal.ts';

/**
 * Registration at the window, the enterprise's own signed filing (一表申报), amendments with
 * history, and key rotation through the service centre.
 */
describe('enterprises: registration, one-form filing, amendments, key rotation', () => {
  let p: Platform;
  let clerk: Session;
  let ent: TestEnterprise;

  before(async () => {
    const { startApprovalPlatform } = await import('./support.ts');
    p = await startApprovalPlatform();
    clerk = await login(p, 'service', 'clerk1');
    ent = await registerEnterprise(p, clerk, 1, '滨江恒泰建设工程有限公司');
  });
  after(() => p.stop());

  test('the clerk registers code and key; the key is now the enterprise signer on every node', async () => {
    const signer = await p.node('housing').view().get<{ type: string; code: string }>(`key/${ent.publicKey}`);
    assert.deepEqual(signer, { type: 'enterprise', code: ent.code });
    const rec = await p.node('market').view().get<any>(`ent/${ent.code}`);
    assert.equal(rec.registeredBy.dept, 'service');
    assert.equal(rec.registeredBy.user, 'clerk1');
    const score = await p.node('market').view().get<any>(`credit/score/${ent.code}`);
    assert.equal(score.grade, 'B', 'a new enterprise starts at B under the default weights');
  });

  test('only the service centre registers enterprises', async () => {
    // No role check alone would catch this: a clerk of another department.
    await p.node('market').submitAs('admin', 'user.register', { id: 'clerk9', name: '市场窗口', role: 'clerk' });
    const other = await login(p, 'market', 'clerk9').catch(() => undefined);
    assert.equal(other, undefined, 'no password on market for clerk9: cannot log in');
    const tx = p.node('market').signAs('clerk9', 'enterprise.register', { code: testCode(2), name: 'x公司', publicKey: new TestEnterprise(p, testCode(2), 'x').publicKey, verification: { method: 'window' } });
    const { preflight } = await import('../../server/chain/preflight.ts');
    await assert.rejects(preflight(p.node('market'), tx), (e: any) => e.code === 'WRONG_DEPT' && e.status === 403);
  });

  test('the enterprise signs its own filing; the node cannot sign it for them', async () => {
    const material = await fileOnce(ent);
    const f = await p.node('audit').view().get<any>(`filing/${ent.code}`);
    assert.equal(f.version, 1);
    assert.equal(f.materials[0].hash, material.hash);
    assert.equal(f.consents.length, 2);
    // A staff member cannot file in the enterprise's name: the kind is for enterprises only.
    const forged = p.node('service').signAs('clerk1', 'filing.submit', await filingOf(ent) as any);
    const res = await clerk.post('/service/api/approval/tx', forged);
    assert.equal(res.status, 403);
    assert.equal(res.body.code, 'FORBIDDEN_KIND');
  });

  test('an amendment is signed, bumps the version and keeps history', async () => {
    const filing = await filingOf(ent);
    const draft = filingDraftOf(ent);
    draft.profile.employees = 120;
    const amended = await sealFiling(draft, await filingSealRecipients(p.node('service').view(), p.node('service').genesis));
    assert.equal('employees' in amended.profile, false, 'the headcount is sealed with the contacts');
    const res = await ent.submit('filing.amend', { ...amended, baseVersion: 1 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const stale = await ent.submit('filing.amend', { ...filing, baseVersion: 1 });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.code, 'STALE_VERSION');
    const mine = await ent.session!.get(`/service/api/approval/filings/${ent.code}`).expect(200);
    assert.equal(mine.body.version, 2);
    assert.equal(mine.body.profile.employees, 120);
    assert.deepEqual(mine.body.versions.map((v: any) => v.version), [1, 2]);
    assert.equal(mine.body.history.length, 2, 'state history holds both versions');
  });

  test('key rotation: the old key stops signing (and its session ends), the new key signs, history is kept', async () => {
    const oldSession = ent.session!;
    const fresh = new TestEnterprise(p, ent.code, ent.name);
    await clerk.post(`/service/api/approval/enterprises/${ent.code}/keys`, { publicKey: fresh.publicKey, reason: 'lost', note: '原U盾遗失' }).expect(200);
    const old = await ent.submit('filing.amend', { ...(await filingOf(ent)), baseVersion: 2 });
    assert.equal(old.status, 403);
    assert.equal(old.body.code, 'UNKNOWN_SIGNER');
    await oldSession.get(`/service/api/approval/filings/${ent.code}`).expect(401);
    const ok = await fresh.submit('filing.amend', { ...(await filingOf(ent)), baseVersion: 2 });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const rec = await (await fresh.login()).get(`/service/api/approval/enterprises/${ent.code}`).expect(200);
    assert.equal(rec.body.keys.length, 2);
    assert.equal(rec.body.keys[0].reason, 'lost');
    assert.equal(rec.body.keys[0].note, '原U盾遗失', 'the window opens its own sealed note');
    assert.ok(rec.body.keys[0].removedAt);
    assert.equal(rec.body.currentKey, fresh.publicKey);
    ent = fresh;
  });

  test('a rotated-to key must be fresh; a code registers once', async () => {
    const again = await clerk.post('/service/api/approval/enterprises', { code: ent.code, name: ent.name, publicKey: new TestEnterprise(p, ent.code, '').publicKey, verification: { method: 'window' } });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'ALREADY_REGISTERED');
    const reuse = await clerk.post(`/service/api/approval/enterprises/${ent.code}/keys`, { publicKey: ent.publicKey, reason: 'routine' });
    assert.equal(reuse.status, 409);
    assert.equal(reuse.body.code, 'KEY_IN_USE');
  });

  test('staff find enterprises by name; enterprises cannot list', async () => {
    const approver = await login(p, 'housing', 'approver1');
    const found = await approver.get(`/housing/api/approval/enterprises?q=${encodeURIComponent('恒泰')}`).expect(200);
    assert.equal(found.body.items.length, 1);
    assert.equal(found.body.items[0].code, ent.code);
    assert.equal(found.body.items[0].grade, 'B');
    await ent.session!.get('/service/api/approval/enterprises').expect(403);
  });
});
