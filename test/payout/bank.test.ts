import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PAIN001_NS, pain001, type Party } from '../../server/policy-payout/bank/pain001.ts';
import { parsePain002, parseStatementCsv } from '../../server/policy-payout/bank/statusReport.ts';
import { at, child, children, parseXml } from '../../server/policy-payout/bank/xml.ts';
import type { RunRecord } from '../../server/policy-payout/records.ts';
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
    id: 'PR-42-0', policy: 'PL-7-0', policyTitle: '高新技术企业研发投入奖励', debtor: { name: '滨江市财政局国库支付中心', account: '330100100000000001', bankName: '中国人民银行滨江市中心支行', bankCode: '001331000018' },
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
