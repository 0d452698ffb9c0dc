import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sha256Hex } from '../../server/chain/hash.ts';
import type { ApplicationRecord } from '../../server/policy-payout/records.ts';
import { Harness, POLICY } from './harness.ts';

const rank = (app: string, ids: string[]) => [...ids].sort((x, y) => (sha256Hex(`${app}|${x}`) < sha256Hex(`${app}|${y}`) ? -1 : 1));

/** An expert id that ranks first for an application among the others: what an administrator would grind for. */
function moleFor(app: string, others: string[]): string {
  for (let k = 0; ; k++) {
    const id = `mole${k}`;
    if (rank(app, [...others, id])[0] === id) return id;
  }
}

/**
 * The reviewers of an application are drawn only from the experts registered when its policy was
 * published, so an expert id registered later to rank first for a known application is never drawn.
 */
describe('the expert draw: a panel fixed at publication', () => {
  const PANEL = ['expert1', 'expert2', 'expert3'];

  async function setup() {
    const h = new Harness();
    const codes = h.enterprises(2);
    for (const id of PANEL) await h.expert(id);
    const pol = await h.publish({ budgetFen: '1000000', capFen: '500000', experts: 2 });
    return { h, codes, pol };
  }

  test('publication fixes the panel; too few registered experts refuse the policy', async () => {
    const { h, pol } = await setup();
    assert.deepEqual(h.get(`pay/panel/${pol}`), PANEL);
    const r = await h.run('payout.publish', POLICY, { title: '五人评审', legalBasis: '测试', budgetFen: '100', capFen: '100', window: { opensAt: 0, closesAt: h.time + 1e10 }, review: { method: 'expert', experts: 4 }, publicityDays: 5 });
    assert.equal(r.ok ? 'ok' : r.code, 'NOT_ENOUGH_EXPERTS');
  });

  test('an expert registered after publication to rank first is never drawn', async () => {
    const { h, codes, pol } = await setup();
    // Without privacy rules the draw happens in the application's own transaction, whose id is
    // known ahead: the block after the mole's registration.
    const next = `PA-${h.height + 1}-0`;
    const mole = moleFor(next, PANEL);
    await h.expert(mole);
    const app = await h.apply(codes[0], pol);
    assert.equal(app, next);
    const rec = h.get<ApplicationRecord>(`pay/app/${app}`)!;
    assert.equal(rec.status, 'reviewing');
    assert.ok(!rec.review!.experts.includes(mole), `${mole} ranks first but registered after publication`);
    assert.deepEqual(rec.review!.experts, rank(app, PANEL).slice(0, 2), 'the first two of the panel by the published rule');
  });

  test('a recusal never brings in an expert registered after publication; the review waits instead', async () => {
    const { h, codes, pol } = await setup();
    const app = await h.apply(codes[0], pol);
    const [first, second] = h.get<ApplicationRecord>(`pay/app/${app}`)!.review!.experts;
    const spare = PANEL.find((x) => x !== first && x !== second)!;
    const mole = moleFor(app, PANEL);
    await h.expert(mole);
    const r1 = await h.run('payout.recuse', { id: first, role: 'expert', dept: 'econ' }, { application: app, reason: '亲属关系' });
    assert.ok(r1.ok);
    assert.deepEqual(h.get<ApplicationRecord>(`pay/app/${app}`)!.review!.experts, [second, spare], 'the panel\'s spare steps in, not the newcomer');
    const r2 = await h.run('payout.recuse', { id: spare, role: 'expert', dept: 'econ' }, { application: app, reason: '业务往来' });
    assert.ok(r2.ok);
    const waiting = h.get<ApplicationRecord>(`pay/app/${app}`)!;
    assert.deepEqual(waiting.review!.experts, [second]);
    assert.match(waiting.waiting!, /专家组/);
    const adv = await h.run('payout.advance', POLICY, { application: app });
    assert.equal(adv.ok ? 'ok' : adv.code, 'CHECKS_PENDING');
    assert.ok(!h.get<ApplicationRecord>(`pay/app/${app}`)!.review!.experts.includes(mole));
  });

  test('conflicts are read at the draw, from the panel only', async () => {
    const h = new Harness();
    const codes = h.enterprises(1);
    for (const id of PANEL) await h.expert(id, id === 'expert1' ? { enterprises: [codes[0]] } : {});
    const pol = await h.publish({ budgetFen: '1000000', capFen: '500000', experts: 2 });
    const app = await h.apply(codes[0], pol);
    const rec = h.get<ApplicationRecord>(`pay/app/${app}`)!;
    assert.deepEqual(rec.review!.experts, rank(app, ['expert2', 'expert3']));
    assert.deepEqual(rec.review!.excluded.map((e) => e.expert), ['expert1']);
  });

  test('after a recusal, a panel member left out for a conflict it has since withdrawn may step in; a recused one never returns', async () => {
    const h = new Harness();
    const codes = h.enterprises(1);
    await h.expert('expert1');
    await h.expert('expert2', { enterprises: [codes[0]] });
    const pol = await h.publish({ budgetFen: '1000000', capFen: '500000', experts: 1 });
    const app = await h.apply(codes[0], pol);
    assert.deepEqual(h.get<ApplicationRecord>(`pay/app/${app}`)!.review!.experts, ['expert1']);
    await h.expert('expert2'); // registers again, declaring no conflict
    assert.ok((await h.run('payout.recuse', { id: 'expert1', role: 'expert', dept: 'econ' }, { application: app, reason: '亲属关系' })).ok);
    assert.deepEqual(h.get<ApplicationRecord>(`pay/app/${app}`)!.review!.experts, ['expert2']);
    assert.ok((await h.run('payout.recuse', { id: 'expert2', role: 'expert', dept: 'econ' }, { application: app, reason: '业务往来' })).ok);
    const rec = h.get<ApplicationRecord>(`pay/app/${app}`)!;
    assert.deepEqual(rec.review!.experts, [], 'expert1 stepped back: not drawn again');
    assert.deepEqual(rec.review!.excluded.filter((e) => e.recused).map((e) => e.expert), ['expert1', 'expert2']);
  });

  test('the draw is the same on every node: two independent executions of the same transactions agree', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const { h, codes, pol } = await setup();
      await h.expert('late1');
      const apps = [await h.apply(codes[0], pol), await h.apply(codes[1], pol)];
      runs.push({ apps: apps.map((a) => h.get<ApplicationRecord>(`pay/app/${a}`)!.review), panel: h.get(`pay/panel/${pol}`) });
    }
    assert.deepEqual(runs[0], runs[1]);
  });
});
