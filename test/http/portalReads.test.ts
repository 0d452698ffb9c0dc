import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { Platform } from '../../server/platform.ts';
import { login, startTestPlatform } from '../support/platform.ts';

/**
 * What the portal reads on every page without logging a failed request: who is signed in
 * (nobody is an answer), a transaction it is following (not yet is an answer), and whether each
 * member department keeps up with the head.
 */
describe('portal reads that answer 200 while there is nothing yet', () => {
  let p: Platform;
  const http = () => request(p.app.callback());

  before(async () => {
    p = await startTestPlatform();
  });
  after(() => p.stop());

  test('/auth/session says nobody is signed in with a 200, and gives a session its user and CSRF token', async () => {
    const nobody = await http().get('/market/api/auth/session').expect(200);
    assert.deepEqual(nobody.body, { user: null, csrfToken: null });
    const s = await login(p, 'market', 'approver1');
    const me = await s.get('/market/api/auth/session').expect(200);
    assert.equal(me.body.user.id, 'approver1');
    assert.equal(me.body.csrfToken, s.csrf);
    await s.post('/market/api/auth/logout').expect(200);
    assert.deepEqual((await s.get('/market/api/auth/session').expect(200)).body, { user: null, csrfToken: null });
  });

  test('GET /tx/:id?wait=receipt answers with the transaction once committed, and "pending" instead of a 404 meanwhile', async () => {
    const s = await login(p, 'market', 'admin');
    const { id } = await p.node('market').submitAs('admin', 'user.register', { id: 'waitclerk', name: '等待', role: 'clerk' }, 'none');
    const r = await s.get(`/market/api/tx/${id}?wait=receipt`).expect(200);
    assert.equal(r.body.id, id);
    assert.equal(r.body.status, 'ok');
    const unknown = 'ab'.repeat(32);
    await s.get(`/market/api/tx/${unknown}`).expect(404);
    const t0 = Date.now();
    const pending = await s.get(`/market/api/tx/${unknown}?wait=receipt`).expect(200);
    assert.deepEqual(pending.body, { id: unknown, pending: true });
    assert.ok(Date.now() - t0 >= 9_000, 'held open before saying pending');
    await s.get('/market/api/tx/not-an-id?wait=receipt').expect(404);
  });

  test('members that sign a height after the quorum made it final are shown at the head, not behind', async () => {
    const market = p.node('market');
    for (let i = 0; i < 4; i++) await market.submitAs('admin', 'user.register', { id: `late${i}`, name: `迟${i}`, role: 'clerk' }, 'final');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const s = await market.status();
      const behind = s.members.filter((m) => (m.lastAttested ?? 0) < s.finalHeight);
      if (!behind.length && p.nodes.every((n) => n.height === s.height)) break;
      if (Date.now() > deadline) assert.fail(`shown behind final height ${s.finalHeight}: ${behind.map((m) => `${m.dept}@${m.lastAttested}`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
