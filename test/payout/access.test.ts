import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import { pdf } from '../approval/support.ts';
import { addStaff } from '../approval/support.ts';
import { apply, expertKeys, login, passDays, payoutEnterprise, publish, signedPost, startPayoutPlatform, stateOf, TestClock, until, type Session, type TestEnterprise } from './support.ts';
import { sealFor } from '../../server/policy-payout/http/common.ts';

/** Every kind of signed-in caller: [label, session, dept]. */
type Caller = { label: string; s: Session; dept: string };

/**
 * Who may do what, tried with every role: only finance officers of the finance department trigger
 * payment runs, only the policy's own department approves, only the experts drawn for an
 * application read its materials. The route refuses first; the chain refuses the same if the
 * route is bypassed.
 */
describe('permissions, tried with every role', () => {
  let p: Platform;
  const clock = new TestClock();
  const callers: Caller[] = [];
  let ent: TestEnterprise;
  let polNone: string;
  let polExpert: string;
  let appDeciding: string;
  let appReviewing: string;
  let assigned: string[] = [];

  before(async () => {
    p = await startPayoutPlatform({ clock, keys: false });
    for (const [dept, user] of [['econ', 'admin'], ['market', 'approver1'], ['market', 'inspector1'], ['enforcement', 'enforcer1'], ['econ', 'policy1'], ['econ', 'expert1'], ['econ', 'expert2'], ['econ', 'expert3'], ['finance', 'finance1'], ['audit', 'auditor1'], ['service', 'clerk1'], ['tax', 'holder1']] as const) {
      callers.push({ label: `${dept}/${user}`, s: await login(p, dept, user), dept });
    }
    callers.push({ label: 'market/policy9 (policy officer of another department)', s: await addStaff(p, 'market', 'policy9', 'policy'), dept: 'market' });
    callers.push({ label: 'econ/finance9 (finance role outside the finance department)', s: await addStaff(p, 'econ', 'finance9', 'finance'), dept: 'econ' });
    const clerk = await login(p, 'service', 'clerk1');
    ent = await payoutEnterprise(p, clerk, 401);
    const other = await payoutEnterprise(p, clerk, 402);
    callers.push({ label: 'enterprise', s: await ent.login('econ'), dept: 'econ' });
    for (const id of ['expert1', 'expert2', 'expert3']) await callers.find((c) => c.label === `econ/${id}`)!.s.post('/econ/api/payout/experts/key', { encKey: expertKeys().publicKey }).expect(200);
    const policy = callers.find((c) => c.label === 'econ/policy1')!.s;
    polNone = await publish(policy, { publicityDays: 1 });
    polExpert = await publish(policy, { title: '专家评审类政策', review: { method: 'expert', experts: 2 } });
    appDeciding = await apply(p, ent, polNone);
    const up = await callers.find((c) => c.label === 'enterprise')!.s.post(`/econ/api/payout/attachments?policy=${polExpert}`).set('content-type', 'application/pdf').send(pdf('access')).expect(201);
    appReviewing = await apply(p, ent, polExpert, { attachments: [{ hash: up.body.hash, name: '材料.pdf', type: 'pdf', size: up.body.size }] });
    assigned = (await stateOf<any>(p, `pay/app/${appReviewing}`)).review.experts;
    // An award of another enterprise made payable, so a run has something to pay.
    const otherApp = await apply(p, other, polNone);
    await policy.post(`/econ/api/payout/applications/${otherApp}/decision`, { decision: 'approve', amountFen: '100000', reasons: 'ok' }).expect(200);
    await policy.post(`/econ/api/payout/policies/${polNone}/publicise`, {}).expect(201);
    await passDays(p, clock, 2);
    await until('payable', async () => (await p.node('finance').db('pay_awards').where({ policy: polNone, status: 'payable' }).first('id')) ?? false);
  });
  after(() => p.stop());

  test('only finance officers of the finance department trigger a payment run', async () => {
    for (const c of callers.filter((x) => !['finance/finance1', 'finance/finance2'].includes(x.label))) {
      const res = await c.s.post(`/${c.dept}/api/payout/runs`, { policy: polNone });
      assert.equal(res.status, 403, `${c.label}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.ok(['FORBIDDEN', 'NOT_FINANCE'].includes(res.body.code), c.label);
    }
    const refused = await p.node('econ').submitAs('finance9', 'payout.run', { policy: polNone }).catch((e) => e);
    assert.equal(refused.receipt?.code ?? refused.code, 'NOT_FINANCE', 'the chain refuses a finance role of another department too');
    await assert.rejects(p.node('econ').submitAs('policy1', 'payout.run', { policy: polNone }), (e: any) => e.code === 'FORBIDDEN_KIND');
    const signed = await p.node('econ').submit(ent.sign('payout.run', { policy: polNone })).catch((e) => e);
    assert.equal(signed.code, 'FORBIDDEN_KIND', 'an enterprise cannot sign a run');
    const ok = await callers.find((c) => c.label === 'finance/finance1')!.s.post('/finance/api/payout/runs', { policy: polNone });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });

  test('only the policy department approves', async () => {
    for (const c of callers.filter((x) => x.label !== 'econ/policy1')) {
      const res = await c.s.post(`/${c.dept}/api/payout/applications/${appDeciding}/decision`, { decision: 'approve', amountFen: '100', reasons: '越权' });
      assert.equal(res.status, 403, `${c.label}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.ok(['FORBIDDEN', 'WRONG_DEPT'].includes(res.body.code), c.label);
    }
    const chain = await p.node('market').submitAs('policy9', 'payout.decide', { application: appDeciding, decision: 'approve', amountFen: '100', reasons: await sealFor(p.node('market').modulePort(), ['market'], '越权', 'the reasons') });
    assert.equal(chain.receipt!.code, 'WRONG_DEPT', 'the chain refuses another department\'s officer');
    const signed = await p.node('econ').submit(ent.sign('payout.decide', { application: appDeciding, decision: 'approve', amountFen: '100', reasons: await sealFor(p.node('econ').modulePort(), ['econ'], '自批', 'the reasons') })).catch((e) => e);
    assert.equal(signed.code, 'FORBIDDEN_KIND');
    assert.equal((await stateOf<any>(p, `pay/app/${appDeciding}`)).status, 'deciding');
    const ok = await callers.find((c) => c.label === 'econ/policy1')!.s.post(`/econ/api/payout/applications/${appDeciding}/decision`, { decision: 'approve', amountFen: '100', reasons: '符合条件' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  test('only the assigned experts read an application\'s materials', async () => {
    assert.equal(assigned.length, 2);
    for (const c of callers) {
      const res = await c.s.get(`/${c.dept}/api/payout/applications/${appReviewing}/materials`);
      const isAssigned = c.dept === 'econ' && assigned.some((e) => c.label === `econ/${e}`);
      if (isAssigned) {
        assert.equal(res.status, 200, `${c.label}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.items.length, 1);
      } else {
        assert.equal(res.status, 403, `${c.label}: ${res.status}`);
        assert.ok(['FORBIDDEN', 'NOT_ASSIGNED'].includes(res.body.code), c.label);
        assert.equal(res.body.items, undefined);
      }
    }
    const signed = await signedPost(p, ent, 'payout.review', { application: appReviewing, score: 100, opinion: '自评' });
    assert.equal(signed.body.code, 'WRONG_KIND');
  });

  test('only policy officers publish; any signed-in caller reads the policies', async () => {
    for (const c of callers) {
      const res = await c.s.post(`/${c.dept}/api/payout/policies`, { title: 'x' });
      if (c.label === 'econ/policy1' || c.label.startsWith('market/policy9')) assert.equal(res.body.code, 'BAD_REQUEST', c.label);
      else assert.equal(res.status, 403, c.label);
      assert.equal((await c.s.get(`/${c.dept}/api/payout/policies`)).status, 200, c.label);
    }
  });

  test('applications are seen by the applicant, the policy department, the drawn experts and audit only', async () => {
    for (const c of callers) {
      // an auditor's look at another department's application is recorded with its purpose
      const why = c.label === 'audit/auditor1' ? `?purpose=${encodeURIComponent('专项审计：政策兑现')}` : '';
      const res = await c.s.get(`/${c.dept}/api/payout/applications/${appReviewing}${why}`);
      const may = c.label === 'enterprise' || c.label === 'econ/policy1' || c.label === 'audit/auditor1' || (c.dept === 'econ' && assigned.some((e) => c.label === `econ/${e}`));
      assert.equal(res.status, may ? 200 : c.label.startsWith('market/policy9') || c.label.startsWith('econ/expert') ? 404 : 403, `${c.label}: ${res.status}`);
    }
  });
});
