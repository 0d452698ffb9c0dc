import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PAIN001_NS, pain001, pmtInfIdOf, type Party } from '../../server/policy-payout/payments/bank/pain001.ts';
import { parsePain002, parseStatementCsv } from '../../server/policy-payout/payments/bank/statusReport.ts';
import { at, child, children, parseXml } from '../../server/policy-payout/payments/bank/xml.ts';
import type { AwardRecord, LedgerRecord, RunRecord } from '../../server/policy-payout/records.ts';
import { withRejectedBlocks } from '../../server/policy-payout/payments/settlement.ts';
import { ECON_NODE, FINANCE, Harness, POLICY } from './harness.ts';
import { pain001Problems } from './pain001Schema.ts';

const payee = (name: string, account: string) => ({ name, account, bankName: '中国建设银行滨江分行', bankCode: '105331000017' });

function runOf(n: number, over: Partial<RunRecord> = {}): { run: RunRecord; parties: Map<string, Party> } {
  const parties = new Map<string, Party>();
  const items = Array.from({ length: n }, (_, i) => {
    const award = `AW-${100 + i}-0`;
    const name = i === 1 ? '滨江<星&月>贸易有限公司' : `滨江${i}号有限公司`;
    parties.set(award, { code: '91330106MA0000000X', payee: payee(name, `62270000${String(i).padStart(8, '0')}`) });
    return { award, endToEndId: `${award}-1`, amountFen: String(i === 0 ? 1 : 1_000_000 * (i + 1) + i) };
  });
  const total = items.reduce((s, i) => s + BigInt(i.amountFen), 0n).toString();
  const run: RunRecord = {
    id: 'PR-42-0', status: 'approved', policy: 'PL-7-0', policyTitle: '高新技术企业研发投入奖励', debtor: { name: '滨江市财政局国库支付中心', account: '330100100000000001', bankName: '中国人民银行滨江市中心支行', bankCode: '001331000018' },
    items, count: n, totalFen: total, createdAt: Date.UTC(2026, 2, 31, 17, 30), by: { dept: 'finance', user: 'finance1' }, txId: 'f'.repeat(64), ...over,
  };
  return { run, parties };
}

const file = (n: number, over: Partial<RunRecord> = {}) => {
  const { run, parties } = runOf(n, over);
  return pain001(run, parties);
};

describe('ISO 20022 pain.001.001.09 payment file', () => {
  test('fits the schema: element order, required elements, simple types', () => {
    const doc = parseXml(file(5));
    assert.equal(doc.name, 'Document');
    assert.equal(doc.attrs.xmlns, PAIN001_NS);
    assert.deepEqual(pain001Problems(doc), []);
  });

  test('counts and control sums agree with the transactions, amounts in yuan with two decimals', () => {
    const { run } = runOf(7);
    const doc = parseXml(file(7));
    const init = child(doc, 'CstmrCdtTrfInitn');
    const pmt = child(init, 'PmtInf')!;
    const txs = children(pmt, 'CdtTrfTxInf');
    assert.equal(txs.length, 7);
    assert.equal(at(init, 'GrpHdr', 'NbOfTxs'), '7');
    assert.equal(at(pmt, 'NbOfTxs'), '7');
    const sum = txs.reduce((s, t) => s + BigInt(at(t, 'Amt', 'InstdAmt')!.replace('.', '')), 0n);
    assert.equal(sum.toString(), run.totalFen);
    assert.equal(at(init, 'GrpHdr', 'CtrlSum')!.replace('.', ''), run.totalFen.padStart(3, '0'));
    assert.equal(at(txs[0], 'Amt', 'InstdAmt'), '0.01', 'one fen');
    assert.equal(child(child(txs[0], 'Amt'), 'InstdAmt')!.attrs.Ccy, 'CNY');
    assert.deepEqual(txs.map((t) => at(t, 'PmtId', 'EndToEndId')), run.items.map((i) => i.endToEndId));
    assert.equal(at(txs[1], 'Cdtr', 'Nm'), '滨江<星&月>贸易有限公司', 'names are escaped and read back intact');
    assert.equal(at(pmt, 'ReqdExctnDt', 'Dt'), '2026-04-01', 'dates are Beijing time');
    assert.equal(at(init, 'GrpHdr', 'CreDtTm'), '2026-04-01T01:30:00+08:00');
  });

  test('a pure function of the run: the same bytes every time', () => {
    assert.equal(file(3), file(3));
    assert.notEqual(file(3), file(3, { createdAt: 1 }));
  });

  test('10,000 transactions stay valid and fast', () => {
    const t0 = performance.now();
    const xml = file(10_000);
    const ms = performance.now() - t0;
    assert.ok(ms < 2000, `${ms} ms`);
    const doc = parseXml(xml);
    assert.deepEqual(pain001Problems(doc), []);
  });

  test('the validator does catch a broken file', () => {
    const xml = file(2).replace('<PmtMtd>TRF</PmtMtd>', '').replace(/<NbOfTxs>2<\/NbOfTxs>/, '<NbOfTxs>two</NbOfTxs>');
    const problems = pain001Problems(parseXml(xml));
    assert.ok(problems.some((p) => p.includes('missing PmtMtd')));
    assert.ok(problems.some((p) => p.includes('NbOfTxs')));
  });
});

