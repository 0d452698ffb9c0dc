import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvFile, csvLine } from '../../shared/csv.ts';
import { readCsv } from '../../shared/csvRead.ts';

test('reads what RFC 4180 and spreadsheet programs write: quotes, doubled quotes, line breaks in cells, CRLF, a byte order mark', () => {
  const text = '\ufeffa,"b,c","say ""hi""",\r\n"two\nlines",x,,""\n\n3,4\n';
  assert.deepEqual(readCsv(text), [
    { line: 1, cells: ['a', 'b,c', 'say "hi"', ''] },
    { line: 2, cells: ['two\nlines', 'x', '', ''] },
    { line: 5, cells: ['3', '4'] },
  ]);
  assert.deepEqual(readCsv('x'), [{ line: 1, cells: ['x'] }]);
  assert.deepEqual(readCsv(''), []);
});

test('reads back what the CSV writer writes, formula guard and all', () => {
  const rows = [['统一社会信用代码', 'n'], ['=1+1', '"q"'], ['多行\r\n文字', '-5']];
  assert.deepEqual(readCsv(csvFile(rows.map(csvLine)))!.map((r) => r.cells), [['统一社会信用代码', 'n'], ["'=1+1", '"q"'], ['多行\r\n文字', '-5']]);
});

test('a quote never closed, or text after a closing quote, is not CSV', () => {
  assert.equal(readCsv('a,"b\n'), undefined);
  assert.equal(readCsv('"a"b,c\n'), undefined);
});
