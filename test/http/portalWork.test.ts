import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createModules } from '../../server/modules.ts';
import type { Platform } from '../../server/platform.ts';
import { login, startTestPlatform } from '../support/platform.ts';

type Item = { key: string; kind: string; count: number; page?: string; query?: Record<string, string> };

/**
 * A person's home page counts their own work on the server; each count agrees with the list it
 * links to, and is scoped as that list is (a department's, an enterprise's own). The main lists
 * search by name, credit code and number on the server, say how many match, and export CSV.
 */
describe('home page work counts and the lists behind them', () => {
  let p: Platform;
  const items = async (dept: string, user: string, module: 'approval' | 'payout') =>
    ((await (await login(p, dept, user)).get(`/${dept}/api/${module}/my-work`).expect(200)).body.items as Item[]);
  const count = (list: Item[], key: string) => {
    const i = list.find((x) => x.key === key);
    assert.ok(i, `no ${key} in ${JSON.stringify(list)}`);
    return i.count;
  };

  before(async () => {
    p = await startTestPlatform({ modules: createModules, enterprises: 20 });
  });
  after(() => p.stop());

  test('an approver: open stages as the worklist lists them, overdue ones among them', async () => {
    const s = await login(p, 'housing', 'approver1');
    const worklist = (await s.get('/housing/api/approval/worklist?limit=200').expect(200)).body.items as { overdue: boolean }[];
    const mine = await items('housing', 'approver1', 'approval');
    assert.equal(count(mine, 'stagesOpen'), worklist.length);
    assert.equal(count(mine, 'stagesOverdue'), worklist.filter((w) => w.overdue).length);
    assert.ok(worklist.length > 0, 'the demo leaves some stages open');
    assert.equal(mine.find((i) => i.key === 'stagesOpen')!.page, 'worklist');
  });

  test('an inspector and an enforcement officer: their department\'s inspections and cases by status', async () => {
    for (const [dept, user, key, path] of [
      ['market', 'inspector1', 'inspectionsDone', '/approval/inspections?status=done&limit=200'],
      ['market', 'inspector1', 'inspectionsPlanned', '/approval/inspections?status=planned&limit=200'],
      ['enforcement', 'enforcer1', 'casesOpen', '/approval/cases?status=open&limit=200'],
      ['enforcement', 'enforcer1', 'casesClosed', '/approval/cases?status=closed&limit=200'],
    ] as const) {
      const listed = (await (await login(p, dept, user)).get(`/${dept}/api${path}`).expect(200)).body.items as unknown[];
      assert.equal(count(await items(dept, user, 'approval'), key), listed.length, `${dept}/${user} ${key}`);
    }
  });

  test('the policy officer, the expert and the finance officer: payout work of their own', async () => {
    const pol = await items('econ', 'policy1', 'payout');
    const deciding = (await (await login(p, 'econ', 'policy1')).get('/econ/api/payout/applications?status=deciding&limit=200').expect(200)).body.items as unknown[];
    assert.equal(count(pol, 'payoutDeciding'), deciding.length);
    assert.deepEqual(pol.find((i) => i.key === 'payoutDeciding')!.query, { status: 'deciding' });
    const exp = await items('econ', 'expert1', 'payout');
    assert.ok(count(exp, 'reviewsPending') <= count(exp, 'reviewsAssigned'));
    const fin = await items('finance', 'finance1', 'payout');
    const payable = (await (await login(p, 'finance', 'finance1')).get('/finance/api/payout/awards?status=payable&limit=200').expect(200)).body.items as unknown[];
    assert.equal(count(fin, 'awardsPayable'), payable.length);
  });

  test('roles without work in a module get an empty list; an unsigned caller a 401', async () => {
    assert.deepEqual(await items('econ', 'expert1', 'approval'), []);
    assert.deepEqual(await items('market', 'approver1', 'payout'), []);
    await request(p.app.callback()).get('/market/api/approval/my-work').expect(401);
  });

  test('the worklist searches by enterprise name, credit code and number, filters overdue, and counts what matches', async () => {
    const s = await login(p, 'housing', 'approver1');
    const all = (await s.get('/housing/api/approval/worklist?limit=200').expect(200)).body as { total: number; items: { app: string; code: string; enterprise: string; overdue: boolean }[] };
    assert.equal(all.total, all.items.length);
    const one = all.items[0];
    const byName = (await s.get(`/housing/api/approval/worklist?q=${encodeURIComponent(one.enterprise.slice(1, 4))}`).expect(200)).body;
    assert.ok(byName.items.some((w: { app: string }) => w.app === one.app), 'found by part of its name');
    assert.ok(byName.items.every((w: { enterprise: string }) => w.enterprise.includes(one.enterprise.slice(1, 4))));
    const byCode = (await s.get(`/housing/api/approval/worklist?q=${one.code.slice(0, 10).toLowerCase()}`).expect(200)).body;
    assert.ok(byCode.items.every((w: { code: string }) => w.code.startsWith(one.code.slice(0, 10))));
    assert.ok(byCode.items.some((w: { app: string }) => w.app === one.app));
    const byId = (await s.get(`/housing/api/approval/worklist?q=${one.app}`).expect(200)).body;
    assert.deepEqual(byId.items.map((w: { app: string }) => w.app), [one.app]);
    assert.equal(byId.total, 1);
    // a wildcard in the search box is a character, not "anything"
    assert.equal((await s.get('/housing/api/approval/worklist?q=%25').expect(200)).body.total, 0);
    const overdue = (await s.get('/housing/api/approval/worklist?overdue=1').expect(200)).body;
    assert.equal(overdue.total, all.items.filter((w) => w.overdue).length);
  });

  test('inspections and cases carry the enterprise\'s name and a total; their CSV keeps the filters', async () => {
    const s = await login(p, 'enforcement', 'enforcer1');
    const ins = await login(p, 'market', 'inspector1');
    const inspections = (await ins.get('/market/api/approval/inspections?limit=1').expect(200)).body as { total: number; items: { code: string; enterpriseName: string }[] };
    assert.ok(inspections.total >= 1 && inspections.items[0].enterpriseName);
    await ins.get('/market/api/approval/inspections/export').expect(200).expect('content-type', /text\/csv/);
    await s.post('/enforcement/api/approval/cases', { code: inspections.items[0].code, subject: '占道经营', severity: 'minor' }).expect(201);
    const list = (await s.get('/enforcement/api/approval/cases?limit=5').expect(200)).body as { total: number; items: { id: string; code: string; enterpriseName: string | null; status: string }[] };
    assert.ok(list.total >= list.items.length && list.items.length > 0);
    assert.ok(list.items.every((c) => typeof c.enterpriseName === 'string' && c.enterpriseName.length > 0));
    const status = list.items[0].status;
    const csv = await s.get(`/enforcement/api/approval/cases/export?status=${status}`).expect(200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const lines = csv.text.replace(/^\ufeff/, '').trim().split('\r\n');
    assert.equal(lines[0], '"enterprise","code","case","department","severity","status"');
    const counted = (await s.get(`/enforcement/api/approval/cases?status=${status}&limit=1`).expect(200)).body.total;
    assert.equal(lines.length - 1, counted);
    assert.ok(lines.slice(1).every((l) => l.endsWith(`"${status}"`)));
    assert.ok(lines.slice(1).some((l) => l.startsWith(`"${list.items[0].enterpriseName}"`)));
  });

  test('payout applications: search by credit code or number, a total, and a CSV for the policy office', async () => {
    const s = await login(p, 'econ', 'policy1');
    const all = (await s.get('/econ/api/payout/applications?limit=200').expect(200)).body as { total: number; items: { id: string; code: string }[] };
    assert.equal(all.total, all.items.length);
    assert.ok(all.items.length > 0);
    const one = all.items[0];
    assert.deepEqual((await s.get(`/econ/api/payout/applications?q=${one.id}`).expect(200)).body.items.map((a: { id: string }) => a.id), [one.id]);
    assert.ok((await s.get(`/econ/api/payout/applications?q=${one.code.slice(0, 8)}`).expect(200)).body.items.every((a: { code: string }) => a.code.startsWith(one.code.slice(0, 8))));
    const csv = await s.get('/econ/api/payout/applications/export').expect(200);
    assert.equal(csv.text.replace(/^\ufeff/, '').trim().split('\r\n').length - 1, all.total);
    await (await login(p, 'econ', 'expert1')).get('/econ/api/payout/applications/export').expect(403);
  });

  test('policy awards as CSV: names and titles first, the list\'s filters, never the payee; bad input and other roles refused', async () => {
    const fin = await login(p, 'finance', 'finance1');
    const awards = (await fin.get('/finance/api/payout/awards?limit=1000').expect(200)).body.items as { id: string; enterpriseName: string; policy: string; status: string; payee?: { account: string } }[];
    assert.ok(awards.length > 0, 'the demo has awards');
    const csv = await fin.get('/finance/api/payout/awards/export').expect(200).expect('content-type', /text\/csv/);
    const lines = csv.text.replace(/^\ufeff/, '').trim().split('\r\n');
    assert.equal(lines[0], '"enterprise","code","policyTitle","policy","award","amountFen","status"');
    assert.equal(lines.length - 1, awards.length);
    const first = awards[0];
    const title = (await fin.get(`/finance/api/payout/policies/${first.policy}`).expect(200)).body.title as string;
    assert.ok(lines.some((l) => l.startsWith(`"${first.enterpriseName}",`) && l.includes(`"${title}","${first.policy}","${first.id}"`)));
    for (const a of awards) if (a.payee) assert.ok(!csv.text.includes(a.payee.account), 'no bank account in the export');
    const byStatus = await fin.get(`/finance/api/payout/awards/export?status=${first.status}`).expect(200);
    assert.ok(byStatus.text.trim().split('\r\n').slice(1).every((l) => l.endsWith(`"${first.status}"`)));
    assert.equal((await fin.get(`/finance/api/payout/awards/export?status=${'x'.repeat(17)}`).expect(400)).body.code, 'BAD_REQUEST');
    await (await login(p, 'service', 'clerk1')).get('/service/api/payout/awards/export').expect(403);
  });

  test('the window\'s register of enterprises as CSV: name first, the same search', async () => {
    const clerk = await login(p, 'service', 'clerk1');
    const found = (await clerk.get('/service/api/approval/enterprises?limit=200').expect(200)).body.items as { code: string; name: string }[];
    assert.ok(found.length > 0);
    const csv = await clerk.get('/service/api/approval/enterprises/export').expect(200).expect('content-type', /text\/csv/);
    const lines = csv.text.replace(/^\ufeff/, '').trim().split('\r\n');
    assert.equal(lines[0], '"enterprise","code","industry","filingVersion","grade","score"');
    assert.equal(lines.length - 1, found.length);
    assert.ok(lines[1].startsWith(`"${found[0].name}","${found[0].code}"`));
    const one = await clerk.get(`/service/api/approval/enterprises/export?q=${found[0].code}`).expect(200);
    assert.equal(one.text.trim().split('\r\n').length, 2);
    assert.equal((await clerk.get(`/service/api/approval/enterprises/export?q=${'x'.repeat(51)}`).expect(400)).body.code, 'BAD_REQUEST');
    await (await login(p, 'finance', 'finance1')).get('/finance/api/approval/enterprises/export').expect(403);
  });
});
