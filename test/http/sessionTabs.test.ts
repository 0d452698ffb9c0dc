import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { Platform } from '../../server/platform.ts';
import { startTestPlatform, TEST_PASSWORD } from '../support/platform.ts';

const cookieOf = (res: request.Response) => (res.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
const cleared = (res: request.Response) => (res.headers['set-cookie'] as unknown as string[] | undefined)?.some((c) => /^tb_session_market=;/.test(c) && /expires=Thu, 01 Jan 1970/i.test(c)) ?? false;

/**
 * A second tab shares the first one's cookie but not its memory: it has the session, not the
 * CSRF token, until it asks `/auth/me`.
 */
describe('one session, two tabs', () => {
  let p: Platform;
  const http = () => request(p.app.callback());
  let cookie: string;
  let csrf: string;

  before(async () => {
    p = await startTestPlatform({ depts: ['market', 'tax'] });
  });
  after(() => p.stop());

  test('/auth/me gives the second tab the session’s CSRF token, with which it can act', async () => {
    const first = await http().post('/market/api/auth/login').send({ user: 'admin', password: TEST_PASSWORD }).expect(200);
    cookie = cookieOf(first);
    csrf = first.body.csrfToken;

    const me = await http().get('/market/api/auth/me').set('Cookie', cookie).expect(200);
    assert.equal(me.body.user.id, 'admin');
    assert.equal(me.body.csrfToken, csrf);

    const propose = { type: 'member.remove', params: { dept: 'tax' }, note: 'second tab' };
    const without = await http().post('/market/api/admin/proposals').set('Cookie', cookie).send(propose);
    assert.equal(without.status, 403);
    assert.equal(without.body.code, 'CSRF', 'state changes still need the token');
    const withToken = await http().post('/market/api/admin/proposals').set('Cookie', cookie).set('x-csrf-token', me.body.csrfToken).send(propose);
    assert.notEqual(withToken.body.code, 'CSRF');
    assert.ok(withToken.status < 300, JSON.stringify(withToken.body));
  });

  test('/auth/me without a session is 401 and gives no token', async () => {
    const r = await http().get('/market/api/auth/me');
    assert.equal(r.status, 401);
    assert.equal(r.body.csrfToken, undefined);
  });

  test('signing in again with a stale cookie and no token works, and ends the old session', async () => {
    const again = await http().post('/market/api/auth/login').set('Cookie', cookie).send({ user: 'admin', password: TEST_PASSWORD });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    const fresh = cookieOf(again);
    assert.notEqual(fresh, cookie);
    assert.equal((await http().get('/market/api/auth/me').set('Cookie', cookie)).status, 401, 'the replaced session is gone');
    await http().get('/market/api/auth/me').set('Cookie', fresh).expect(200);
    cookie = fresh;
    csrf = again.body.csrfToken;
  });

  test('signing out without the token clears the cookie; with it the session ends on the server too', async () => {
    const blind = await http().post('/market/api/auth/logout').set('Cookie', cookie).send({});
    assert.equal(blind.status, 200);
    assert.ok(cleared(blind), 'the cookie is cleared');
    await http().get('/market/api/auth/me').set('Cookie', cookie).expect(200); // no token: the server session is left to expire

    const proper = await http().post('/market/api/auth/logout').set('Cookie', cookie).set('x-csrf-token', csrf).send({});
    assert.equal(proper.status, 200);
    assert.ok(cleared(proper));
    assert.equal((await http().get('/market/api/auth/me').set('Cookie', cookie)).status, 401);
  });

  test('a stale cookie does not excuse a missing token anywhere else', async () => {
    const s = await http().post('/market/api/auth/login').send({ user: 'admin', password: TEST_PASSWORD }).expect(200);
    const r = await http().post('/market/api/admin/users').set('Cookie', cookieOf(s)).send({ id: 'x9', name: 'x', role: 'clerk', password: 'Abcdefghijk1' });
    assert.equal(r.status, 403);
    assert.equal(r.body.code, 'CSRF');
  });
});
