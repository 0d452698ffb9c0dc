import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import type { AwardRecord, LedgerRecord } from '../../server/policy-payout/records.ts';
import { apply, login, passDays, payoutEnterprise, publish, signedPost, startPayoutPlatform, stateOf, TestClock, until, type Session, type TestEnterprise } from './support.ts';

/**
 * 公示 and its objections decide what becomes payable: nothing before the period ends in block
 * time, nothing with an open objection, never a withdrawn award, and a changed award only at
 * its new amount after a fresh full period.
 */
describe('publication period and objections gate every payment', () => {
  let p: Platform;
  const clock = new TestClock();
  let policy: Session;
  let finance: Session;
  let staff: Session;
  let pol: string;
  const ents: TestEnterprise[] = [];
  const award: Record<'plain' | 'objected' | 'withdrawn' | 'changed', string> = {} as never;

  before(async () => {
    p = await startPayoutPlatform({ clock, keys: false });
    policy = await login(p, 'econ', 'policy1');
    finance = await login(p, 'finance', 'finance1');
    staff = await login(p, 'market', 'approver1');
    const clerk = await login(p, 'service', 'clerk1');
    for (let i = 0; i < 4; i++) ents.push(await payoutEnterprise(p, clerk, 601 + i));
    pol = await publish(policy, { publicityDays: 7, budgetFen: '10000000', capFen: '5000000' });
    const names = ['plain', 'objected', 'withdrawn', 'changed'] as const;
    for (const [i, e] of ents.entries()) {
      const app = await apply(p, e, pol);
      const res = await policy.post(`/econ/api/payout/applications/${app}/decision`, { decision: 'approve', amountFen: '1000000', reasons: '符合条件' }).expect(200);
      award[names[i]] = res.body.award;
    }
    await policy.post(`/econ/api/payout/policies/${pol}/publicise`, {}).expect(201);
  });
  after(() => p.stop());

  test('before the period ends in block time nothing is payable, whatever the wall clock says', async () => {
    await passDays(p, clock, 6);
    const res = await finance.post(`/finance/api/payout/policies/${pol}/release`, {});
    assert.equal(res.body.code, 'NOTHING_TO_RELEASE');
    assert.deepEqual(res.body.data.waiting, { PUBLICITY_RUNNING: 4 });
    assert.equal((await finance.post('/finance/api/payout/runs', { policy: pol })).body.code, 'NOTHING_TO_PAY');
  });

  test('objections by staff and by an enterprise; withdrawing and changing upheld, one dismissed later', async () => {
    const o1 = await staff.post(`/market/api/payout/awards/${award.objected}/objections`, { reasons: '该企业存在未结执法案件。' });
    assert.equal(o1.status, 201, JSON.stringify(o1.body));
    const o2 = await signedPost(p, ents[0], 'payout.object', { award: award.withdrawn, reasons: '该企业申报数据与实际不符。' });
    assert.equal(o2.status, 200, JSON.stringify(o2.body));
    const o3 = await staff.post(`/market/api/payout/awards/${award.changed}/objections`, { reasons: '核定金额高于实际投入比例。' });
    const w = await policy.post(`/econ/api/payout/objections/${o2.body.objection}/resolve`, { outcome: 'withdraw', reasons: '经核实，撤销该奖励。' });
    assert.equal(w.status, 200, JSON.stringify(w.body));
    const wrongAmount = await policy.post(`/econ/api/payout/objections/${o3.body.objection}/resolve`, { outcome: 'change', amountFen: '5000001', reasons: '调整' });
    assert.equal(wrongAmount.body.code, 'ABOVE_CAP');
    const c = await policy.post(`/econ/api/payout/objections/${o3.body.objection}/resolve`, { outcome: 'change', amountFen: '600000', reasons: '按实际投入比例调整为6000元。' });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    const changed = (await stateOf<AwardRecord>(p, `pay/award/${award.changed}`))!;
    assert.equal(changed.amountFen, '600000');
    const lists = (await staff.get(`/market/api/payout/publications?policy=${pol}`).expect(200)).body.items;
    const republished = lists.find((l: any) => l.id === changed.publication);
    assert.ok(republished, 'the changed award is on a new publication list, public like the first');
    assert.deepEqual(republished.awards.map((x: any) => [x.award, x.amountFen]), [[award.changed, '600000']]);
    assert.equal(republished.republishes.previousAmountFen, '1000000');
    assert.deepEqual([republished.startsAt, republished.endsAt], [changed.publicity!.startsAt, changed.publicity!.endsAt]);
    assert.equal(changed.publicity!.endsAt > clock.t + 6 * 86_400_000, true, 'published afresh for a full period');
    const ledger = (await stateOf<LedgerRecord>(p, `pay/ledger/${pol}`))!;
    assert.deepEqual([ledger.awardedFen, ledger.remainingFen], ['2600000', '7400000'], 'the withdrawn and the reduced money are back in the budget');
    const onWithdrawn = await staff.post(`/market/api/payout/awards/${award.withdrawn}/objections`, { reasons: '再议' });
    assert.equal(onWithdrawn.body.code, 'NOT_IN_PUBLICITY');
    const twice = await policy.post(`/econ/api/payout/objections/${o2.body.objection}/resolve`, { outcome: 'dismiss', reasons: '重复处理' });
    assert.equal(twice.body.code, 'OBJECTION_CLOSED');
    (award as Record<string, string>).o1 = o1.body.objection;
  });

  test('after the period: only the award without objection is released; the objected one waits, the withdrawn one never comes', async () => {
    await passDays(p, clock, 2);
    await until('plain released', async () => (await stateOf<AwardRecord>(p, `pay/award/${award.plain}`))!.status === 'payable');
    const objected = (await stateOf<AwardRecord>(p, `pay/award/${award.objected}`))!;
    assert.equal(objected.status, 'publicised');
    assert.equal((await stateOf<AwardRecord>(p, `pay/award/${award.withdrawn}`))!.status, 'withdrawn');
    assert.equal((await stateOf<AwardRecord>(p, `pay/award/${award.changed}`))!.status, 'publicised', 'its new period runs');
    const run = await finance.post('/finance/api/payout/runs', { policy: pol });
    assert.equal(run.body.count, 1);
  });

  test('dismissed late, the objected award is released; the changed one after its own period, for the new amount', async () => {
    const o1 = (award as Record<string, string>).o1;
    await policy.post(`/econ/api/payout/objections/${o1}/resolve`, { outcome: 'dismiss', reasons: '执法案件已结案，不影响兑现。' }).expect(200);
    await until('objected released', async () => (await stateOf<AwardRecord>(p, `pay/award/${award.objected}`))!.status === 'payable');
    await passDays(p, clock, 7);
    await until('changed released', async () => (await stateOf<AwardRecord>(p, `pay/award/${award.changed}`))!.status === 'payable');
    const run = await finance.post('/finance/api/payout/runs', { policy: pol });
    assert.equal(run.status, 201, JSON.stringify(run.body));
    const detail = await finance.get(`/finance/api/payout/runs/${run.body.run}`).expect(200);
    assert.deepEqual(detail.body.items.map((i: any) => [i.award, i.amountFen]).sort(), [[award.changed, '600000'], [award.objected, '1000000']].sort());
    const all: { award: string }[] = await p.node('finance').db('pay_payments').select('award');
    assert.ok(!all.some((x) => x.award === award.withdrawn), 'a withdrawn award is in no run');
  });
});