describe('bank answers: pain.002 status reports and CSV statements', () => {
  const report = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
  <GrpHdr><MsgId>BANK-1</MsgId><CreDtTm>2026-04-02T09:00:00+08:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>PR-42-0</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>
  <OrgnlPmtInfAndSts><OrgnlPmtInfId>PR-42-0-1</OrgnlPmtInfId>
    <TxInfAndSts><OrgnlEndToEndId>AW-100-0-1</OrgnlEndToEndId><TxSts>ACSC</TxSts><AcctSvcrRef>CCB20260402001</AcctSvcrRef></TxInfAndSts>
    <TxInfAndSts><OrgnlEndToEndId>AW-101-0-1</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>账户已销户 &amp; 已退回</AddtlInf></StsRsnInf></TxInfAndSts>
    <TxInfAndSts><OrgnlEndToEndId>AW-102-0-1</OrgnlEndToEndId><TxSts>PDNG</TxSts></TxInfAndSts>
  </OrgnlPmtInfAndSts>
</CstmrPmtStsRpt></Document>`;

  test('pain.002: settled, rejected with the reason, pending left alone', () => {
    const r = parsePain002(report);
    assert.equal(r.run, 'PR-42-0');
    assert.deepEqual(r.items, [
      { endToEndId: 'AW-100-0-1', outcome: 'settled', bankRef: 'CCB20260402001' },
      { endToEndId: 'AW-101-0-1', outcome: 'failed', reason: 'AC04 账户已销户 & 已退回' },
    ]);
    assert.deepEqual(r.pending, ['AW-102-0-1']);
    assert.deepEqual(r.rejected, []);
  });

  test('prefixed namespaces read the same', () => {
    const prefixed = report.replace(/<(\/?)([A-Z])/g, '<$1p:$2').replace('<p:Document xmlns=', '<p:Document xmlns:p=');
    assert.deepEqual(parsePain002(prefixed), parsePain002(report));
  });

  test('CSV statements', () => {
    const r = parseStatementCsv('\uFEFFendToEndId,status,bankRef,reason\r\nAW-1-0-1,settled,B1,\r\nAW-2-0-3,RJCT,,AC01 账号错误\r\n');
    assert.deepEqual(r.items, [{ endToEndId: 'AW-1-0-1', outcome: 'settled', bankRef: 'B1' }, { endToEndId: 'AW-2-0-3', outcome: 'failed', reason: 'AC01 账号错误' }]);
  });

  const bad: [string, () => unknown, string][] = [
    ['a CSV without its header', () => parseStatementCsv('AW-1-0-1,settled,,\n'), 'BAD_STATEMENT'],
    ['an unknown status', () => parseStatementCsv('endToEndId,status,bankRef,reason\nAW-1-0-1,maybe,,\n'), 'BAD_STATEMENT'],
    ['an id that is not an attempt', () => parseStatementCsv('endToEndId,status,bankRef,reason\n1; DROP TABLE,settled,,\n'), 'BAD_STATEMENT'],
    ['an extra field', () => parseStatementCsv('endToEndId,status,bankRef,reason\nAW-1-0-1,settled,a,b,c\n'), 'BAD_STATEMENT'],
    ['a DOCTYPE (entity expansion)', () => parsePain002('<!DOCTYPE x [<!ENTITY a "aaaa">]><Document>&a;</Document>'), 'BAD_XML'],
    ['mismatched tags', () => parseXml('<a><b></a></b>'), 'BAD_XML'],
    ['an unclosed element', () => parseXml('<a><b></b>'), 'BAD_XML'],
    ['a stray angle bracket', () => parseXml('<a>1 < 2</a>'), 'BAD_XML'],
    ['another message type', () => parsePain002('<Document><CstmrCdtTrfInitn/></Document>'), 'BAD_STATEMENT'],
  ];
  for (const [name, f, code] of bad) test(`refused: ${name}`, () => assert.throws(f, (e: any) => e.code === code));
});

/** A pain.002 report on run PR-42-0: group status, then payment-information blocks (status and transactions). */
const statusReport = (o: { grp?: string; grpReason?: string; blocks?: { id?: string; sts?: string; reason?: string; txs?: [string, string][] }[] }) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
  <GrpHdr><MsgId>BANK-2</MsgId><CreDtTm>2026-04-02T09:00:00+08:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>PR-42-0</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>${o.grp ? `<GrpSts>${o.grp}</GrpSts>` : ''}${o.grpReason ? `<StsRsnInf><Rsn><Cd>${o.grpReason}</Cd></Rsn><AddtlInf>付款账户余额不足</AddtlInf></StsRsnInf>` : ''}</OrgnlGrpInfAndSts>
  ${(o.blocks ?? []).map((b) => `<OrgnlPmtInfAndSts>${b.id ? `<OrgnlPmtInfId>${b.id}</OrgnlPmtInfId>` : ''}${b.sts ? `<PmtInfSts>${b.sts}</PmtInfSts>` : ''}${b.reason ? `<StsRsnInf><Rsn><Cd>${b.reason}</Cd></Rsn></StsRsnInf>` : ''}
    ${(b.txs ?? []).map(([e2e, sts]) => `<TxInfAndSts><OrgnlEndToEndId>${e2e}</OrgnlEndToEndId><TxSts>${sts}</TxSts></TxInfAndSts>`).join('\n    ')}
  </OrgnlPmtInfAndSts>`).join('\n  ')}
</CstmrPmtStsRpt></Document>`;

describe('pain.002: only a final status settles; a rejected group or block fails all its payments', () => {
  test('ACSC and ACCC settle; ACWC, ACSP, ACTC, ACCP, PDNG and RCVD are interim', () => {
    const statuses = ['ACSC', 'ACCC', 'ACWC', 'ACSP', 'ACTC', 'ACCP', 'PDNG', 'RCVD'];
    const r = parsePain002(statusReport({ blocks: [{ id: 'PR-42-0-1', txs: statuses.map((s, i) => [`AW-${100 + i}-0-1`, s]) }] }));
    assert.deepEqual(r.items, [{ endToEndId: 'AW-100-0-1', outcome: 'settled' }, { endToEndId: 'AW-101-0-1', outcome: 'settled' }]);
    assert.deepEqual(r.pending, ['AW-102-0-1', 'AW-103-0-1', 'AW-104-0-1', 'AW-105-0-1', 'AW-106-0-1', 'AW-107-0-1']);
    assert.deepEqual(r.rejected, []);
  });

  test('a group rejected without transactions: every payment of the run fails, with the bank\'s reason', () => {
    const { run } = runOf(3);
    const r = parsePain002(statusReport({ grp: 'RJCT', grpReason: 'AM04' }));
    assert.deepEqual(r.items, []);
    assert.deepEqual(r.rejected, [{ scope: 'group', reason: 'AM04 付款账户余额不足' }]);
    assert.deepEqual(withRejectedBlocks(run, r), run.items.map((i) => ({ endToEndId: i.endToEndId, outcome: 'failed', reason: 'AM04 付款账户余额不足' })));
  });

  test('a payment-information block rejected without transactions: its payments fail; a block of another run is refused', () => {
    const { run } = runOf(2);
    const r = parsePain002(statusReport({ grp: 'PART', blocks: [{ id: pmtInfIdOf(run), sts: 'RJCT', reason: 'DT01' }] }));
    assert.deepEqual(r.rejected, [{ scope: 'paymentInformation', pmtInfId: 'PR-42-0-1', reason: 'DT01' }]);
    assert.deepEqual(withRejectedBlocks(run, r).map((i) => [i.endToEndId, i.outcome, i.reason]), [['AW-100-0-1', 'failed', 'DT01'], ['AW-101-0-1', 'failed', 'DT01']]);
    const other = parsePain002(statusReport({ blocks: [{ id: 'PR-7-0-1', sts: 'RJCT' }] }));
    assert.throws(() => withRejectedBlocks(run, other), (e: any) => e.code === 'BAD_STATEMENT');
  });

  test('listed transactions of a rejected block fail with their own reason; the rest are named from the run', () => {
    const { run } = runOf(3);
    const r = parsePain002(statusReport({ grp: 'RJCT', blocks: [{ id: 'PR-42-0-1', txs: [['AW-101-0-1', 'PDNG']] }] }));
    assert.deepEqual(r.pending, []);
    assert.deepEqual(withRejectedBlocks(run, r).map((i) => [i.endToEndId, i.outcome]), [['AW-101-0-1', 'failed'], ['AW-100-0-1', 'failed'], ['AW-102-0-1', 'failed']]);
  });

  const contradictions: [string, string][] = [
    ['a settled transaction inside a rejected group', statusReport({ grp: 'RJCT', blocks: [{ id: 'PR-42-0-1', txs: [['AW-100-0-1', 'ACSC']] }] })],
    ['a settled transaction inside a rejected block', statusReport({ blocks: [{ id: 'PR-42-0-1', sts: 'RJCT', txs: [['AW-100-0-1', 'ACCC']] }] })],
    ['a rejected block that does not say which', statusReport({ blocks: [{ sts: 'RJCT' }] })],
  ];
  for (const [name, xml] of contradictions) test(`refused: ${name}`, () => assert.throws(() => parsePain002(xml), (e: any) => e.code === 'BAD_STATEMENT'));

  test('on the chain: a whole-group rejection fails every payment of the run and leaves it open for a retry', async () => {
    const h = new Harness();
    const codes = h.enterprises(3);
    const pol = await h.publish({ budgetFen: '3000000', capFen: '1000000', publicityDays: 1 });
    for (const c of codes) assert.ok((await h.run('payout.decide', POLICY, { application: await h.apply(c, pol), decision: 'approve', amountFen: '1000000', reasons: '符合' })).ok);
    assert.ok((await h.run('payout.publicise', POLICY, { policy: pol })).ok);
    h.passDays(2);
    assert.ok((await h.run('payout.release', ECON_NODE, { policy: pol })).ok);
    const made = await h.payRun({ policy: pol });
    assert.ok(made.ok);
    const run = h.get<RunRecord>(`pay/run/${made.events[0].data.run}`)!;
    const xml = statusReport({ grp: 'RJCT', grpReason: 'AM04' }).replaceAll('PR-42-0', run.id);
    const results = withRejectedBlocks(run, parsePain002(xml));
    const settle = await h.run('payout.settle', FINANCE, { run: run.id, results: await h.sealSettlement(results) });
    assert.ok(settle.ok, settle.ok ? '' : settle.code);
    for (const it of run.items) assert.equal(h.get<AwardRecord>(`pay/award/${it.award}`)!.status, 'failed');
    const ledger = h.get<LedgerRecord>(`pay/ledger/${pol}`)!;
    assert.deepEqual([ledger.reservedFen, ledger.failedFen], ['0', '3000000']);
    const retry = await h.payRun({ policy: pol, retryFailed: true });
    assert.ok(retry.ok && retry.events[0].data.count === 3);
  });
});
