import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import type { PolicyRecord } from '../../server/policy-payout/records.ts';
import { addStaff } from '../approval/support.ts';
import { apply, applyBody, DAY, login, passDays, payoutEnterprise, policyBody, publish, signedPost, startPayoutPlatform, stateOf, TestClock, type Session, type TestEnterprise } from './support.ts';

/**
 * 重复申报 and 多头申报 are refused with a reason code; a policy never changes once published (a
 * change is a new version naming the old one); applications are taken only in the window.
 */
describe('duplicate and multi-policy applications, versions, the application window', () => {
  let p: Platform;
  const clock = new TestClock();
  let policy: Session;
  let a: TestEnterprise;
  let b: TestEnterprise;

  before(async () => {
    p = await startPayoutPlatform({ clock, keys: false });
    policy = await login(p, 'econ', 'policy1');
    const clerk = await login(p, 'service', 'clerk1');
    a = await payoutEnterprise(p, clerk, 701);
    b = await payoutEnterprise(p, clerk, 702);
  });
  after(() => p.stop());

  test('重复申报: a second application to the same policy', async () => {
    const pol = await publish(policy, { title: '首台套奖励' });
    const first = await apply(p, a, pol);
    const again = await signedPost(p, a, 'payout.apply', applyBody(a, pol, { statement: '再申报一次' }));
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'DUPLICATE_APPLICATION');
    assert.equal(again.body.data.application, first);
  });

  test('多头申报: a live application in the same exclusion group; freed when rejected', async () => {
    const p1 = await publish(policy, { title: '技改补助（设备类）', exclusionGroup: 'tech-upgrade' });
    const p2 = await publish(policy, { title: '技改补助（数字化类）', exclusionGroup: 'tech-upgrade' });
    const p3 = await publish(policy, { title: '人才引进补贴', exclusionGroup: 'talent' });
    const app = await apply(p, b, p1);
    const multi = await signedPost(p, b, 'payout.apply', applyBody(b, p2));
    assert.equal(multi.status, 409);
    assert.equal(multi.body.code, 'MULTIPLE_APPLICATION');
    assert.deepEqual(multi.body.data, { policy: p1, application: app });
    await apply(p, b, p3); // another group is fine
    await policy.post(`/econ/api/payout/applications/${app}/decision`, { decision: 'reject', reasons: '设备不在目录内' }).expect(200);
    await apply(p, b, p2); // the rejected one no longer blocks the group
  });

  test('a policy is immutable: a change is a new version; the old one takes no applications; one claim across versions', async () => {
    const v1 = await publish(policy, { title: '数字经济专项（2026）', capFen: '1000000' });
    const appA = await apply(p, a, v1);
    const before = await stateOf<PolicyRecord>(p, `pay/policy/${v1}`);
    const v2res = await policy.post('/econ/api/payout/policies', policyBody({ title: '数字经济专项（2026，修订）', capFen: '2000000', supersedes: v1 }));
    assert.equal(v2res.status, 201, JSON.stringify(v2res.body));
    const v2 = v2res.body.policy as string;
    assert.deepEqual(await stateOf(p, `pay/policy/${v1}`), before, 'the old version is untouched');
    assert.equal((await p.node('econ').store.history(`pay/policy/${v1}`)).length, 1, 'written once, ever');
    const rec = (await stateOf<PolicyRecord>(p, `pay/policy/${v2}`))!;
    assert.deepEqual([rec.version, rec.supersedes, rec.lineage], [2, v1, v1]);
    const listed = await policy.get(`/econ/api/payout/policies/${v1}`).expect(200);
    assert.equal(listed.body.successor, v2);
    const old = await signedPost(p, b, 'payout.apply', applyBody(b, v1));
    assert.equal(old.body.code, 'POLICY_SUPERSEDED');
    assert.equal(old.body.data.successor, v2);
    const dup = await signedPost(p, a, 'payout.apply', applyBody(a, v2));
    assert.equal(dup.body.code, 'DUPLICATE_APPLICATION', 'applied to v1 already');
    assert.equal((await stateOf<any>(p, `pay/app/${appA}`)).policy, v1, 'an application keeps the terms it was made under');
    await apply(p, b, v2);
    const again = await policy.post('/econ/api/payout/policies', policyBody({ title: '再改一次', supersedes: v1 }));
    assert.equal(again.body.code, 'ALREADY_SUPERSEDED');
    const other = await addStaff(p, 'market', 'policy8', 'policy');
    const foreign = await other.post('/market/api/payout/policies', policyBody({ title: '越权修订', supersedes: v2 }));
    assert.equal(foreign.body.code, 'WRONG_DEPT');
  });

  test('applications only inside the window, in block time', async () => {
    const later = await publish(policy, { title: '下季度政策', window: { opensAt: clock.t + 10 * DAY, closesAt: clock.t + 20 * DAY } });
    assert.equal((await signedPost(p, a, 'payout.apply', applyBody(a, later))).body.code, 'WINDOW_NOT_OPEN');
    await passDays(p, clock, 21);
    assert.equal((await signedPost(p, a, 'payout.apply', applyBody(a, later))).body.code, 'WINDOW_CLOSED');
  });
});
