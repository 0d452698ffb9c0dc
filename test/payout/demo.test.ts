import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import { seedPayoutDemo } from '../../server/policy-payout/demo.ts';
import { login, startTestPlatform } from '../support/platform.ts';

describe('payout demo data', () => {
  let p: Platform;
  let ms = 0;

  before(async () => {
    const t0 = Date.now();
    p = await startTestPlatform();
    ms = Date.now() - t0;
  });
  after(() => p.stop());

  test('a fresh platform shows policies with applications in several states, quickly', async () => {
    const policy = await login(p, 'econ', 'policy1');
    const pols = (await policy.get('/econ/api/payout/policies').expect(200)).body.items;
    assert.equal(pols.length, 4, 'three policies, one of them in a second version');
    assert.equal(pols.filter((x: { successor: string | null }) => x.successor).length, 1);
    const apps = (await policy.get('/econ/api/payout/applications').expect(200)).body.items as { status: string }[];
    const states = new Set(apps.map((a) => a.status));
    for (const s of ['approved', 'rejected', 'deciding']) assert.ok(states.has(s), `an application ${s}`);
    const list = (await policy.get('/econ/api/payout/publications').expect(200)).body.items;
    assert.equal(list.length, 1);
    // A bound against a start gone pathological, not a speed goal (sealing and shares make the demo
    // heavier, and the suite runs two files at a time); the benchmarks measure speed.
    assert.ok(ms < 45_000, `platform with demo started in ${ms} ms`);
  });

  test('seeding again changes nothing', async () => {
    const before = (await p.node('econ').db('txs').count({ n: '*' }).first()) as { n: number };
    await seedPayoutDemo(p);
    const after = (await p.node('econ').db('txs').count({ n: '*' }).first()) as { n: number };
    assert.equal(Number(after.n), Number(before.n));
  });
});
