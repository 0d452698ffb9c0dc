import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertCreditCode, creditCodeCheckChar, creditCodeProblem, isValidCreditCode } from '../../shared/creditCode.ts';

/** GB 32100-2015 check characters, against codes in the real format (the standard's own example first). */
describe('unified social credit code (统一社会信用代码)', () => {
  test('real codes validate', () => {
    for (const code of ['91350100M000100Y43', '91110000802100433B', '91440300708461136T']) assert.ok(isValidCreditCode(code), code);
  });

  test('the check character is computed over the first 17 characters', () => {
    assert.equal(creditCodeCheckChar('91350100M000100Y4'), '3');
    assert.equal(creditCodeCheckChar('91110000802100433'), 'B');
  });

  test('a wrong check character is named, with the expected one', () => {
    assert.equal(creditCodeProblem('91350100M000100Y44'), 'check character is 4, expected 3');
    assert.throws(() => assertCreditCode('91350100M000100Y44'), (e: any) => e.code === 'BAD_CREDIT_CODE' && e.status === 400 && /expected 3/.test(e.message));
  });

  test('every single-character change is caught', () => {
    const code = '91350100M000100Y43';
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    for (let i = 0; i < 18; i++) {
      for (const c of alphabet) {
        if (c === code[i]) continue;
        const changed = code.slice(0, i) + c + code.slice(i + 1);
        assert.equal(isValidCreditCode(changed), false, changed);
      }
    }
  });

  test('wrong length, lowercase, excluded letters (I O S V Z) and letters in the division code', () => {
    for (const bad of ['', '91350100M000100Y4', '91350100M000100Y433', '91350100m000100y43', '91350100MI00100Y43', '91350100MO00100Y43', '9135A100M000100Y43', '91350100M000100Z43']) {
      assert.ok(creditCodeProblem(bad), bad);
    }
  });
});
