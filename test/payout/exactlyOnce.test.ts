import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { Platform } from '../../server/platform.ts';
import type { AwardRecord, LedgerRecord } from '../../server/policy-payout/records.ts';
import { waitForHeight } from '../support/fixtures.ts';
import { login, startPayoutPlatform, stateOf, TestClock, type Session } from './support.ts';
import { payableAwards } from './payable.ts';

const N = 12;

describe('at most one payout per award: concurrent triggers and statements', () => {
  let p: Platform;
  const clock = new TestClock();
  let finance: Session;
  let finance2: Session;
  let setup: Awaited<ReturnType<typeof payableAwards>>;

  before(async () => {
    p = await startPayoutPlatform({ clock, keys: false });
    finance = await login(p, 'finance', 'finance1');
    finance2 = await login(p, 'finance', 'finance2');
    setup = await payableAwards(p, clock, N, 500);
  });
  after(() => p.stop());

  test('1,000 concurrent trigger requests prepare one run; 20 approvals at once start it once; every award is in it once', async () => {
    // One listening server for the thousand: supertest would open a server per request, and on a
    // loaded machine some of a thousand fresh listeners' connections are reset before they answer.
    const server = request(await p.listen(0));
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => server.post('/finance/api/payout/runs').set('Cookie', finance.cookie).set('x-csrf-token', finance.csrf).send({ policy: setup.policy })),
    );
    const created = results.filter((r) => r.status === 201);
    assert.equal(created.length, 1);
    assert.ok(results.every((r) => r.status === 201 || (r.status === 409 && r.body.code === 'NOTHING_TO_PAY')), JSON.stringify(results.find((r) => r.status !== 201 && r.status !== 409)?.body));
    assert.equal(created[0].body.count, N);
    const approvals = await Promise.all(Array.from({ length: 20 }, () => finance2.post(`/finance/api/payout/runs/${created[0].body.run}/approve`, {})));
    const approved = approvals.filter((r) => r.status === 200);
    assert.equal(approved.length, 1);
    assert.ok(approvals.every((r) => r.status === 200 || r.body.code === 'RUN_ALREADY_REVIEWED'), JSON.stringify(approvals.map((r) => r.body.code)));
    const rows: { award: string; attempt: number }[] = await p.node('finance').db('pay_payments').select('award', 'attempt');
    assert.equal(rows.length, N);
    assert.equal(new Set(rows.map((r) => r.award)).size, N);
    const xml = (await finance.get(approved[0].body.file).expect(200)).text;
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
    await node.submitAs('finance2', 'payout.runApprove', { run: okRuns[0].receipt!.events[0].data.run });
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
