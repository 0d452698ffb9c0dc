import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import type { AwardRecord, LedgerRecord, RunRecord } from '../../server/policy-payout/records.ts';
import { payableAwards } from './payable.ts';
import { login, startPayoutPlatform, stateOf, TestClock, type Session } from './support.ts';

const count = async (s: Session, key: string) => ((await s.get('/finance/api/payout/my-work').expect(200)).body.items as { key: string; count: number }[]).find((i) => i.key === key)?.count;

/**
 * Maker-checker for payment runs: one finance officer prepares a run, a different one approves or
 * rejects it, and nothing is paid (no payment, no file, no statement) before the approval.
 */
describe('payment runs take two finance officers', () => {
  let p: Platform;
  const clock = new TestClock();
  let f1: Session;
  let f2: Session;
  let setup: Awaited<ReturnType<typeof payableAwards>>;
  let ledgerBefore: LedgerRecord;

  before(async () => {
    p = await startPayoutPlatform({ clock, keys: false });
    setup = await payableAwards(p, clock, 3, 700);
    f1 = await login(p, 'finance', 'finance1');
    f2 = await login(p, 'finance', 'finance2');
    ledgerBefore = (await stateOf<LedgerRecord>(p, `pay/ledger/${setup.policy}`))!;
  });
  after(() => p.stop());

  let run1: string;
  test('prepared: no payment, no file, no statement; the awards are held; the other officer sees it to review', async () => {
    const made = await f1.post('/finance/api/payout/runs', { policy: setup.policy });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual([made.body.status, made.body.count, made.body.file], ['prepared', 3, undefined]);
    run1 = made.body.run;
    const run = (await stateOf<RunRecord>(p, `pay/run/${run1}`, 'finance'))!;
    assert.deepEqual([run.status, run.by.user], ['prepared', 'finance1']);
    assert.equal((await f1.get(`/finance/api/payout/runs/${run1}/pain001.xml`)).body.code, 'RUN_NOT_APPROVED');
    const st = await f1.post(`/finance/api/payout/runs/${run1}/statement`).set('content-type', 'text/csv').send(`endToEndId,status,bankRef,reason\n${setup.awards[0]}-1,settled,B1,\n`);
    assert.deepEqual([st.status, st.body.code], [409, 'RUN_NOT_APPROVED']);
    assert.equal((await p.node('finance').db('pay_payments').count({ n: '*' }))[0].n, 0);
    for (const a of setup.awards) {
      const award = (await stateOf<AwardRecord>(p, `pay/award/${a}`, 'finance'))!;
      assert.deepEqual([award.status, award.attempts, award.preparedIn], ['payable', 0, run1]);
    }
    assert.deepEqual(await stateOf<LedgerRecord>(p, `pay/ledger/${setup.policy}`), ledgerBefore, 'the books did not move');
    const again = await f2.post('/finance/api/payout/runs', { policy: setup.policy });
    assert.deepEqual([again.status, again.body.code], [409, 'NOTHING_TO_PAY'], 'a held award is in no second run');
    const list = (await f2.get('/finance/api/payout/runs?status=prepared').expect(200)).body.items;
    assert.deepEqual(list.map((r: { id: string; preparedBy: string }) => [r.id, r.preparedBy]), [[run1, 'finance1']]);
    assert.equal((await f1.get('/finance/api/payout/runs?status=paid')).status, 400);
    assert.deepEqual([await count(f1, 'runsToReview'), await count(f1, 'runsPreparedMine'), await count(f1, 'awardsPayable')], [0, 1, 0]);
    assert.deepEqual([await count(f2, 'runsToReview'), await count(f2, 'runsPreparedMine')], [1, 0]);
  });

  test('the officer who prepared it can neither approve nor reject it; others outside finance cannot either', async () => {
    const approve = await f1.post(`/finance/api/payout/runs/${run1}/approve`, {});
    assert.deepEqual([approve.status, approve.body.code], [403, 'RUN_SAME_APPROVER']);
    const reject = await f1.post(`/finance/api/payout/runs/${run1}/reject`, { reason: '自己退回' });
    assert.deepEqual([reject.status, reject.body.code], [403, 'RUN_SAME_APPROVER']);
    const chain = await p.node('finance').submitAs('finance1', 'payout.runApprove', { run: run1 }).catch((e) => e);
    assert.equal(chain.receipt?.code ?? chain.code, 'RUN_SAME_APPROVER', 'the contract refuses it, not only the route');
    const policy = await login(p, 'econ', 'policy1');
    assert.equal((await policy.post(`/econ/api/payout/runs/${run1}/approve`, {})).status, 403);
    assert.equal((await f2.post('/finance/api/payout/runs/PR-1/approve', {})).status, 400);
    const unknown = await f2.post('/finance/api/payout/runs/PR-999999-0/approve', {});
    assert.deepEqual([unknown.status, unknown.body.code], [404, 'UNKNOWN_RUN']);
    assert.equal((await stateOf<RunRecord>(p, `pay/run/${run1}`, 'finance'))!.status, 'prepared');
  });

  test('rejected with a reason: the awards are payable again and the run cannot then be approved', async () => {
    const noReason = await f2.post(`/finance/api/payout/runs/${run1}/reject`, {});
    assert.equal(noReason.status, 400);
    const blank = await f2.post(`/finance/api/payout/runs/${run1}/reject`, { reason: '' });
    assert.equal(blank.status, 400);
    const res = await f2.post(`/finance/api/payout/runs/${run1}/reject`, { reason: '金额需与公示名单再次核对' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const run = (await stateOf<RunRecord>(p, `pay/run/${run1}`, 'finance'))!;
    assert.deepEqual([run.status, run.review?.by.user, run.review?.reason], ['rejected', 'finance2', '金额需与公示名单再次核对']);
    for (const a of setup.awards) {
      const award = (await stateOf<AwardRecord>(p, `pay/award/${a}`, 'finance'))!;
      assert.deepEqual([award.status, award.preparedIn], ['payable', undefined]);
    }
    const late = await f2.post(`/finance/api/payout/runs/${run1}/approve`, {});
    assert.deepEqual([late.status, late.body.code], [409, 'RUN_ALREADY_REVIEWED']);
    assert.equal((await p.node('finance').db('pay_payments').count({ n: '*' }))[0].n, 0);
  });

  test('prepared again by one, approved by the other: paid as published, once; approving twice is refused', async () => {
    const made = await f2.post('/finance/api/payout/runs', { policy: setup.policy });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const ok = await f1.post(`/finance/api/payout/runs/${made.body.run}/approve`, {});
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.status, 'approved');
    const twice = await f2.post(`/finance/api/payout/runs/${made.body.run}/approve`, {});
    assert.deepEqual([twice.status, twice.body.code], [409, 'RUN_ALREADY_REVIEWED']);
    const again = await p.node('finance').submitAs('finance1', 'payout.runApprove', { run: made.body.run }).catch((e) => e);
    assert.equal(again.receipt?.code ?? again.code, 'RUN_ALREADY_REVIEWED');
    const rejectAfter = await f1.post(`/finance/api/payout/runs/${made.body.run}/reject`, { reason: '迟到' });
    assert.deepEqual([rejectAfter.status, rejectAfter.body.code], [409, 'RUN_ALREADY_REVIEWED']);
    const xml = (await f1.get(ok.body.file).expect(200)).text;
    for (const a of setup.awards) {
      assert.equal(xml.split(`<EndToEndId>${a}-1</EndToEndId>`).length, 2, `${a} once in the file`);
      const award = (await stateOf<AwardRecord>(p, `pay/award/${a}`, 'finance'))!;
      assert.deepEqual([award.status, award.attempts, award.amountFen], ['paying', 1, setup.amounts.get(a)]);
    }
    const total = [...setup.amounts.values()].reduce((s, x) => s + BigInt(x), 0n);
    assert.equal(ok.body.totalFen, total.toString(), 'the run pays exactly what was published');
    const ledger = (await stateOf<LedgerRecord>(p, `pay/ledger/${setup.policy}`))!;
    assert.equal(ledger.reservedFen, total.toString());
    const detail = (await f2.get(`/finance/api/payout/runs/${made.body.run}`).expect(200)).body;
    assert.deepEqual([detail.status, detail.by.user, detail.review.by.user], ['approved', 'finance2', 'finance1']);
    assert.equal(await count(f1, 'runsToReview'), 0);
  });
});
