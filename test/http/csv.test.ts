import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvCell, csvFile, csvLine } from '../../shared/csv.ts';
import { reconciliationCsv, type Reconciliation } from '../../server/policy-payout/payments/reconciliation.ts';

/**
 * Spreadsheet programs run a cell that starts with =, +, - or @ (or a tab or carriage return) as
 * a formula. Every CSV export goes through one helper that makes such text inert.
 */
describe('CSV exports: formula injection', () => {
  test('formula-like text gets a leading apostrophe; other text and numbers stay as they are', () => {
    for (const s of ['=1+1', '+1', '-1+2', '@SUM(A1)', '\t=1', '\r=1', '=HYPERLINK("http://x","点我")', '-', '+', '@']) {
      const cell = csvCell(s);
      assert.equal(cell, `"'${s.replace(/"/g, '""')}"`, JSON.stringify(s));
    }
    assert.equal(csvCell('滨江建设有限公司'), '"滨江建设有限公司"');
    assert.equal(csvCell('a=1'), '"a=1"', 'only the first character counts');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell(-150), '"-150"', 'a number is a number');
    assert.equal(csvCell('-1500.00'), '"-1500.00"', 'so is a numeric string');
    assert.equal(csvCell(null), '""');
    assert.equal(csvCell(true), '"true"');
    assert.equal(csvLine(['=a', 1]), `"'=a","1"`);
    assert.equal(csvFile(['a', 'b']), '\ufeffa\r\nb\r\n');
  });

  test('the reconciliation export defuses an award name and a policy title', () => {
    const ledger = { budgetFen: '100000', awardedFen: '0', reservedFen: '0', failedFen: '0', paidFen: '100', remainingFen: '99900' };
    const report = {
      policy: 'PL-1-0', title: '=cmd|" /C calc"!A0', asOf: { height: 7, time: 0 }, ledger, balanced: true, matchesAwards: true,
      fromAwards: { awardedFen: '0', reservedFen: '0', failedFen: '0', paidFen: '100' },
      awards: [{ award: 'AW-1-0', code: '91330106MA0000000X', name: '@SUM(1+1)*cmd', amountFen: '100', status: 'paid', attempts: 1, endToEndId: 'AW-1-0-1', bankRef: '+B1', paidAt: 0 }],
      payments: [],
    } as unknown as Reconciliation;
    const csv = reconciliationCsv(report);
    const cells = csv.split('\r\n').flatMap((l) => l.split(/,(?=")/));
    assert.ok(cells.includes(`"'=cmd|"" /C calc""!A0"`), csv);
    assert.ok(cells.includes(`"'@SUM(1+1)*cmd"`), csv);
    assert.ok(cells.includes(`"'+B1"`), csv);
    for (const c of cells) assert.doesNotMatch(c, /^"[=+@\t\r]/, `no cell starts a formula: ${c}`);
  });
});
