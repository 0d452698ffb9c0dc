import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import { parseXml, children, child, at } from '../../server/policy-payout/payments/bank/xml.ts';
import { waitForHeight } from '../support/fixtures.ts';
import { pdf } from '../approval/support.ts';
import {
  apply, applyBody, commitTaxAndInsured, payRun, synced, expertKeys, INSURED_RULE, login, openSealed, passDays, payoutEnterprise, publish, signedPost, startPayoutPlatform, stateOf, TAX_RULE, TestClock, until,
  type Session, type TestEnterprise,
} from './support.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Workflow 6 end to end on the shipped modules: a policy with privacy rules, grade, industry and
 * region; the policy finds its enterprises; applications checked by real zero-knowledge answers;
 * expert review of encrypted materials; decision; publication with an objection; release when the
 * period ends; a payment run, a failed payment, a retry, settlement, reconciliation.
 */
describe('policy payout: publish → apply → checks → review → decide → publicise → pay', () => {
  let p: Platform;
  const clock = new TestClock();
  let policy: Session;
  let finance: Session;
  let finance2: Session;
  let A: TestEnterprise; // fits every rule
  let B: TestEnterprise; // pays too little tax
  let C: TestEnterprise; // wrong industry
  let pol: string;
  let appA: string;
  let appB: string;
  let award: string;
  let run1: string;
  const experts: Record<string, ReturnType<typeof expertKeys>> = {};
  const material = pdf('payout-rd-report');

  before(async () => {
    p = await startPayoutPlatform({ clock });
    policy = await login(p, 'econ', 'policy1');
    finance = await login(p, 'finance', 'finance1');
    finance2 = await login(p, 'finance', 'finance2');
    const clerk = await login(p, 'service', 'clerk1');
    A = await payoutEnterprise(p, clerk, 101);
    B = await payoutEnterprise(p, clerk, 102);
    C = await payoutEnterprise(p, clerk, 103, { industry: 'F51' });
    await commitTaxAndInsured(p, [
      { code: A.code, taxFen: '150000000', insured: 25 },
      { code: B.code, taxFen: '42000000', insured: 30 },
    ]);
    for (const id of ['expert1', 'expert2', 'expert3']) {
      experts[id] = expertKeys();
      const s = await login(p, 'econ', id);
      const conflicts = id === 'expert3' ? { enterprises: [A.code] } : {};
      const res = await s.post('/econ/api/payout/experts/key', { encKey: experts[id].publicKey, conflicts });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    pol = await publish(policy, {
      eligibility: { privacy: [TAX_RULE, INSURED_RULE], minGrade: 'B', industries: ['C'], regions: ['江南区'] },
      review: { method: 'expert', experts: 2 },
      exclusionGroup: 'rd-2026',
    });
  });
  after(() => p.stop());

  test('政策找企业: the officer sees the enterprises the policy fits; an enterprise sees what it may apply for', async () => {
    const listed = (await policy.get('/econ/api/payout/policies').expect(200)).body.items.find((x: { id: string }) => x.id === pol);
    assert.equal(listed.ledger.remainingFen, listed.budgetFen, 'the list carries each policy\'s ledger');
    const res = await policy.get(`/econ/api/payout/policies/${pol}/candidates`).expect(200);
    const codes = res.body.items.map((x: { code: string }) => x.code);
    assert.ok(codes.includes(A.code) && codes.includes(B.code));
    assert.ok(!codes.includes(C.code), 'wrong industry');
    assert.deepEqual(res.body.items[0].toAsk, [TAX_RULE.label, INSURED_RULE.label]);
    const mine = await (await A.login('econ')).get('/econ/api/payout/eligible').expect(200);
    const item = mine.body.items.find((x: { policy: string }) => x.policy === pol);
    assert.equal(item.fits, true);
    const theirs = await (await C.login('econ')).get('/econ/api/payout/eligible').expect(200);
    assert.equal(theirs.body.items.find((x: { policy: string }) => x.policy === pol).fits, false);
  });

  test('a rule the chain knows is refused at once, with what failed', async () => {
    const res = await signedPost(p, C, 'payout.apply', applyBody(C, pol));
    assert.equal(res.status, 422);
    assert.equal(res.body.code, 'NOT_ELIGIBLE');
    assert.equal(res.body.data.failed[0].rule, 'industry');
  });

  test('an application with an encrypted attachment raises the privacy queries; verified answers move it to expert review', async () => {
    const s = await A.login('econ');
    const up = await s.post(`/econ/api/payout/attachments?policy=${pol}`).set('content-type', 'application/pdf').send(material);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    appA = await apply(p, A, pol, { requestedFen: '15000000', attachments: [{ hash: up.body.hash, name: '研发投入专项审计报告.pdf', type: 'pdf', size: up.body.size }] });
    const first = await stateOf<any>(p, `pay/app/${appA}`);
    assert.equal(first.status, 'checking');
    assert.equal(first.checks.filter((c: any) => c.kind === 'privacy').length, 2);
    const q = await stateOf<any>(p, `pq/query/${first.checks.find((c: any) => c.rule === 'tax').query}`);
    assert.deepEqual(q.origin, { module: 'payout', ref: appA });
    const rec = await until('A in review', async () => {
      const a = await stateOf<any>(p, `pay/app/${appA}`);
      return a.status === 'reviewing' && a;
    });
    assert.ok(rec.checks.every((c: any) => c.status === 'passed'));
    // The draw: expert3 declared a conflict; of the others, the first two by sha256(app|expert).
    assert.deepEqual(rec.review.excluded.map((e: any) => e.expert), ['expert3']);
    const order = ['expert1', 'expert2'].sort((x, y) => (sha(Buffer.from(`${appA}|${x}`)) < sha(Buffer.from(`${appA}|${y}`)) ? -1 : 1));
    assert.deepEqual(rec.review.experts, order);
    // Every node recorded the same application (once each has the same blocks).
    await waitForHeight(p.nodes, p.node('econ').height);
    const all = await Promise.all(p.nodes.map((n) => n.view().get(`pay/app/${appA}`)));
    assert.equal(new Set(all.map((x) => JSON.stringify(x))).size, 1);
  });

  test('a verified "no" rejects the application by itself and frees its exclusion group', async () => {
    appB = await apply(p, B, pol);
    const rec = await until('B rejected', async () => {
      const a = await stateOf<any>(p, `pay/app/${appB}`);
      return a.status === 'rejected' && a;
    });
    assert.deepEqual(rec.rejection.reasons.map((r: any) => [r.rule, r.code]), [['tax', 'ANSWER_NO']]);
    assert.equal(await stateOf(p, `pay/group/rd-2026/${B.code}`), undefined);
    const again = await signedPost(p, B, 'payout.apply', applyBody(B, pol));
    assert.equal(again.body.code, 'DUPLICATE_APPLICATION', 'still one application per policy');
  });

  test('only the assigned experts read the materials: sealed to their own key', async () => {
    for (const id of ['expert1', 'expert2']) {
      const s = await login(p, 'econ', id);
      const res = await s.get(`/econ/api/payout/applications/${appA}/materials`).expect(200);
      assert.equal(res.body.items.length, 1);
      const plain = await openSealed(res.body.items[0].jwe, experts[id]);
      assert.ok(plain.equals(material));
      assert.equal(sha(plain), res.body.items[0].hash, 'the hash on the chain');
      await assert.rejects(openSealed(res.body.items[0].jwe, experts.expert3), 'another expert\'s key does not open it');
    }
    const e3 = await login(p, 'econ', 'expert3');
    const denied = await e3.get(`/econ/api/payout/applications/${appA}/materials`);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.code, 'NOT_ASSIGNED');
  });

  test('each assigned expert signs a score once; then the department approves within the cap', async () => {
    const e3 = await login(p, 'econ', 'expert3');
    const stranger = await e3.post(`/econ/api/payout/applications/${appA}/review`, { score: 10, opinion: '不应由我评审' });
    assert.equal(stranger.body.code, 'NOT_ASSIGNED');
    const early = await policy.post(`/econ/api/payout/applications/${appA}/decision`, { decision: 'approve', amountFen: '12000000', reasons: '提前' });
    assert.equal(early.body.code, 'NOT_DECIDING');
    for (const [id, score] of [['expert1', 85], ['expert2', 90]] as const) {
      const s = await login(p, 'econ', id);
      const res = await s.post(`/econ/api/payout/applications/${appA}/review`, { score, opinion: '研发投入真实，成果转化明显。' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const twice = await s.post(`/econ/api/payout/applications/${appA}/review`, { score, opinion: '再评一次' });
      assert.equal(twice.body.code, res.body.done ? 'NOT_REVIEWING' : 'ALREADY_REVIEWED');
    }
    const a = await stateOf<any>(p, `pay/app/${appA}`);
    assert.equal(a.status, 'deciding');
    assert.equal(a.review.meanScoreX100, 8750);
    // the opinions are sealed to the deciding department: opened in its read model only
    assert.deepEqual(a.review.scores.map((x: any) => [x.opinion.sealed, x.opinion.jwe.recipients.map((r: any) => r.header.kid.split('/')[0])]), [[1, ['econ']], [1, ['econ']]]);
    const mine = (await policy.get(`/econ/api/payout/applications/${appA}`).expect(200)).body;
    assert.deepEqual(mine.review.scores.map((x: any) => x.opinion), ['研发投入真实，成果转化明显。', '研发投入真实，成果转化明显。']);
    const audited = (await (await login(p, 'audit', 'auditor1')).get(`/audit/api/payout/applications/${appA}?purpose=${encodeURIComponent('专项审计：评审意见')}`).expect(200)).body;
    assert.deepEqual(audited.review.scores.map((x: any) => [x.opinion, x.opinionSealed]), [[undefined, { to: ['econ'], readable: false }], [undefined, { to: ['econ'], readable: false }]]);
    const marketRow = await p.node('market').db('pay_applications').where({ id: appA }).first('json');
    assert.ok(!marketRow.json.includes('成果转化明显'), 'no other node stores the opinion');
    const above = await policy.post(`/econ/api/payout/applications/${appA}/decision`, { decision: 'approve', amountFen: '20000001', reasons: '超限' });
    assert.equal(above.body.code, 'ABOVE_CAP');
    const ok = await policy.post(`/econ/api/payout/applications/${appA}/decision`, { decision: 'approve', amountFen: '12000000', reasons: '专家评审均分87.5，核定奖励12万元' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    award = ok.body.award;
    const ledger = await stateOf<any>(p, `pay/ledger/${pol}`);
    assert.equal(ledger.awardedFen, '12000000');
    assert.equal(ledger.remainingFen, '88000000');
  });

  test('公示 with an objection: nothing is payable until the period ends and the objection is resolved', async () => {
    const pub = await policy.post(`/econ/api/payout/policies/${pol}/publicise`, {});
    assert.equal(pub.status, 201, JSON.stringify(pub.body));
    const list = await (await login(p, 'market', 'approver1')).get(`/market/api/payout/publications?policy=${pol}`).expect(200);
    assert.deepEqual(list.body.items[0].awards.map((x: any) => [x.award, x.amountFen]), [[award, '12000000']]);
    const obj = await signedPost(p, B, 'payout.object', { award, reasons: '该企业研发费用归集口径存疑，请核实。' }, 'econ');
    assert.equal(obj.status, 200, JSON.stringify(obj.body));
    const early = await finance.post(`/finance/api/payout/policies/${pol}/release`, {});
    assert.equal(early.body.code, 'NOTHING_TO_RELEASE');
    await passDays(p, clock, 8);
    const blocked = await finance.post(`/finance/api/payout/policies/${pol}/release`, {});
    assert.equal(blocked.body.code, 'NOTHING_TO_RELEASE');
    assert.deepEqual(blocked.body.data.waiting, { OPEN_OBJECTION: 1 });
    const late = await signedPost(p, B, 'payout.object', { award, reasons: '再提一次异议' }, 'econ');
    assert.equal(late.body.code, 'PUBLICITY_ENDED');
    const dismissed = await policy.post(`/econ/api/payout/objections/${obj.body.objection}/resolve`, { outcome: 'dismiss', reasons: '经核实研发费用归集符合规定。' });
    assert.equal(dismissed.status, 200, JSON.stringify(dismissed.body));
    await until('released by the policy node', async () => (await stateOf<any>(p, `pay/award/${award}`)).status === 'payable');
    const ledger = await stateOf<any>(p, `pay/ledger/${pol}`);
    assert.equal(ledger.reservedFen, '12000000');
  });

  test('finance pays: a pain.001 file, a rejection, a retry under a new end-to-end id, settlement once', async () => {
    const res = await payRun(finance, finance2, { policy: pol });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    run1 = res.body.run;
    const xml = (await finance.get(res.body.file).expect(200)).text;
    const doc = parseXml(xml);
    const txs = children(child(child(doc, 'CstmrCdtTrfInitn'), 'PmtInf'), 'CdtTrfTxInf');
    assert.equal(txs.length, 1);
    assert.equal(at(txs[0], 'PmtId', 'EndToEndId'), `${award}-1`);
    assert.equal(at(txs[0], 'Amt', 'InstdAmt'), '120000.00');
    const rejected = `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr><MsgId>S1</MsgId><CreDtTm>2026-03-01T10:00:00+08:00</CreDtTm></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>${run1}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>${run1}-1</OrgnlPmtInfId><TxInfAndSts><OrgnlEndToEndId>${award}-1</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>账户已销户</AddtlInf></StsRsnInf></TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`;
    const st = await finance.post(`/finance/api/payout/runs/${run1}/statement`).set('content-type', 'application/xml').send(rejected);
    assert.equal(st.status, 200, JSON.stringify(st.body));
    assert.equal(st.body.failed, 1);
    let ledger = await stateOf<any>(p, `pay/ledger/${pol}`);
    assert.equal(ledger.failedFen, '12000000');
    const none = await finance.post('/finance/api/payout/runs', { policy: pol });
    assert.equal(none.body.code, 'NOTHING_TO_PAY', 'a failed payment is retried only when asked');
    const retry = await payRun(finance, finance2, { policy: pol, retryFailed: true });
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
    const csv = `endToEndId,status,bankRef,reason\r\n${award}-2,settled,B2026030100001,\r\n`;
    const ok = await finance.post(`/finance/api/payout/runs/${retry.body.run}/statement`).set('content-type', 'text/csv').send(csv);
    assert.equal(ok.body.settled, 1);
    const again = await finance.post(`/finance/api/payout/runs/${retry.body.run}/statement`).set('content-type', 'text/csv').send(csv);
    assert.deepEqual([again.body.settled, again.body.alreadyRecorded], [0, 1], 'reading a statement twice changes nothing');
    const direct = await p.node('finance').submitAs('finance1', 'payout.settle', { run: retry.body.run, results: [{ endToEndId: `${award}-2`, outcome: 'settled' }] });
    assert.equal(direct.receipt!.code, 'ALREADY_SETTLED');
    const stale = await p.node('finance').submitAs('finance1', 'payout.settle', { run: run1, results: [{ endToEndId: `${award}-1`, outcome: 'settled' }] });
    assert.equal(stale.receipt!.code, 'ALREADY_SETTLED', 'the failed first attempt can never be paid afterwards');
    const a = await stateOf<any>(p, `pay/award/${award}`);
    assert.equal(a.status, 'paid');
    assert.equal(a.paid.endToEndId, `${award}-2`);
    ledger = await stateOf<any>(p, `pay/ledger/${pol}`);
    assert.deepEqual([ledger.paidFen, ledger.failedFen, ledger.reservedFen, ledger.remainingFen], ['12000000', '0', '0', '88000000']);
  });

  test('reconciliation for finance and audit, as JSON and CSV', async () => {
    await synced(p);
    const auditor = await login(p, 'audit', 'auditor1');
    assert.equal((await auditor.get(`/audit/api/payout/policies/${pol}/reconciliation?format=json`).expect(400)).body.code, 'PURPOSE_REQUIRED');
    const json = await auditor.get(`/audit/api/payout/policies/${pol}/reconciliation?format=json&purpose=${encodeURIComponent('专项审计：资金对账')}`).expect(200);
    assert.match(json.headers['x-audit-view-tx'], /^[0-9a-f]{64}$/);
    assert.equal(json.body.balanced, true);
    assert.equal(json.body.matchesAwards, true);
    assert.deepEqual(json.body.payments.map((x: any) => [x.endToEndId, x.status]), [[`${award}-1`, 'failed'], [`${award}-2`, 'settled']]);
    const csv = await finance.get(`/finance/api/payout/policies/${pol}/reconciliation?format=csv`).expect(200);
    assert.match(csv.headers['content-type'], /text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    assert.equal(lines[1].split(',').slice(3, 9).join(','), '"1000000.00","0.00","0.00","0.00","120000.00","880000.00"');
    const other = await login(p, 'market', 'approver1');
    assert.equal((await other.get(`/market/api/payout/policies/${pol}/reconciliation`)).status, 403);
  });
});
