import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import type { AwardRecord, LedgerRecord } from '../../server/policy-payout/records.ts';
import { registerEnterprise } from '../approval/support.ts';
import { waitForHeight } from '../support/fixtures.ts';
import { apply, login, passDays, payoutFiling, publish, startPayoutPlatform, stateOf, TestClock, until, type Session, type TestEnterprise } from './support.ts';

const N = 12;

/** Enterprises with approved, published, released awards: ready for a payment run. */
export async function payableAwards(p: Platform, clock: TestClock, n: number, seed: number): Promise<{ policy: string; awards: string[]; amounts: Map<string, string> }> {
  const policy = await login(p, 'econ', 'policy1');
  const clerk = await login(p, 'service', 'clerk1');
  const ents: TestEnterprise[] = await Promise.all(Array.from({ length: n }, (_, i) => registerEnterprise(p, clerk, seed + i, `滨江并发${seed + i}科技有限公司`)));
  await Promise.all(ents.map(async (e) => assert.equal((await e.submit('filing.submit', await payoutFiling(e) as never)).status, 200)));
  const pol = await publish(policy, { budgetFen: '1000000000', capFen: '10000000' });
  const apps = await Promise.all(ents.map((e) => apply(p, e, pol)));
  const amounts = new Map<string, string>();
  await Promise.all(apps.map(async (app, i) => {
    const amountFen = String(1_000_000 + i * 1234);
    const res = await policy.post(`/econ/api/payout/applications/${app}/decision`, { decision: 'approve', amountFen, reasons: '符合条件' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    amounts.set(res.body.award, amountFen);
  }));
  assert.equal((await policy.post(`/econ/api/payout/policies/${pol}/publicise`, {})).status, 201);
  await passDays(p, clock, 8);
  const awards = [...amounts.keys()].sort();
  await until('all payable', async () => (await Promise.all(awards.map((a) => stateOf<AwardRecord>(p, `pay/award/${a}`)))).every((a) => a!.status === 'payable'));
  return { policy: pol, awards, amounts };
}

describe('at most one payout per award: concurrent triggers and statements', () => {
  let p: Platform;
  const clock = new TestClock();
  let finance: Session;
  let setup: Awaited<ReturnType<typeof payableAwards>>;

  before(async () => {
    p = await startPayoutPlatform({ clock, keys: false });
    finance = await login(p, 'finance', 'finance1');
    setup = await payableAwards(p, clock, N, 500);
  });
  after(() => p.stop());

  test('1,000 concurrent trigger requests make one run; every award is in it once', async () => {
    const results = await Promise.all(Array.from({ length: 1000 }, () => finance.post('/finance/api/payout/runs', { policy: setup.policy })));
    const created = results.filter((r) => r.status === 201);
    assert.equal(created.length, 1);
    assert.ok(results.every((r) => r.status === 201 || (r.status === 409 && r.body.code === 'NOTHING_TO_PAY')), JSON.stringify(results.find((r) => r.status !== 201 && r.status !== 409)?.body));
    assert.equal(created[0].body.count, N);
    const rows: { award: string; attempt: number }[] = await p.node('finance').db('pay_payments').select('award', 'attempt');
    assert.equal(rows.length, N);
    assert.equal(new Set(rows.map((r) => r.award)).size, N);
    const xml = (await finance.get(created[0].body.file).expect(200)).text;
    for (const a of setup.awards) assert.equal(xml.split(`<EndToEndId>${a}-1</EndToEndId>`).length, 2, `${a} once in the file`);
  });

  test('the chain alone refuses a second run of the same awards (50 runs submitted at once, no HTTP queue)', async () => {
    const [run] = (await p.node('finance').db('pay_runs').select('id')).map((r: { id: string }) => r.id);
    // The bank rejects the whole file (GrpSts RJCT) without listing a transaction: every payment failed.
    const rejected = `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr><MsgId>S9</MsgId><CreDtTm>2026-03-01T10:00:00+08:00</CreDtTm></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>${run}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>`;
    const st = await finance.post(`/finance/api/payout/runs/${run}/statement`).set('content-type', 'application/xml').send(rejected);
    assert.equal(st.status, 200, JSON.stringify(st.body));
    assert.equal(st.body.failed, N);
    const again = await finance.post(`/finance/api/payout/runs/${run}/statement`).set('content-type', 'application/xml').send(rejected);
    assert.deepEqual([again.body.failed, again.body.alreadyRecorded], [0, N], 'read twice, recorded once');
    const node = p.node('finance');
    const receipts = await Promise.all(Array.from({ length: 50 }, () => node.submitAs('finance1', 'payout.run', { policy: setup.policy, retryFailed: true })));
    const okRuns = receipts.filter((r) => r.receipt!.status === 'ok');
    assert.equal(okRuns.length, 1);
    assert.ok(receipts.every((r) => r.receipt!.status === 'ok' || r.receipt!.code === 'NOTHING_TO_PAY'));
    for (const a of setup.awards) {
      const award = await stateOf<AwardRecord>(p, `pay/award/${a}`, 'finance');
      assert.equal(award!.attempts, 2);
      assert.equal(award!.current, `${a}-2`);
    }
  });

  test('20 statement imports at once settle each award once', async () => {
    const runs: { id: string }[] = await p.node('finance').db('pay_runs').orderBy('created_at', 'desc').orderBy('id', 'desc').select('id');
    const retryRun = runs[0].id;
    const csv = ['endToEndId,status,bankRef,reason', ...setup.awards.map((a, i) => `${a}-2,settled,B${i},`)].join('\n');
    const res = await Promise.all(Array.from({ length: 20 }, () => finance.post(`/finance/api/payout/runs/${retryRun}/statement`).set('content-type', 'text/csv').send(csv)));
    const settled = res.filter((r) => r.status === 200).reduce((s, r) => s + r.body.settled, 0);
    assert.equal(settled, N);
    assert.ok(res.every((r) => r.status === 200 || ['ALREADY_SETTLED', 'ALREADY_RECORDED'].includes(r.body.code)), JSON.stringify(res.map((r) => r.body.code)));
    await waitForHeight(p.nodes, p.node('finance').height);
    const pays: { award: string; status: string }[] = await p.node('audit').db('pay_payments').where({ status: 'settled' }).select('award', 'status');
    assert.equal(pays.length, N);
    assert.equal(new Set(pays.map((x) => x.award)).size, N);
    const ledger = (await stateOf<LedgerRecord>(p, `pay/ledger/${setup.policy}`))!;
    const total = [...setup.amounts.values()].reduce((s, x) => s + BigInt(x), 0n);
    assert.equal(ledger.paidFen, total.toString());
    assert.equal(ledger.reservedFen, '0');
    assert.equal(ledger.failedFen, '0');
  });
});
