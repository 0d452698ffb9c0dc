import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import { DEFAULT_WEIGHTS } from '../../server/approval/credit/weights.ts';
import { fileOnce, login, registerEnterprise, startApprovalPlatform, type TestEnterprise } from './support.ts';

/** Credit weights, grade bands and the enforcement rule change only by a quorum of departments. */
describe('governance of the credit score and the enforcement rule', () => {
  let p: Platform;
  const ents: TestEnterprise[] = [];
  const admins = ['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service'];

  /** Proposes from market and approves from the others until the proposal is applied. */
  async function passByQuorum(type: string, params: Record<string, unknown>, approvers = 6) {
    const proposed = await p.node('market').submitAs('admin', 'gov.propose', { type, params });
    assert.equal(proposed.receipt?.status, 'ok', proposed.receipt?.reason ?? '');
    let last;
    for (const d of admins.slice(1, 1 + approvers)) last = await p.node(d).submitAs('admin', 'gov.approve', { proposal: proposed.id });
    return { id: proposed.id, last: last! };
  }

  before(async () => {
    p = await startApprovalPlatform();
    const clerk = await login(p, 'service', 'clerk1');
    for (let i = 0; i < 3; i++) {
      ents.push(await registerEnterprise(p, clerk, 31 + i));
    }
    await fileOnce(ents[0]);
  });
  after(() => p.stop());

  test('weights that do not sum to 10000 are refused when proposed', async () => {
    const r = await p.node('market').submitAs('admin', 'gov.propose', { type: 'credit.setWeights', params: { ...DEFAULT_WEIGHTS, weights: { ...DEFAULT_WEIGHTS.weights, tax: 9999 } } });
    assert.equal(r.receipt?.status, 'rejected');
    assert.equal(r.receipt?.code, 'BAD_PAYLOAD');
  });

  test('an approver cannot propose; six of nine departments are not a quorum; seven are', async () => {
    const approver = p.node('market').signAs('approver1', 'gov.propose', { type: 'credit.setWeights', params: DEFAULT_WEIGHTS });
    await assert.rejects(p.node('market').submit(approver), (e: any) => e.code === 'FORBIDDEN_KIND');

    const weights = { weights: { licence: 1000, tax: 1000, social: 1000, approvals: 1000, supervision: 1000, enforcement: 4000, subsidy: 1000 }, bands: { A: 9000, B: 8600, C: 6000 } };
    const { id, last } = await passByQuorum('credit.setWeights', weights, 5);
    assert.equal((await p.node('audit').view().get<any>(`gov/proposal/${id}`)).status, 'open');
    assert.equal((await p.node('audit').view().get<any>('credit/weights')), undefined);
    assert.ok(last.receipt);
    const seventh = await p.node('audit').submitAs('admin', 'gov.approve', { proposal: id });
    assert.ok(seventh.receipt!.events.some((e) => e.type === 'credit.weightsSet'));
    const stored = await p.node('audit').view().get<any>('credit/weights');
    assert.equal(stored.version, 2);
    assert.equal(stored.weights.enforcement, 4000);
  });

  test('after the change the credit department re-scores every enterprise under the new version', async () => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const scores = await Promise.all(ents.map((e) => p.node('tax').view().get<any>(`credit/score/${e.code}`)));
      if (scores.every((s) => s.weightsVersion === 2)) {
        // with B raised to 8600, a neutral new enterprise (8500 under the new weights) falls from B to C
        assert.deepEqual(scores.map((s) => s.grade), ['C', 'C', 'C']);
        assert.equal(scores[0].trigger.kind, 'credit.recompute');
        break;
      }
      if (Date.now() > deadline) assert.fail('scores were not recomputed');
      await new Promise((r) => setTimeout(r, 50));
    }
    const weights = await (await login(p, 'housing', 'approver1')).get('/housing/api/approval/credit/weights').expect(200);
    assert.equal(weights.body.version, 2);
  });

  test('the enforcement rule is consortium configuration: lowered to "minor" by quorum, a minor finding opens a case', async () => {
    await passByQuorum('approval.setRules', { registrationDepts: ['service'], enforcement: { minSeverity: 'minor', dept: 'enforcement' }, calendar: { holidays: ['2026-10-01'], workdays: [] }, creditDept: 'market' });
    const inspector = await login(p, 'market', 'inspector1');
    const res = await inspector.post('/market/api/approval/inspections/adhoc', { code: ents[0].code, subject: '日常检查', result: 'rectify', findings: [{ severity: 'minor', category: '标识', description: '价格标签不全' }] }).expect(201);
    assert.equal(res.body.records.filter((r: string) => r.startsWith('case/')).length, 1);
  });

  test('a process definition is data: a new version is published by quorum, an old version number is refused', async () => {
    const processes = (await (await login(p, 'market', 'approver1')).get('/market/api/approval/processes').expect(200)).body.items;
    const food = processes.find((x: any) => x.id === 'foodLicence');
    const stale = await p.node('market').submitAs('admin', 'gov.propose', { type: 'approval.setProcess', params: food });
    assert.equal(stale.receipt?.code, 'STALE_VERSION');
    const v2 = { ...food, version: 2, phases: [{ stages: [{ ...food.phases[0].stages[0], days: 5 }] }] };
    await passByQuorum('approval.setProcess', v2);
    const res = await ents[0].submit('approval.apply', { process: 'foodLicence', project: { name: '新版流程门店' } });
    const app = await p.node('market').view().get<any>(res.body.records[0]);
    assert.equal(app.processVersion, 2);
    assert.equal(app.stages[0].days, 5);
  });
});
