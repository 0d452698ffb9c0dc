import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import { seedApprovalDemo } from '../../server/approval/demo.ts';
import { demoEnterprise } from '../../server/approval/demo/generator.ts';
import { isValidCreditCode } from '../../shared/creditCode.ts';
import { TEST_PASSWORD } from '../support/platform.ts';
import { login, startApprovalPlatform } from './support.ts';

/** The demo city: deterministic, valid, alive (every state of the loop present), and quick to seed. */
describe('demo data', () => {
  let p: Platform;
  let ms = 0;

  before(async () => {
    p = await startApprovalPlatform();
    const t = Date.now();
    await seedApprovalDemo(p, { password: TEST_PASSWORD, enterprises: 120 });
    ms = Date.now() - t;
  });
  after(() => p.stop());

  test('the generator is deterministic with valid, distinct codes and names', () => {
    assert.deepEqual(demoEnterprise(7), demoEnterprise(7));
    const all = Array.from({ length: 500 }, (_, i) => demoEnterprise(i));
    assert.ok(all.every((e) => isValidCreditCode(e.code)));
    assert.equal(new Set(all.map((e) => e.code)).size, 500);
    assert.equal(new Set(all.map((e) => e.name)).size, 500);
  });

  test('a living city: approvals in progress, returned and done; inspections; cases decided and closed', async () => {
    const db = p.node('audit').db;
    const count = async (table: string, where: Record<string, string> = {}) => Number(((await db(table).where(where).count({ n: '*' }).first()) as { n: number }).n);
    assert.equal(await count('ap_enterprises'), 120);
    assert.equal(await count('ap_filings'), 120);
    assert.ok((await count('ap_applications', { status: 'inProgress' })) > 5);
    assert.ok((await count('ap_applications', { status: 'approved' })) > 5);
    assert.ok((await count('ap_licences')) > 5);
    assert.ok((await count('ap_inspections')) > 5);
    assert.ok((await count('ap_cases', { status: 'decided' })) >= 1);
    assert.ok((await count('ap_cases', { status: 'closed' })) >= 1);
    const grades = await db('ap_credit').groupBy('grade').select('grade').count({ n: '*' });
    assert.ok(grades.length >= 2, `more than one grade: ${JSON.stringify(grades)}`);
    const worklist = await (await login(p, 'housing', 'approver1')).get('/housing/api/approval/worklist').expect(200);
    assert.ok(worklist.body.items.length > 0, 'the housing approver has work waiting');
    await login(p, 'enforcement', 'approver1');
  });

  test('seeding again changes nothing, and it was quick', async () => {
    const before = await p.node('service').db('txs').count({ n: '*' }).first();
    await seedApprovalDemo(p, { password: TEST_PASSWORD, enterprises: 120 });
    assert.deepEqual(await p.node('service').db('txs').count({ n: '*' }).first(), before);
    // A bound against seeding gone pathological (say, quadratic), not a speed goal: every filing is
    // sealed and shared, and the suite runs two files at a time. Speed is bench/dossier.ts's seed_time.
    assert.ok(ms < 90_000, `seeding 120 enterprises took ${ms} ms`);
  });
});
