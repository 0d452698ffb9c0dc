import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isChainError } from '../../server/chain/errors.ts';
import { parsePain002 } from '../../server/policy-payout/payments/bank/statusReport.ts';
import { parseXml } from '../../server/policy-payout/payments/bank/xml.ts';

/**
 * A bank's status report is outside input: whatever bytes arrive, reading them ends in a report
 * or a BAD_XML / BAD_STATEMENT refusal (a 400 at the route), never in another exception.
 */
const wrap = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Document><CstmrPmtStsRpt><OrgnlGrpInfAndSts><OrgnlMsgId>${inner}</OrgnlMsgId></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>`;

function refusal(xml: string): string {
  try {
    parsePain002(xml);
    return 'accepted';
  } catch (err) {
    assert.ok(isChainError(err), `a coded refusal, not ${String(err)}`);
    return err.code;
  }
}

describe('pain.002 reports with malformed XML', () => {
  test('character references beyond Unicode or outside XML\'s characters are BAD_XML', () => {
    for (const ref of ['&#99999999;', '&#x110000;', '&#xFFFFFFFFFFFF;', `&#${'9'.repeat(400)};`, '&#xD800;', '&#xDFFF;', '&#0;', '&#x1;', '&#xFFFE;', '&#;', '&#x;', '&#-1;', '&#x-1;', '&#1.5;']) {
      assert.equal(refusal(wrap(ref)), 'BAD_XML', ref);
    }
    assert.equal(parsePain002(wrap('PR-&#49;&#x32;-0')).run, 'PR-12-0', 'well-formed references still read');
    assert.equal(parsePain002(wrap('&#x1F600;&#9;x')).run, '😀\tx');
  });

  test('other malformed documents are BAD_XML', () => {
    const cases = [
      wrap('a & b'), wrap('&nbsp;'), wrap('&amp'), wrap('\u0000'), wrap('\u001b[31m'), wrap('\uFFFF'), wrap('\ud800'),
      `${wrap('x')}trailing text`, '<Document>', '</Document>', '', 'not xml at all', '<Document><a></b></Document>',
      '<!DOCTYPE x [<!ENTITY a "aaaa">]><Document>&a;</Document>', '<Document><![CDATA[x]]></Document>', '<Document attr="&#0;"/>',
    ];
    for (const xml of cases) assert.match(refusal(xml), /^BAD_(XML|STATEMENT)$/, JSON.stringify(xml.slice(0, 80)));
  });

  test('any mix of XML fragments is a report or a coded refusal', () => {
    const fragment = fc.oneof(
      fc.constantFrom(
        '<Document>', '</Document>', '<CstmrPmtStsRpt>', '</CstmrPmtStsRpt>', '<OrgnlPmtInfAndSts>', '</OrgnlPmtInfAndSts>', '<TxInfAndSts>', '</TxInfAndSts>',
        '<OrgnlEndToEndId>', '</OrgnlEndToEndId>', '<TxSts>', '</TxSts>', 'ACSC', 'RJCT', 'AW-1-0-1', '<x a="1"/>', '<x a=\'&#0;\'>',
        '&#99999999;', '&#x110000;', '&#xD800;', '&#65;', '&amp;', '&', '<', '>', '"', '<!--', '-->', '<?xml version="1.0"?>', '<![CDATA[', ']]>',
        '<!DOCTYPE', '\u0000', '\ud800', '\uFEFF', ' ', '\n', '<a:b xmlns:a="u">', '</a:b>',
      ),
      fc.string({ unit: 'binary', maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), (parts) => {
        refusal(parts.join(''));
      }),
      { numRuns: 3000 },
    );
  });

  test('a deeply nested or large document costs a loop, not the stack', () => {
    const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
    assert.equal(parseXml(deep).name, 'a');
    assert.equal(refusal(wrap('&#99999999;'.repeat(100_000))), 'BAD_XML');
  });
});
