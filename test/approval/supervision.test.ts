import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import { addStaff, fileOnce, login, registerEnterprise, startApprovalPlatform, type Session, type TestEnterprise } from './support.ts';

/**
 * 审管执: an inspection's findings open enforcement cases by the consortium's rule, cases go
 * open → decided → closed, and every step moves the credit score, each point traceable.
 */
describe('supervision and enforcement feed the credit score', () => {
  let p: Platform;
  let ent: TestEnterprise;
  let inspector: Session;
  let enforcer: Session;
  const score = async () => (await p.node('audit').view().get<any>(`credit/score/${ent.code}`))!;

  before(async () => {
    p = await startApprovalPlatform();
    const clerk = await login(p, 'service', 'clerk1');
    ent = await registerEnterprise(p, clerk, 21, '滨江宏达渣土运输有限公司');
    await fileOnce(ent);
    inspector = await login(p, 'housing', 'inspector1');
    enforcer = await login(p, 'enforcement', 'enforcer1');
  });
  after(() => p.stop());

  let caseId: string;
  /** the housing inspector records an inspection it did not plan, with its findings */
  const adhoc = (subject: string, result: string, findings: { severity: string; category: string; description: string; legalBasis?: string }[]) =>
    inspector.post('/housing/api/approval/inspections/adhoc', { code: ent.code, subject, result, findings });

  test('a major finding opens a case at enforcement; a minor one does not', async () => {
    const res = await adhoc('在建工地扬尘专项检查', 'rectify', [
      { severity: 'minor', category: '围挡', description: '部分围挡破损' },
      { severity: 'major', category: '扬尘', description: '裸土未覆盖，未落实湿法作业', legalBasis: '《大气污染防治法》第六十九条' },
    ]);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const cases = res.body.records.filter((r: string) => r.startsWith('case/'));
    assert.equal(cases.length, 1);
    caseId = cases[0].slice(5);
    const c = (await enforcer.get(`/enforcement/api/approval/cases/${caseId}`).expect(200)).body;
    assert.equal(c.status, 'open');
    assert.equal(c.dept, 'enforcement');
    assert.equal(c.origin.dept, 'housing');
    const s = await score();
    const sup = s.dimensions.find((d: any) => d.dim === 'supervision');
    assert.equal(sup.score, 10_000 - 500 - 2000);
    assert.equal(s.dimensions.find((d: any) => d.dim === 'enforcement').score, 9000);
    // the inspecting department sees the case it caused; the enforcement list shows it too
    await inspector.get(`/housing/api/approval/cases/${caseId}`).expect(200);
    const list = await enforcer.get('/enforcement/api/approval/cases?status=open').expect(200);
    assert.deepEqual(list.body.items.map((x: any) => x.id), [caseId]);
  });

  test('the case is decided with a penalty in fen and a legal basis, then closed; the score follows', async () => {
    const bad = await enforcer.post(`/enforcement/api/approval/cases/${caseId}/decision`, { type: 'warning', penaltyFen: '500000', legalBasis: '《大气污染防治法》第一百一十五条', opinion: '警告' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'PENALTY_MISMATCH');
    const early = await enforcer.post(`/enforcement/api/approval/cases/${caseId}/close`, { outcome: 'paid' });
    assert.equal(early.body.code, 'CASE_NOT_DECIDED');
    await enforcer.post(`/enforcement/api/approval/cases/${caseId}/decision`, { type: 'penalty', penaltyFen: '5000000', legalBasis: '《大气污染防治法》第一百一十五条', opinion: '责令改正，处五万元罚款' }).expect(200);
    assert.equal((await score()).dimensions.find((d: any) => d.dim === 'enforcement').score, 7000);
    const twice = await enforcer.post(`/enforcement/api/approval/cases/${caseId}/decision`, { type: 'noViolation', legalBasis: 'x', opinion: 'x' });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.code, 'CASE_NOT_OPEN');
    await enforcer.post(`/enforcement/api/approval/cases/${caseId}/close`, { outcome: 'paid', note: '罚款已缴纳' }).expect(200);
    const s = await score();
    const enf = s.dimensions.find((d: any) => d.dim === 'enforcement');
    assert.equal(enf.score, 8000);
    assert.deepEqual(enf.items.filter((i: any) => i.ref).map((i: any) => [i.ref, i.kind]), [[`case/${caseId}`, 'penaltyClosed']]);
    const c = await p.node('market').view().get<any>(`case/${caseId}`);
    assert.equal(c.decision.penaltyFen, '5000000');
    assert.equal(c.closure.outcome, 'paid');
  });

  test('a broken commitment found at the post-check revokes the licence and costs credit', async () => {
    const res = await ent.submit('approval.apply', { process: 'foodLicence', project: { name: '工地食堂' }, commitment: { letter: '承诺具备食品经营条件', accepted: true } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const app = await p.node('market').view().get<any>(res.body.records.find((r: string) => r.startsWith('app/')));
    assert.equal(app.commitment.granted, true, JSON.stringify(app.commitment));
    const marketInspector = await login(p, 'market', 'inspector1');
    const other = await inspector.post(`/housing/api/approval/inspections/${app.commitment.postCheck}/result`, { result: 'pass' });
    assert.equal(other.status, 403, 'the post-check belongs to market');
    await marketInspector.post(`/market/api/approval/inspections/${app.commitment.postCheck}/result`, {
      result: 'fail',
      findings: [{ severity: 'minor', category: '告知承诺', description: '无从业人员健康证，承诺内容不实' }],
    }).expect(200);
    const lic = await p.node('market').view().get<any>(`lic/${app.licences[0]}`);
    assert.equal(lic.status, 'revoked');
    const s = await score();
    const approvals = s.dimensions.find((d: any) => d.dim === 'approvals');
    assert.ok(approvals.items.some((i: any) => i.kind === 'broken' && i.ref === `app/${app.id}`));
    assert.ok(s.dimensions.find((d: any) => d.dim === 'licence').items.some((i: any) => i.kind === 'revoked'));
  });

  test('a low grade blocks approval where the process requires one (blocking credit check)', async () => {
    // Two severe findings and their penalties bring the enterprise down to D.
    const res = await adhoc('渣土违规倾倒复查', 'fail', [
      { severity: 'severe', category: '渣土', description: '夜间违规倾倒建筑垃圾' },
      { severity: 'severe', category: '渣土', description: '未办理处置核准' },
    ]).expect(201);
    for (const rec of res.body.records.filter((r: string) => r.startsWith('case/'))) {
      await enforcer.post(`/enforcement/api/approval/cases/${rec.slice(5)}/decision`, { type: 'penalty', penaltyFen: '20000000', legalBasis: '《城市建筑垃圾管理规定》第二十六条', opinion: '罚款二十万元' }).expect(200);
    }
    const s = await score();
    assert.equal(s.grade, 'D', `total ${s.total}`);
    const apply = await ent.submit('approval.apply', { process: 'construction', project: { name: '三期项目' } });
    const appId = apply.body.records[0].slice(4);
    const housing = await login(p, 'housing', 'approver1');
    const d = await housing.post(`/housing/api/approval/applications/${appId}/stages/landUse/decision`, { decision: 'approve', opinion: '同意' });
    assert.equal(d.status, 409);
    assert.equal(d.body.code, 'CHECK_FAILED');
    await housing.post(`/housing/api/approval/applications/${appId}/stages/landUse/decision`, { decision: 'reject', opinion: '信用等级不符合要求' }).expect(200);
  });

  test('an inspection linked to an approval must come from a department responsible for it', async () => {
    const apps = await p.node('audit').db('ap_applications').where({ code: ent.code, process: 'construction' }).select('id');
    const enfInspector = await login(p, 'enforcement', 'inspector1');
    const marketInspector = await login(p, 'market', 'inspector1');
    const ok = await enfInspector.post('/enforcement/api/approval/inspections', { code: ent.code, subject: '施工现场市容检查', app: apps[0].id });
    assert.equal(ok.status, 201, 'enforcement owns a stage of the construction process');
    const no = await marketInspector.post('/market/api/approval/inspections', { code: ent.code, subject: '食品检查', app: apps[0].id });
    assert.equal(no.status, 201, 'market owns the qualification stage');
    const hrss = await addStaff(p, 'hrss', 'inspector1', 'inspector');
    const refused = await hrss.post('/hrss/api/approval/inspections', { code: ent.code, subject: '劳动保障检查', app: apps[0].id });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'WRONG_DEPT');
  });
});
