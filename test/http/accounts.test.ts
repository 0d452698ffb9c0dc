import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { UserRecord } from '../../server/chain/identity.ts';
import type { Platform } from '../../server/platform.ts';
import { passwordProblem } from '../../shared/passwordPolicy.ts';
import { login, startTestPlatform, TEST_PASSWORD, type Session } from '../support/platform.ts';

const NEW_PASSWORD = 'Blue-harbour-lantern-7';
const signIn = (p: Platform, dept: string, user: string, password: string) => request(p.app.callback()).post(`/${dept}/api/auth/login`).send({ user, password });
const userOf = (p: Platform, dept: string, id: string) => p.node(dept).view().get<UserRecord>(`user/${dept}/${id}`);

/**
 * Staff accounts: changing one's own password, an administrator's reset to a one-time password that
 * the next session must replace before anything else, and role edits with their refusals. Every
 * refusal is a 4xx with a code and writes nothing.
 */
describe('staff accounts: password change, reset by the administrator, role edit', () => {
  let p: Platform;
  let admin: Session;

  before(async () => {
    p = await startTestPlatform({ depts: ['market', 'finance', 'audit', 'service'] });
    admin = await login(p, 'market', 'admin');
  });
  after(() => p.stop());

  test('a password change needs the right current password and a new one the policy allows; nothing changes otherwise', async () => {
    const s = await login(p, 'market', 'approver1');
    const wrong = await s.post('/market/api/auth/password', { current: 'not-my-password-9', next: NEW_PASSWORD });
    assert.deepEqual([wrong.status, wrong.body.code], [400, 'WRONG_CURRENT_PASSWORD']);
    assert.match(wrong.body.message, /当前口令不正确/);
    const weak = await s.post('/market/api/auth/password', { current: TEST_PASSWORD, next: 'short1A' });
    assert.deepEqual([weak.status, weak.body.code, weak.body.data?.problem], [400, 'WEAK_PASSWORD', 'TOO_SHORT']);
    const same = await s.post('/market/api/auth/password', { current: TEST_PASSWORD, next: TEST_PASSWORD });
    assert.deepEqual([same.status, same.body.code], [400, passwordProblem('approver1', TEST_PASSWORD) ? 'WEAK_PASSWORD' : 'SAME_PASSWORD']);
    const missing = await s.post('/market/api/auth/password', { current: TEST_PASSWORD });
    assert.equal(missing.status, 400);
    const extra = await s.post('/market/api/auth/password', { current: TEST_PASSWORD, next: NEW_PASSWORD, user: 'admin' });
    assert.equal(extra.status, 400, 'no field names another user');
    assert.equal((await signIn(p, 'market', 'approver1', TEST_PASSWORD)).status, 200, 'the old password still works after every refusal');
    assert.equal((await p.auths.get('market')!.accountEvents.list({ target: 'approver1' })).length, 0);
    const bare = await request(p.app.callback()).post('/market/api/auth/password').send({ current: TEST_PASSWORD, next: NEW_PASSWORD });
    assert.deepEqual([bare.status, bare.body.code], [401, 'UNAUTHENTICATED']);
  });

  test('after a change, every other session of that user ends, this one goes on, and only the new password signs in', async () => {
    const elsewhere = await login(p, 'market', 'inspector1');
    const here = await login(p, 'market', 'inspector1');
    const res = await here.post('/market/api/auth/password', { current: TEST_PASSWORD, next: NEW_PASSWORD });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.sessionsEnded >= 1);
    assert.equal((await elsewhere.get('/market/api/auth/me')).status, 401, 'the other session ended');
    assert.equal((await here.get('/market/api/auth/me')).status, 200, 'the session that changed it goes on');
    assert.equal((await signIn(p, 'market', 'inspector1', TEST_PASSWORD)).body.code, 'BAD_CREDENTIALS');
    assert.equal((await signIn(p, 'market', 'inspector1', NEW_PASSWORD)).status, 200);
    const [ev] = await p.auths.get('market')!.accountEvents.list({ target: 'inspector1' });
    assert.deepEqual([ev.action, ev.actor, ev.target], ['password.change', 'inspector1', 'inspector1']);
  });

  test('a reset: only the administrator; a one-time password; the next session may only change it', async () => {
    const holder = await login(p, 'market', 'holder1');
    const byStaff = await holder.post('/market/api/admin/users/approver1/password-reset', {});
    assert.deepEqual([byStaff.status, byStaff.body.code], [403, 'FORBIDDEN']);
    const unknown = await admin.post('/market/api/admin/users/nobody/password-reset', {});
    assert.deepEqual([unknown.status, unknown.body.code], [404, 'NOT_FOUND']);
    const badId = await admin.post('/market/api/admin/users/No%20Body/password-reset', {});
    assert.equal(badId.status, 400);
    const self = await admin.post('/market/api/admin/users/admin/password-reset', {});
    assert.deepEqual([self.status, self.body.code], [400, 'SELF_RESET']);
    assert.equal((await holder.get('/market/api/auth/me')).status, 200, 'refused resets ended no session');

    const reset = await admin.post('/market/api/admin/users/holder1/password-reset', {});
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    const otp = reset.body.oneTimePassword as string;
    assert.equal(passwordProblem('holder1', otp), undefined, 'the one-time password satisfies the policy');
    assert.equal((await holder.get('/market/api/auth/me')).status, 401, 'every session of the user ended');
    assert.equal((await signIn(p, 'market', 'holder1', TEST_PASSWORD)).status, 401, 'the old password is gone');
    const users = await admin.get('/market/api/admin/users').expect(200);
    assert.equal(users.body.items.find((u: { id: string }) => u.id === 'holder1').mustChangePassword, true);

    const first = await signIn(p, 'market', 'holder1', otp);
    assert.equal(first.status, 200);
    assert.equal(first.body.user.mustChangePassword, true);
    const s = await login(p, 'market', 'holder1', otp);
    const blocked = await s.get('/market/api/admin/users');
    assert.deepEqual([blocked.status, blocked.body.code], [403, 'PASSWORD_CHANGE_REQUIRED']);
    assert.equal((await s.get('/market/api/blocks')).body.code, 'PASSWORD_CHANGE_REQUIRED');
    assert.equal((await s.post('/market/api/admin/users/approver1/disable', {})).body.code, 'PASSWORD_CHANGE_REQUIRED');
    assert.equal((await s.get('/market/api/chain/status')).status, 200, 'the chain\'s pulse the portal shows on every page');
    assert.equal((await s.get('/market/api/auth/me')).body.user.mustChangePassword, true);
    const changed = await s.post('/market/api/auth/password', { current: otp, next: NEW_PASSWORD });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const me = await s.get('/market/api/auth/me').expect(200);
    assert.equal(me.body.user.mustChangePassword, undefined, 'the same session is free once the password is changed');
    assert.equal((await s.get('/market/api/blocks')).status, 200);
    assert.equal((await signIn(p, 'market', 'holder1', NEW_PASSWORD)).body.user.mustChangePassword, undefined);

    const trail = await admin.get('/market/api/admin/account-events?user=holder1').expect(200);
    assert.deepEqual(trail.body.items.map((e: { action: string; actor: string }) => [e.action, e.actor]), [['password.change', 'holder1'], ['password.reset', 'admin']]);
    assert.ok(!JSON.stringify(trail.body).includes(otp) && !JSON.stringify(trail.body).includes(NEW_PASSWORD), 'never a password in the trail');
    assert.equal((await holder.get('/market/api/admin/account-events')).status, 401);
  });

  test('an administrator resets only on their own department\'s node', async () => {
    const other = await login(p, 'service', 'admin');
    const res = await other.post('/market/api/admin/users/approver1/password-reset', {});
    assert.equal(res.status, 401, 'a session belongs to its own node');
    const here = await other.post('/service/api/admin/users/approver1/password-reset', {});
    assert.deepEqual([here.status, here.body.code], [404, 'NOT_FOUND'], 'another department\'s user is nobody here');
  });

  test('role edit: auditor only in audit, no self-demotion, re-enable and role change without a password', async () => {
    const approver = await login(p, 'market', 'approver1');
    const auditor = await admin.post('/market/api/admin/users', { id: 'approver1', name: '王审批', role: 'auditor' });
    assert.deepEqual([auditor.status, auditor.body.code], [403, 'AUDITOR_OUTSIDE_AUDIT']);
    assert.equal((await userOf(p, 'market', 'approver1'))!.role, 'approver', 'nothing written');
    const demote = await admin.post('/market/api/admin/users', { id: 'admin', name: '管理员', role: 'approver' });
    assert.deepEqual([demote.status, demote.body.code], [403, 'SELF_DEMOTE']);
    const noPassword = await admin.post('/market/api/admin/users', { id: 'newcomer', name: '新同事', role: 'approver' });
    assert.deepEqual([noPassword.status, noPassword.body.code], [400, 'PASSWORD_REQUIRED']);
    assert.equal(await userOf(p, 'market', 'newcomer'), undefined);
    const badRole = await admin.post('/market/api/admin/users', { id: 'approver1', name: '王审批', role: 'node' });
    assert.equal(badRole.status, 400);

    const changed = await admin.post('/market/api/admin/users', { id: 'approver1', name: '王审批', role: 'inspector' });
    assert.equal(changed.status, 201, JSON.stringify(changed.body));
    assert.equal((await userOf(p, 'market', 'approver1'))!.role, 'inspector');
    assert.equal((await approver.get('/market/api/auth/me')).status, 401, 'a session of the old role ends');
    assert.equal((await signIn(p, 'market', 'approver1', TEST_PASSWORD)).body.user.role, 'inspector', 'the password was kept');

    const selfDisable = await admin.post('/market/api/admin/users/admin/disable', {});
    assert.equal(selfDisable.body.code, 'SELF_DISABLE');
    await admin.post('/market/api/admin/users/approver1/disable', {}).expect(200);
    assert.equal((await signIn(p, 'market', 'approver1', TEST_PASSWORD)).status, 401);
    await admin.post('/market/api/admin/users', { id: 'approver1', name: '王审批', role: 'approver' }).expect(201);
    assert.equal((await signIn(p, 'market', 'approver1', TEST_PASSWORD)).status, 200, 're-enabled with the password kept');
    const audit = await login(p, 'audit', 'admin');
    assert.equal((await audit.post('/audit/api/admin/users', { id: 'auditor2', name: '新审计', role: 'auditor', password: NEW_PASSWORD })).status, 201);
  });
});
