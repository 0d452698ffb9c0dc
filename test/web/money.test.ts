import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fenToYuan, scorePoints, yuanToFen } from '../../shared/money.ts';

/** What people type in yuan becomes integer fen exactly, never through a float. */
test('yuan to fen: digits only, at most two decimals, exact', () => {
  const cases: [string, string | undefined][] = [
    ['0', '0'],
    ['0.29', '29'], // 0.29 * 100 is 28.999999999999996 as a float
    ['1', '100'],
    ['1.5', '150'],
    ['1,234,567.89', '123456789'],
    ['¥ 5000.50', '500050'],
    ['１２', undefined],
    ['9999999999999999.99', '999999999999999999'],
    ['10000000000000000', undefined],
    ['1.234', undefined],
    ['-1', undefined],
    ['01', undefined],
    ['1e3', undefined],
    ['', undefined],
    ['.5', undefined],
  ];
  for (const [input, fen] of cases) assert.equal(yuanToFen(input), fen, input);
});

test('fen to yuan for display, and scores in points', () => {
  assert.equal(fenToYuan('0'), '0.00');
  assert.equal(fenToYuan('5'), '0.05');
  assert.equal(fenToYuan('123456789'), '1,234,567.89');
  assert.equal(fenToYuan('999999999999999999'), '9,999,999,999,999,999.99');
  assert.equal(fenToYuan(null), '—');
  for (const fen of ['1', '29', '100', '500050', '123456789']) assert.equal(yuanToFen(fenToYuan(fen)), fen);
  assert.equal(scorePoints(7950), '79.50');
  assert.equal(scorePoints(null), '—');
});
