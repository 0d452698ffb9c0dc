import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { approvalModule } from '../../server/approval/index.ts';
import type { Platform } from '../../server/platform.ts';
import { payoutModule } from '../../server/policy-payout/index.ts';
import { privacyModule, privacyPort } from '../../server/privacy-query/index.ts';
import { commitFigures } from '../../server/privacy-query/holder/figures.ts';
import { apply, applyBody, commitTaxAndInsured, login, payoutEnterprise, publish, signedPost, startPayoutPlatform, stateOf, TAX_RULE, until, type Session } from './support.ts';

const CASES_RULE = {
  id: 'no-cases',
  label: '2025年内无行政处罚',
  field: 'enforcement.cases',
  period: '20251231',
  set: { from: '20250101', to: '20251231' },
  predicate: { kind: 'notInSet', params: {} },
  basis: { type: 'statute', rule: 'payout-cases' },
};

/**
 * The privacy rules of a policy as the chain asks them: a set question (no enforcement case in the
 * year) whose root the contract computes, a question the holder declines, one nobody answers
 * before it expires, and applications refused because no basis or no committed figure exists.
 */
describe('privacy rules: set questions, declined, expired, no basis, no figure', () => {
  let p: Platform;
  let policy: Session;
  let clerk: Session;

  before(async () => {
    p = await startPayoutPlatform();
    policy = await login(p, 'econ', 'policy1');
    clerk = await login(p, 'service', 'clerk1');
  });
  after(() => p.stop());

  test('"no enforcement case in the year": the root is computed at publication; a case in the window fails the rule', async () => {
    const clean = await payoutEnterprise(p, clerk, 801);
    const fined = await payoutEnterprise(p, clerk, 802);
    await commitFigures(p.node('enforcement').modulePort(), 'holder1', { field: 'enforcement.cases', period: '20251231', rows: [{ enterprise: clean.code, value: { cases: ['20230611'] } }, { enterprise: fined.code, value: { cases: ['20250420'] } }] });
    const pol = await publish(policy, { eligibility: { privacy: [CASES_RULE] } });
    const rule = (await stateOf<any>(p, `pay/policy/${pol}`)).eligibility.privacy[0];
    assert.match(rule.predicate.params.setRoot, /^[0-9]+$/);
    const [a, b] = [await apply(p, clean, pol), await apply(p, fined, pol)];
    await until('both decided by the checks', async () => {
      const [x, y] = [await stateOf<any>(p, `pay/app/${a}`), await stateOf<any>(p, `pay/app/${b}`)];
      return x.status !== 'checking' && y.status !== 'checking';
    });
    assert.equal((await stateOf<any>(p, `pay/app/${a}`)).status, 'deciding');
    const rb = await stateOf<any>(p, `pay/app/${b}`);
    assert.equal(rb.status, 'rejected');
    assert.equal(rb.rejection.reasons[0].code, 'ANSWER_NO');
  });

  test('a question the holder declines (no data behind the commitment) rejects the application', async () => {
    const e = await payoutEnterprise(p, clerk, 803);
    const { receipt } = await p.node('tax').submitAs('holder1', 'privacy.commit', { field: 'tax.paid', period: '2025', items: [[e.code, '12345']] });
    assert.equal(receipt!.status, 'ok');
    const pol = await publish(policy, { title: '纳税奖励', eligibility: { privacy: [TAX_RULE] } });
    const app = await apply(p, e, pol);
    const rec = await until('declined', async () => {
      const x = await stateOf<any>(p, `pay/app/${app}`);
      return x.status === 'rejected' && x;
    });
    assert.equal(rec.rejection.reasons[0].code, 'QUERY_DECLINED');
  });

  test('no consent on the filing (it consents to tax and insured only): refused when applying, nothing asked', async () => {
    const e = await payoutEnterprise(p, clerk, 804);
    const capital = { id: 'capital', label: '注册资本不低于1000万元', field: 'market.capital', period: '2025', predicate: { kind: 'gte', params: { threshold: '1000000000' } }, basis: { type: 'consent' } };
    const pol = await publish(policy, { title: '需要同意的政策', eligibility: { privacy: [capital] } });
    const res = await signedPost(p, e, 'payout.apply', applyBody(e, pol));
    assert.equal(res.status, 403);
    assert.equal(res.body.code, 'PQ_NO_BASIS');
  });

  test('no committed figure to ask about: refused with the privacy module\'s code', async () => {
    const e = await payoutEnterprise(p, clerk, 805);
    const pol = await publish(policy, { title: '无数据政策', eligibility: { privacy: [{ ...TAX_RULE, period: '2024' }] } });
    const res = await signedPost(p, e, 'payout.apply', applyBody(e, pol));
    assert.equal(res.status, 404);
    assert.equal(res.body.code, 'PQ_NO_COMMITMENT');
  });
});

describe('a question nobody answers expires, and the policy department\'s node rejects the application', () => {
  let p: Platform;

  before(async () => {
    p = await startPayoutPlatform({
      keys: false,
      config: { privacy: { expiryBlocks: 3 } },
      modules: () => [approvalModule({ privacy: privacyPort }), privacyModule({ autoAnswer: false }), payoutModule()],
    });
  });
  after(() => p.stop());

  test('expired after its blocks: rejected by the sweep with QUERY_EXPIRED', async () => {
    const policy = await login(p, 'econ', 'policy1');
    const e = await payoutEnterprise(p, await login(p, 'service', 'clerk1'), 806);
    await commitTaxAndInsured(p, [{ code: e.code, taxFen: '200000000', insured: 30 }]);
    const pol = await publish(policy, { eligibility: { privacy: [TAX_RULE] } });
    const app = await apply(p, e, pol);
    const deadline = Date.now() + 60_000;
    let rec: any;
    while (Date.now() < deadline) {
      rec = await stateOf<any>(p, `pay/app/${app}`);
      if (rec.status !== 'checking') break;
      await p.node('audit').submitAs('admin', 'user.register', { id: 'ticker', name: 'tick', role: 'auditor' });
    }
    assert.equal(rec.status, 'rejected');
    assert.equal(rec.rejection.reasons[0].code, 'QUERY_EXPIRED');
  });
});
