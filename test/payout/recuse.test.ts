import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import { pdf } from '../approval/support.ts';
import { TEST_PASSWORD } from '../support/platform.ts';
import {
  apply, commitTaxAndInsured, expertKeys, INSURED_RULE, login, openSealed, payoutEnterprise, publish, startPayoutPlatform, stateOf, TAX_RULE, until,
  type TestEnterprise,
} from './support.ts';

/**
 * 回避 after the draw: a drawn expert who finds a conflict only when reading steps back before
 * scoring; the next expert in the draw's ranking takes the place and gets the sealed materials.
 * When no expert of the policy's panel is left the application waits: an expert registered after
 * the policy was published is never drawn for it.
 */
describe('policy payout: an expert steps back from a drawn review', () => {
  let p: Platform;
  let A: TestEnterprise;
  let app: string;
  let pol: string;
  const keys: Record<string, ReturnType<typeof expertKeys>> = {};
  const material = pdf('recuse-report');
  const expert = (id: string) => login(p, 'econ', id);
  const register = async (id: string) => {
    keys[id] = expertKeys();
    const res = await (await expert(id)).post('/econ/api/payout/experts/key', { encKey: keys[id].publicKey });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  const review = async () => (await stateOf<any>(p, `pay/app/${app}`)).review as { experts: string[]; excluded: { expert: string; reason: string }[]; scores: unknown[] };

  before(async () => {
    p = await startPayoutPlatform();
    const policy = await login(p, 'econ', 'policy1');
    A = await payoutEnterprise(p, await login(p, 'service', 'clerk1'), 201);
    await commitTaxAndInsured(p, [{ code: A.code, taxFen: '150000000', insured: 25 }]);
    for (const id of ['expert1', 'expert2', 'expert3']) await register(id);
    pol = await publish(policy, { eligibility: { privacy: [TAX_RULE, INSURED_RULE], minGrade: 'B', industries: ['C'], regions: ['江南区'] }, review: { method: 'expert', experts: 2 } });
    const up = await (await A.login('econ')).post(`/econ/api/payout/attachments?policy=${pol}`).set('content-type', 'application/pdf').send(material);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    app = await apply(p, A, pol, { requestedFen: '15000000', attachments: [{ hash: up.body.hash, name: '审计报告.pdf', type: 'pdf', size: up.body.size }] });
    await until('in review', async () => (await stateOf<any>(p, `pay/app/${app}`)).status === 'reviewing');
  });
  after(() => p.stop());

  test('the draw is the same on every node, from the panel fixed at publication', async () => {
    const first = await review();
    for (const node of p.nodes) assert.deepEqual((await stateOf<any>(p, `pay/app/${app}`, node.dept)).review, first, node.dept);
    assert.deepEqual(await stateOf(p, `pay/panel/${pol}`), ['expert1', 'expert2', 'expert3']);
    assert.equal(first.experts.length, 2);
  });

  test('bad requests change nothing', async () => {
    const before = await review();
    const spare = ['expert1', 'expert2', 'expert3'].find((id) => !before.experts.includes(id))!;
    const notDrawn = await (await expert(spare)).post(`/econ/api/payout/applications/${app}/recuse`, { reason: '与申报企业存在业务往来' });
    assert.equal(notDrawn.status, 403);
    assert.equal(notDrawn.body.code, 'NOT_ASSIGNED');
    const noReason = await (await expert(before.experts[0])).post(`/econ/api/payout/applications/${app}/recuse`, { reason: '' });
    assert.equal(noReason.status, 400);
    const officer = await (await login(p, 'econ', 'policy1')).post(`/econ/api/payout/applications/${app}/recuse`, { reason: '代为回避' });
    assert.equal(officer.status, 403);
    assert.deepEqual(await review(), before);
  });

  test('a drawn expert steps back; the next in the ranking takes the place and reads the sealed materials', async () => {
    const first = await review();
    const [leaving, staying] = first.experts;
    const spare = ['expert1', 'expert2', 'expert3'].find((id) => !first.experts.includes(id))!;
    const s = await expert(leaving);
    const res = await s.post(`/econ/api/payout/applications/${app}/recuse`, { reason: '评审时发现与申报企业存在亲属关系' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.replacedBy, [spare]);
    const now = await review();
    assert.deepEqual(now.experts, [staying, spare]);
    // on the ledger the line is public-safe and the words are sealed to the department; its read model opens them
    assert.doesNotMatch(JSON.stringify(now.excluded.at(-1)), /亲属关系/);
    assert.match(now.excluded.at(-1)!.reason, /^回避 \/ recused at /);
    assert.equal(now.excluded.at(-1)!.expert, leaving);
    await until('the read model', async () => (await (await login(p, 'econ', 'policy1')).get(`/econ/api/payout/applications/${app}`)).body.review?.excluded?.length === now.excluded.length);
    const seen = (await (await login(p, 'econ', 'policy1')).get(`/econ/api/payout/applications/${app}`).expect(200)).body.review.excluded.at(-1);
    assert.match(seen.reason, /^回避：评审时发现与申报企业存在亲属关系 \/ recused at /);

    // the one who stepped back is out: no materials, no score, no second recusal
    assert.equal((await s.get(`/econ/api/payout/applications/${app}/materials`)).status, 403);
    assert.equal((await s.post(`/econ/api/payout/applications/${app}/review`, { score: 90, opinion: '—' })).body.code, 'NOT_ASSIGNED');
    // the newcomer's copy is sealed to their key by the policy department's node
    const newcomer = await expert(spare);
    const sealed = await until('sealed for the newcomer', async () => {
      const r = await newcomer.get(`/econ/api/payout/applications/${app}/materials`);
      return r.status === 200 && r.body.items.length === 1 && r.body;
    });
    assert.ok((await openSealed(sealed.items[0].jwe, keys[spare])).equals(material));
  });

  test('a scored expert cannot step back; with nobody left on the panel the review waits, and a newly registered expert is not drawn', async () => {
    const [scorer, other] = (await review()).experts;
    const sc = await expert(scorer);
    assert.equal((await sc.post(`/econ/api/payout/applications/${app}/review`, { score: 80, opinion: '材料齐全' })).status, 200);
    const late = await sc.post(`/econ/api/payout/applications/${app}/recuse`, { reason: '想起有利益关系' });
    assert.equal(late.status, 409);
    assert.equal(late.body.code, 'ALREADY_REVIEWED');

    const res = await (await expert(other)).post(`/econ/api/payout/applications/${app}/recuse`, { reason: '曾为该企业提供咨询' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.replacedBy, []);
    const waiting = await stateOf<any>(p, `pay/app/${app}`);
    assert.equal(waiting.status, 'reviewing');
    assert.deepEqual(waiting.review.experts, [scorer]);
    assert.match(waiting.waiting, /不足/);

    const officer = await login(p, 'econ', 'policy1');
    const tooSoon = await officer.post(`/econ/api/payout/applications/${app}/advance`, {});
    assert.equal(tooSoon.status, 409);

    // An expert registered after publication is not on the policy's panel: never drawn for it.
    const econ = p.node('econ');
    await econ.submitAs('admin', 'user.register', { id: 'expert4', name: '新专家', role: 'expert' }, 'receipt');
    await p.auths.get('econ')!.setPassword('expert4', TEST_PASSWORD);
    await register('expert4');
    const still = await officer.post(`/econ/api/payout/applications/${app}/advance`, {});
    assert.equal(still.status, 409);
    assert.equal(still.body.code, 'CHECKS_PENDING');
    const after = await stateOf<any>(p, `pay/app/${app}`);
    assert.deepEqual(after.review.experts, [scorer]);
    assert.equal((await (await expert('expert4')).post(`/econ/api/payout/applications/${app}/review`, { score: 70, opinion: '同意' })).body.code, 'NOT_ASSIGNED');
  });
});
