import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { DEFAULT_WEIGHTS } from '../../server/approval/credit/weights.ts';
import type { Platform } from '../../server/platform.ts';
import { fileOnce, login, registerEnterprise, startApprovalPlatform, type Session, type TestEnterprise } from '../approval/support.ts';
import { TEST_PASSWORD } from '../support/platform.ts';

const PURPOSE = encodeURIComponent('年度审计抽查');

/**
 * The administrator's and the auditor's routes (server/http/adminRoutes.ts, auditRoutes.ts):
 * every route refuses every role it is not for, bad input is a 4xx that writes nothing, and
 * each does what its page needs: governance against the quorum, staff whose sessions end when
 * disabled, a trace across departments, attestations, and a replay that names a tampered row.
 */
describe('admin and audit routes', () => {
  let p: Platform;
  let ent: TestEnterprise;
  const s: Record<string, Session> = {};
  const http = () => request(p.app.callback());
  const txCount = async (dept: string) => Number(((await p.node(dept).db('txs').count({ n: '*' }).first()) as { n: number }).n);

  before(async () => {
    p = await startApprovalPlatform();
    s.clerk = await login(p, 'service', 'clerk1');
    ent = await registerEnterprise(p, s.clerk, 71, '滨江恒泰建设有限公司');
    await fileOnce(ent);
    s.enterprise = ent.session!;
    s.admin = await login(p, 'market', 'admin');
    s.taxAdmin = await login(p, 'tax', 'admin');
    s.approver = await login(p, 'market', 'approver1');
    s.inspector = await login(p, 'market', 'inspector1');
    s.auditor = await login(p, 'audit', 'auditor1');
    s.finance = await login(p, 'finance', 'finance1');
  });
  after(() => p.stop());

  // route, the roles that may use it; each is tried by every session below and by nobody
  const ROUTES: [string, string, string[]][] = [
    ['get', '/admin/members', ['admin', 'auditor']],
    ['get', '/admin/proposals', ['admin']],
    ['post', '/admin/proposals', ['admin']],
    ['post', `/admin/proposals/${'a'.repeat(64)}/approve`, ['admin']],
    ['get', '/admin/users', ['admin']],
    ['post', '/admin/users', ['admin']],
    ['post', '/admin/users/approver1/disable', ['admin']],
    ['get', '/admin/health', ['admin']],
    ['get', '/stats/approvals', ['admin', 'approver', 'auditor', 'inspector', 'clerk']],
    ['get', '/stats/credit', ['admin', 'approver', 'auditor', 'inspector', 'clerk']],
    ['get', `/audit/trace?subject=AP-1-0&purpose=${PURPOSE}`, ['auditor']],
    ['get', `/audit/ops/${'a'.repeat(64)}?purpose=${PURPOSE}`, ['auditor']],
    ['get', '/audit/attestations', ['auditor', 'admin']],
    ['post', '/audit/verify', ['auditor']],
    ['get', '/audit/verify/nope', ['auditor']],
    ['get', '/audit/verify/nope/events', ['auditor']],
  ];
  const who: [string, string, string][] = [
    ['admin', 'market', 'admin'],
    ['approver', 'market', 'approver'],
    ['inspector', 'market', 'inspector'],
    ['auditor', 'audit', 'auditor'],
    ['clerk', 'service', 'clerk'],
    ['finance', 'finance', 'finance'],
    ['enterprise', 'service', 'enterprise'],
  ];

  test('every route: 401 for nobody, 403 for every role it is not for, and a refused POST writes nothing', async () => {
    for (const [method, path, roles] of ROUTES) {
      const anon = await (method === 'get' ? http().get(`/market/api${path}`) : http().post(`/market/api${path}`).send({}));
      assert.equal(anon.status, 401, `${method} ${path} anonymous`);
      for (const [key, dept, role] of who) {
        if (roles.includes(role)) continue;
        const before = await txCount(dept);
        const res = method === 'get' ? await s[key].get(`/${dept}/api${path}`) : await s[key].post(`/${dept}/api${path}`, { type: 'credit.setWeights', params: DEFAULT_WEIGHTS, id: 'x1', name: 'x', role: 'clerk', password: 'long-enough-1' });
        assert.equal(res.status, 403, `${method} ${path} as ${role}: ${res.status} ${JSON.stringify(res.body)}`);
        assert.equal(res.body.code, 'FORBIDDEN');
        assert.equal(await txCount(dept), before, `${method} ${path} as ${role} wrote a transaction`);
      }
    }
  });

  test('every reader role gets an answer from the GET routes it is allowed', async () => {
    for (const [method, path, roles] of ROUTES.filter(([m, path]) => m === 'get' && !path.includes('/verify/') && !path.includes('/ops/'))) {
      for (const [key, dept, role] of who.filter(([, , r]) => roles.includes(r))) {
        const res = await s[key].get(`/${dept}/api${path}`);
        assert.equal(res.status, 200, `${method} ${path} as ${role}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
  });

  test('members: every department with its node key and the quorum', async () => {
    const res = await s.admin.get('/market/api/admin/members').expect(200);
    assert.equal(res.body.items.length, 9);
    assert.equal(res.body.quorum, 7);
    const market = res.body.items.find((m: { dept: string }) => m.dept === 'market');
    assert.equal(market.nodeKey, p.node('market').publicKey);
    assert.equal(market.self, true);
  });

  test('governance: bad proposals are 4xx and write nothing; a proposal counts approvals against the quorum', async () => {
    const before = await txCount('market');
    const bad = [
      [{ type: 'credit.setWeights', params: { ...DEFAULT_WEIGHTS, weights: { ...DEFAULT_WEIGHTS.weights, tax: 9999 } } }, 400, 'BAD_PAYLOAD'],
      [{ type: 'nothing.here', params: {} }, 400, 'UNKNOWN_ACTION'],
      [{ type: 'member.add', params: { dept: 'tax', name: '税务局', nameEn: 'Tax', nodeKey: p.node('tax').publicKey } }, 409, 'ALREADY_MEMBER'],
      [{ type: 'credit.setWeights' }, 400, 'BAD_REQUEST'],
      [{ type: 'credit.setWeights', params: DEFAULT_WEIGHTS, extra: 1 }, 400, 'BAD_REQUEST'],
    ] as const;
    for (const [body, status, code] of bad) {
      const res = await s.admin.post('/market/api/admin/proposals', body);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.code, code);
    }
    assert.equal(await txCount('market'), before, 'refused proposals wrote nothing');

    const weights = { ...DEFAULT_WEIGHTS, weights: { ...DEFAULT_WEIGHTS.weights, enforcement: 2500, subsidy: 500 } };
    const made = await s.admin.post('/market/api/admin/proposals', { type: 'credit.setWeights', params: weights, note: '加大执法维度权重' }).expect(201);
    assert.match(made.body.id, /^[0-9a-f]{64}$/);
    assert.equal(made.body.receipt.status, 'ok');

    const listed = await s.taxAdmin.get('/tax/api/admin/proposals?status=open').expect(200);
    const mine = listed.body.items.find((x: { id: string }) => x.id === made.body.id);
    assert.equal(mine.counted, 1);
    assert.equal(mine.note, '加大执法维度权重');
    assert.equal(mine.approvedByUs, false);
    assert.equal(listed.body.quorum, 7);

    const approved = await s.taxAdmin.post(`/tax/api/admin/proposals/${made.body.id}/approve`).expect(200);
    assert.equal(approved.body.applied, false);
    const again = await s.taxAdmin.post(`/tax/api/admin/proposals/${made.body.id}/approve`);
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'ALREADY_APPROVED');
    assert.equal((await s.taxAdmin.post(`/tax/api/admin/proposals/${'b'.repeat(64)}/approve`)).status, 404);
    assert.equal((await s.taxAdmin.post('/tax/api/admin/proposals/not-an-id/approve')).status, 400);
    const after = await s.admin.get('/market/api/admin/proposals').expect(200);
    assert.equal(after.body.items.find((x: { id: string }) => x.id === made.body.id).counted, 2);
  });

  test('users: bad input is 400 and writes nothing; a registered user signs in; disabling ends their sessions at once', async () => {
    const before = await txCount('market');
    for (const body of [
      { id: 'Bad Id', name: '甲', role: 'clerk', password: 'long-enough-1' },
      { id: 'newclerk', name: '甲', role: 'enterprise', password: 'long-enough-1' },
      { id: 'newclerk', name: '甲', role: 'clerk', password: 'short' },
      { id: 'newclerk', name: '', role: 'clerk', password: 'long-enough-1' },
    ]) {
      const res = await s.admin.post('/market/api/admin/users', body);
      assert.equal(res.status, 400, JSON.stringify(res.body));
    }
    assert.equal(await txCount('market'), before);

    const made = await s.admin.post('/market/api/admin/users', { id: 'newclerk', name: '新窗口', role: 'clerk', password: 'long-enough-1' }).expect(201);
    assert.equal(made.body.receipt.kind, 'user.register');
    const listed = await s.admin.get('/market/api/admin/users').expect(200);
    assert.ok(listed.body.items.some((u: { id: string; active: boolean; hasPassword: boolean }) => u.id === 'newclerk' && u.active && u.hasPassword));

    const newcomer = await login(p, 'market', 'newclerk', 'long-enough-1');
    await newcomer.get('/market/api/auth/me').expect(200);
    const sessions = () => p.node('market').db('auth_sessions').where({ user_id: 'newclerk' }).count({ n: '*' }).first() as Promise<{ n: number }>;
    assert.equal(Number((await sessions()).n), 1);
    const off = await s.admin.post('/market/api/admin/users/newclerk/disable').expect(200);
    assert.equal(off.body.sessionsEnded, true);
    assert.equal(Number((await sessions()).n), 0, 'every session row of the user is gone');
    assert.equal((await newcomer.get('/market/api/auth/me')).status, 401);
    assert.equal((await http().post('/market/api/auth/login').send({ user: 'newclerk', password: 'long-enough-1' })).status, 401);

    const self = await s.admin.post('/market/api/admin/users/admin/disable');
    assert.equal(self.status, 400);
    assert.equal(self.body.code, 'SELF_DISABLE');
    assert.equal((await s.admin.post('/market/api/admin/users/nobody/disable')).status, 404);
    assert.equal((await s.admin.post('/market/api/admin/users/Not%20an%20id/disable')).status, 400);
  });

  test('health and statistics answer with what the charts draw', async () => {
    const h = await s.admin.get('/market/api/admin/health').expect(200);
    assert.equal(h.body.status.dept, 'market');
    assert.ok(h.body.blocks.length > 0);
    assert.ok(h.body.txs.some((x: { labels: { status: string } }) => x.labels.status === 'ok'));
    const a = await s.approver.get('/market/api/stats/approvals').expect(200);
    assert.ok(a.body.throughput.buckets.length >= 1);
    assert.ok(Array.isArray(a.body.stages));
    const c = await s.approver.get('/market/api/stats/credit').expect(200);
    assert.deepEqual(c.body.grades.map((g: { grade: string }) => g.grade), ['A', 'B', 'C', 'D']);
    assert.ok(c.body.grades.reduce((n: number, g: { count: number }) => n + g.count, 0) >= 1);
  });

  test('trace: an enterprise across departments, with who, when and authority; bad queries are 400', async () => {
    const res = await s.auditor.get(`/audit/api/audit/trace?subject=${ent.code}&purpose=${PURPOSE}`).expect(200);
    const kinds = res.body.items.map((x: { kind: string }) => x.kind);
    assert.deepEqual(kinds.slice(0, 2), ['enterprise.register', 'filing.submit']);
    const reg = res.body.items[0];
    assert.deepEqual([reg.who.dept, reg.who.actor, reg.who.role], ['service', 'clerk1', 'clerk']);
    assert.deepEqual(reg.who.permitted, ['clerk']);
    assert.ok(reg.time > 0);
    assert.ok(reg.keys.includes(`ent/${ent.code}`));
    assert.equal(res.body.items[1].who.enterprise, ent.code);
    assert.equal(res.body.items[1].who.role, 'enterprise');
    assert.ok(res.body.keys.includes(`filing/${ent.code}`));

    const paged = await s.auditor.get(`/audit/api/audit/trace?subject=${ent.code}&limit=1&offset=1&purpose=${PURPOSE}`).expect(200);
    assert.equal(paged.body.items.length, 1);
    assert.equal(paged.body.items[0].kind, 'filing.submit');
    // the first look is itself recorded (audit.view names the enterprise), so the story may have grown by it
    assert.ok(paged.body.total >= res.body.total);
    assert.ok(res.body.auditViewTx);

    const prefix = await s.auditor.get(`/audit/api/audit/trace?prefix=user/market/&purpose=${PURPOSE}`).expect(200);
    assert.ok(prefix.body.items.every((x: { kind: string }) => x.kind === 'user.register' || x.kind === 'user.disable'));

    const unexplained = await s.auditor.get(`/audit/api/audit/trace?subject=${ent.code}`);
    assert.equal(unexplained.status, 400);
    assert.equal(unexplained.body.code, 'PURPOSE_REQUIRED');
    for (const q of ['', '?subject=%25', '?subject=a', `?subject=${ent.code}&prefix=ent/`, '?prefix=Ent', '?subject=x&limit=1000']) {
      const bad = await s.auditor.get(`/audit/api/audit/trace${q}`);
      assert.equal(bad.status, 400, `${q}: ${JSON.stringify(bad.body)}`);
    }
  });

  test('an operation: who, when, authority, and the state before and after', async () => {
    const trace = await s.auditor.get(`/audit/api/audit/trace?subject=${ent.code}&purpose=${PURPOSE}`).expect(200);
    const op = await s.auditor.get(`/audit/api/audit/ops/${trace.body.items[1].id}?purpose=${PURPOSE}`).expect(200);
    assert.equal(op.body.kind, 'filing.submit');
    assert.equal(op.body.who.role, 'enterprise');
    assert.ok(op.body.time > 0);
    const change = op.body.changes.find((c: { key: string }) => c.key === `filing/${ent.code}`);
    assert.equal(change.old, null);
    assert.equal(change.new.profile.name, '滨江恒泰建设有限公司');
    assert.equal((await s.auditor.get(`/audit/api/audit/ops/${'c'.repeat(64)}?purpose=${PURPOSE}`)).status, 404);
    assert.equal((await s.auditor.get('/audit/api/audit/ops/xyz')).status, 400);
  });

  test('attestations: which department signed which hash at each recent height', async () => {
    const res = await s.auditor.get('/audit/api/audit/attestations?limit=5').expect(200);
    assert.equal(res.body.items.length, 5);
    // Votes are kept with the next block, and certificates ride in later headers: look a little back.
    const older = await s.auditor.get(`/audit/api/audit/attestations?limit=10&before=${res.body.finalHeight - 1}`).expect(200);
    assert.ok(older.body.items.some((h: { quorumReached: boolean }) => h.quorumReached), JSON.stringify(older.body.items));
    for (const h of older.body.items) assert.deepEqual(h.differing, []);
    assert.equal((await s.admin.get('/market/api/audit/attestations?limit=0')).status, 400);
  });

  test('verify: progress over SSE, all good; after a row is altered the first mismatch is named', async () => {
    const run = async () => {
      const started = await s.auditor.post('/audit/api/audit/verify').expect(202);
      for (;;) {
        const j = await s.auditor.get(`/audit/api/audit/verify/${started.body.job}`).expect(200);
        if (j.body.state !== 'running') return j.body;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    // The node keeps committing while the copy is verified.
    const busy = Promise.all(Array.from({ length: 5 }, (_, i) => p.node('audit').submitAs('admin', 'user.register', { id: `busy${i}`, name: `忙${i}`, role: 'clerk' })));
    const ok = await run();
    await busy;
    assert.equal(ok.state, 'done');
    assert.ok(ok.finishedAt >= ok.startedAt);
    assert.equal(ok.result.ok, true, JSON.stringify(ok.result));

    // The progress stream, as the browser reads it.
    const base = `http://127.0.0.1:${((await p.listen(0)).address() as AddressInfo).port}`;
    const started = await s.auditor.post('/audit/api/audit/verify').expect(202);
    const res = await fetch(`${base}/audit/api/audit/verify/${started.body.job}/events`, { headers: { cookie: s.auditor.cookie } });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: done')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    assert.match(text, /event: progress/);
    assert.match(text, /"ok":true/);

    const db = p.node('audit').db;
    const row = await db('state_history').where({ k: `ent/${ent.code}` }).orderBy('id').first();
    await db('state_history').where({ id: row.id }).update({ new_v: row.new_v.replace('滨江恒泰', '滨江伪造') });
    const bad = await run();
    assert.equal(bad.result.ok, false);
    assert.equal(bad.result.field, `history[ent/${ent.code}]`);
    assert.equal(bad.result.height, row.height);
    assert.match(bad.result.actual, /滨江伪造/);
  });
});
