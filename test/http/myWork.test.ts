import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createModules } from '../../server/modules.ts';
import type { Platform } from '../../server/platform.ts';
import { login, startTestPlatform } from '../support/platform.ts';

type Item = { key: string; kind: string; count: number; page?: string; query?: Record<string, string> };

/**
 * A person's home page counts their own work on the server; each count agrees with the list it
 * links to, and is scoped as that list is (a department's, an enterprise's own).
 */
describe('home page work counts', () => {
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
});
