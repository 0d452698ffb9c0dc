import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isCurrentStanding, standingImplied, type VerifiedAnswer } from '../../server/approval/credit/standing.ts';
import type { Platform } from '../../server/platform.ts';
import { commitFigures } from '../../server/privacy-query/holder/figures.ts';
import { currentPeriod } from '../../server/privacy-query/questions.ts';
import { TEST_STATUTES } from '../privacy/support.ts';
import { commitTaxAndInsured, login, payoutEnterprise, startPayoutPlatform, stateOf, until, type Session, type TestEnterprise } from '../payout/support.ts';

const THIS_MONTH = currentPeriod('yyyymm', Date.now());
const OLD_YEAR = String(Number(currentPeriod('yyyy', Date.now())) - 3);
/** last year's tax, the usual question, whatever year the suite runs in */
const LAST_YEAR = String(Number(currentPeriod('yyyy', Date.now())) - 1);

const answer = (names: string[], kind: string, threshold: string, yes: boolean): VerifiedAnswer => ({ query: 'q', enterprise: 'E', names, period: '2025', periodFormat: 'yyyy', predicate: { kind, params: { threshold } }, answer: yes });

describe('credit standing from proof-backed answers', () => {
  test('only what an answer implies counts', () => {
    const tax = ['tax.paid', 'tax.paidAnnual'];
    assert.deepEqual(standingImplied(answer(tax, 'gte', '100000000', true)), { which: 'tax', answer: true }, 'paid at least ¥1,000,000: paid some tax');
    assert.equal(standingImplied(answer(tax, 'gte', '100000000', false)), undefined, 'below a high bar says nothing about standing');
    assert.deepEqual(standingImplied(answer(tax, 'gte', '1', false)), { which: 'tax', answer: false }, 'not even one fen');
    assert.deepEqual(standingImplied(answer(['hrss.insured'], 'gte', '20', true)), { which: 'social', answer: true });
    assert.equal(standingImplied(answer(['hrss.insured'], 'gte', '0', true)), undefined, '≥ 0 is always yes');
    assert.equal(standingImplied(answer(tax, 'lte', '5', true)), undefined);
    assert.equal(standingImplied(answer(['market.capital'], 'gte', '100', true)), undefined);
    assert.equal(standingImplied(answer(tax, 'gte', 'x', true)), undefined);
  });

  test('only answers about the current or the previous period count', () => {
    const at = Date.UTC(2026, 0, 10); // 2026-01-10 in China
    assert.equal(isCurrentStanding({ period: '2026', periodFormat: 'yyyy' }, at), true);
    assert.equal(isCurrentStanding({ period: '2025', periodFormat: 'yyyy' }, at), true, 'last year\'s tax is the usual question');
    assert.equal(isCurrentStanding({ period: '2024', periodFormat: 'yyyy' }, at), false, 'two years ago says nothing about today');
    assert.equal(isCurrentStanding({ period: '202601', periodFormat: 'yyyymm' }, at), true);
    assert.equal(isCurrentStanding({ period: '202512', periodFormat: 'yyyymm' }, at), true, 'across the year boundary');
    assert.equal(isCurrentStanding({ period: '202510', periodFormat: 'yyyymm' }, at), false);
    assert.equal(isCurrentStanding({ period: '202601', periodFormat: 'yyyymm' }, Date.UTC(2025, 11, 31, 16, 30)), true, '00:30 on 1 January in China is already January');
  });

  describe('on the chain', () => {
    let p: Platform;
    let asker: Session;
    let A: TestEnterprise;
    let B: TestEnterprise;
    before(async () => {
      p = await startPayoutPlatform({ config: { privacy: { statutes: TEST_STATUTES, maxDistinctQuestions: 4 } } });
      asker = await login(p, 'econ', 'policy1');
      const clerk = await login(p, 'service', 'clerk1');
      A = await payoutEnterprise(p, clerk, 301);
      B = await payoutEnterprise(p, clerk, 302);
      await commitTaxAndInsured(p, [{ code: A.code, taxFen: '150000000', insured: 25 }, { code: B.code, taxFen: '0', insured: 0 }]);
      // Standing reads only recent periods: this month's insured employees, last year's tax, and tax of three years ago for the test below.
      await commitFigures(p.node('hrss').modulePort(), 'holder1', { field: 'hrss.insured', period: THIS_MONTH, rows: [{ enterprise: A.code, value: 25 }] });
      await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: OLD_YEAR, rows: [{ enterprise: B.code, value: '0' }] });
      await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: LAST_YEAR, rows: [{ enterprise: A.code, value: '150000000' }, { enterprise: B.code, value: '0' }] });
    });
    after(() => p.stop());

    const ask = async (code: string, field: string, period: string, threshold: string, rule: string) => {
      const res = await asker.post('/econ/api/privacy/queries', { enterprise: code, field, period, predicate: { kind: 'gte', params: { threshold } }, purpose: '惠企政策兑现资格核验', basis: { type: 'statute', rule } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const id = res.body.query ?? res.body.id;
      return until(`answer to ${id}`, async () => {
        const q = await stateOf<any>(p, `pq/query/${id}`);
        return q?.status === 'answered' && q;
      });
    };
    const taxDim = async (code: string) => (await stateOf<any>(p, `credit/score/${code}`)).dimensions.find((d: { dim: string }) => d.dim === 'tax');
    const socialDim = async (code: string) => (await stateOf<any>(p, `credit/score/${code}`)).dimensions.find((d: { dim: string }) => d.dim === 'social');

    test('a proven standing moves the score in the answer\'s own transaction, traced to the query', async () => {
      const before = await stateOf<any>(p, `credit/score/${A.code}`);
      const q = await ask(A.code, 'tax.paid', LAST_YEAR, '100000000', 'payout-tax');
      assert.equal(q.answer, true);
      const after = await stateOf<any>(p, `credit/score/${A.code}`);
      assert.equal(after.txId, q.answerTx, 'recomputed by the answer itself');
      const item = (await taxDim(A.code)).items.find((i: { ref: string }) => i.ref === `pq/query/${q.id}`);
      assert.ok(item, 'the item names the query');
      assert.ok(after.total > before.total, `${after.total} > ${before.total}`);
      const ins = await ask(A.code, 'hrss.insured', THIS_MONTH, '20', 'payout-insured');
      assert.equal(ins.answer, true);
      assert.ok((await socialDim(A.code)).items.some((i: { ref: string }) => i.ref === `pq/query/${ins.id}`));
    });

    test('a no to a high bar leaves standing alone; a no to "any at all" counts against it, unless about an old period', async () => {
      const start = await stateOf<any>(p, `credit/score/${B.code}`);
      const old = await ask(B.code, 'tax.paid', OLD_YEAR, '1', 'payout-tax');
      assert.equal(old.answer, false);
      assert.equal((await stateOf<any>(p, `credit/score/${B.code}`)).total, start.total, `no tax in ${OLD_YEAR} says nothing about standing now`);
      assert.ok(!(await taxDim(B.code)).items.some((i: { ref: string }) => i.ref === `pq/query/${old.id}`));
      const high = await ask(B.code, 'tax.paid', LAST_YEAR, '100000000', 'payout-tax');
      assert.equal(high.answer, false);
      assert.equal((await stateOf<any>(p, `credit/score/${B.code}`)).total, start.total, 'nothing implied, nothing changed');
      const none = await ask(B.code, 'tax.paid', LAST_YEAR, '1', 'payout-tax');
      assert.equal(none.answer, false);
      const now = await stateOf<any>(p, `credit/score/${B.code}`);
      assert.ok(now.total < start.total, `${now.total} < ${start.total}`);
      assert.ok((await taxDim(B.code)).items.some((i: { ref: string }) => i.ref === `pq/query/${none.id}`));
    });
  });
});
