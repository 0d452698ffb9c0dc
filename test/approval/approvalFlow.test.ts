import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import { addStaff, fileOnce, login, pdf, registerEnterprise, startApprovalPlatform, TestClock, type Session, type TestEnterprise, supplementOf, applicationOf, upload } from './support.ts';

/**
 * 工程建设项目审批 end to end: four phases, parallel stages in three departments, a return for
 * more information answered by a signed supplement, deadlines in working days from block time,
 * the licence at the end; and the simple food licence approved on commitment (告知承诺制).
 */
describe('approvals: construction project through every stage, and approval on commitment', () => {
  const clock = new TestClock();
  let p: Platform;
  let ent: TestEnterprise;
  let housing: Session;
  let market: Session;
  let enforcement: Session;
  let appId: string;

  const decide = (s: Session, dept: string, stage: string, decision: string, opinion = '材料齐全，符合要求') =>
    s.post(`/${dept}/api/approval/applications/${appId}/stages/${stage}/decision`, { decision, opinion, evidence: [{ type: 'dossierView', ref: 'viewed before deciding' }] });
  const app = async () => (await housing.get(`/housing/api/approval/applications/${appId}`).expect(200)).body;

  before(async () => {
    p = await startApprovalPlatform({ clock });
    const clerk = await login(p, 'service', 'clerk1');
    ent = await registerEnterprise(p, clerk, 11, '滨江鼎盛建设集团有限公司');
    await fileOnce(ent);
    housing = await login(p, 'housing', 'approver1');
    market = await login(p, 'market', 'approver1');
    enforcement = await addStaff(p, 'enforcement', 'approver1', 'approver');
  });
  after(() => p.stop());

  test('the application reuses the filing; commitment not granted below grade A; phase 1 opens with a deadline', async () => {
    const res = await ent.submit('approval.apply', await applicationOf(ent, {
      process: 'construction',
      project: { name: '滨江花园二期住宅项目', location: '江南区滨江大道以南', investmentFen: '1200000000000', description: '住宅及配套商业' },
      commitment: { letter: '本企业承诺符合施工许可条件', accepted: true },
    }));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    appId = res.body.records[0].replace('app/', '');
    const a = await app();
    assert.equal(a.filingVersion, 1, 'no re-entry: the application points at the filing');
    assert.equal(a.project.investmentFen, '1200000000000', 'a stage department reads the sealed investment');
    assert.equal(a.project.description, '住宅及配套商业');
    const stored = await ent.p.node('service').view().get<any>(`app/${appId}`);
    assert.equal(stored.project.investmentFen.sealed, 1, 'the ledger holds the envelope');
    assert.equal(a.commitment.granted, false);
    assert.match(a.commitment.reason, /grade B is below A/);
    const landUse = a.stages.find((s: any) => s.id === 'landUse');
    assert.equal(landUse.status, 'open');
    assert.ok(landUse.dueAt > landUse.openedAt + 5 * 86_400_000, 'five working days are at least a week of calendar days');
    assert.equal(landUse.checks[0].status, 'passed');
    assert.equal(a.stages.filter((s: any) => s.status === 'waiting').length, 6);
  });

  test('an auditor\'s recorded look at the application gets audit a share of its sealed project, opened on its next look', async () => {
    const auditor = await login(p, 'audit', 'auditor1');
    assert.equal((await auditor.get(`/audit/api/approval/applications/${appId}`).expect(400)).body.code, 'PURPOSE_REQUIRED');
    const why = encodeURIComponent('专项审计：工程建设审批');
    const first = (await auditor.get(`/audit/api/approval/applications/${appId}?purpose=${why}`).expect(200)).body;
    assert.equal(first.project.description.sealed, true, 'audit is not a recipient of what the enterprise sealed');
    const key = `seal/share/record/${appId}/audit`;
    let share: { fields: Record<string, { by: { dept: string } }> } | undefined;
    for (let i = 0; i < 500 && !share; i++) {
      share = await p.node('audit').view().get(key);
      if (!share) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(share, 'a stage department shared the project with audit');
    assert.deepEqual(Object.keys(share.fields).filter((k) => k.startsWith('project.')).sort(), ['project.description', 'project.investmentFen']);
    const again = (await auditor.get(`/audit/api/approval/applications/${appId}?purpose=${why}`).expect(200)).body;
    assert.equal(again.project.description, '住宅及配套商业');
    assert.equal(again.project.investmentFen, '1200000000000');
    assert.ok(!JSON.stringify(await p.node('audit').db('ap_applications').select('json')).includes('住宅及配套商业'), 'the audit node stores no plaintext');
  });

  test('a department cannot decide another department\'s stage, nor a stage not yet open', async () => {
    const wrong = await decide(market, 'market', 'landUse', 'approve');
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.code, 'WRONG_DEPT');
    const early = await decide(market, 'market', 'qualification', 'approve');
    assert.equal(early.status, 409);
    assert.equal(early.body.code, 'STAGE_NOT_OPEN');
  });

  test('approving phase 1 opens three parallel stages; privacy checks are recorded as pending', async () => {
    await decide(housing, 'housing', 'landUse', 'approve').expect(200);
    const a = await app();
    const open = a.stages.filter((s: any) => s.status === 'open').map((s: any) => `${s.dept}:${s.id}`).sort();
    assert.deepEqual(open, ['enforcement:siteManagement', 'housing:planning', 'market:qualification']);
    const q = a.stages.find((s: any) => s.id === 'qualification');
    assert.equal(q.checks[0].status, 'pending');
    assert.match(q.checks[0].detail, /pending privacy query/);
    const decision = a.stages.find((s: any) => s.id === 'landUse').decisions[0];
    assert.equal(decision.by.dept, 'housing');
    assert.equal(decision.by.user, 'approver1');
    assert.equal(decision.evidence[0].type, 'dossierView');
    assert.equal(typeof decision.time, 'number');
    // the opinion and evidence travel sealed to the departments owning a stage; each opens them in its read model
    assert.equal(decision.opinion, '材料齐全，符合要求');
    assert.equal(decision.evidence[0].ref, 'viewed before deciding');
    const onLedger = (await p.node('service').view().get<any>(`app/${appId}`)).stages.find((s: any) => s.id === 'landUse').decisions[0];
    assert.equal(onLedger.opinion.sealed, 1);
    assert.deepEqual([...new Set(onLedger.opinion.jwe.recipients.map((r: any) => r.header.kid.split('/')[0]))].sort(), ['enforcement', 'housing', 'market']);
    const row = await p.node('service').db('ap_applications').where({ id: appId }).first('json');
    const atService = JSON.parse(row.json).stages.find((s: any) => s.id === 'landUse').decisions[0];
    assert.deepEqual(atService.opinion, { sealed: true, to: ['enforcement', 'housing', 'market'] }, 'a node without a stage holds only who it is sealed to');
    assert.ok(!row.json.includes('材料齐全，符合要求'));
    const worklist = await market.get('/market/api/approval/worklist').expect(200);
    assert.deepEqual(worklist.body.items.map((i: any) => i.stage), ['qualification']);
  });

  test('a return waits for the enterprise\'s signed supplement; the phase waits for every parallel stage', async () => {
    await decide(market, 'market', 'qualification', 'return', '请补充近三年类似工程业绩证明').expect(200);
    assert.equal((await app()).status, 'returned');
    await decide(housing, 'housing', 'planning', 'approve').expect(200);
    await decide(enforcement, 'enforcement', 'siteManagement', 'approve').expect(200);
    assert.equal((await app()).phase, 1, 'phase 2 still waits for the returned stage');
    const again = await decide(market, 'market', 'qualification', 'approve');
    assert.equal(again.body.code, 'STAGE_NOT_OPEN');
    const up = await upload(ent.session ?? (await ent.login()), pdf(`${ent.code}-performance`)).expect(201);
    const drafts = [{ hash: up.body.hash, name: '工程业绩证明2023-2025.pdf', type: 'pdf' as const, size: up.body.size, category: '业绩证明' }];
    const full = await supplementOf(ent, appId, '已补充2023-2025年工程业绩证明', drafts);
    const { materialNames: _names, ...unnamed } = full;
    const missing = await ent.submit('approval.supplement', unnamed);
    assert.equal(missing.status, 400, JSON.stringify(missing.body));
    assert.equal(missing.body.code, 'SEAL_MISSING', 'materials come with their sealed names');
    const sup = await ent.submit('approval.supplement', full);
    assert.equal(sup.status, 200, JSON.stringify(sup.body));
    const raw = await p.node('tax').view().get<any>(`app/${appId}`);
    assert.ok(!JSON.stringify(raw).includes('工程业绩证明2023-2025.pdf'), 'the file name is on the ledger only sealed');
    await decide(market, 'market', 'qualification', 'approve').expect(200);
    const a = await app();
    assert.equal(a.phase, 2);
    assert.equal(a.stages.find((s: any) => s.id === 'constructionPermit').status, 'open');
    assert.equal(a.supplements.length, 1);
    assert.equal(a.supplements[0].note, '已补充2023-2025年工程业绩证明', 'a stage department reads the sealed note');
    assert.deepEqual(a.supplements[0].materialNames, { [up.body.hash]: '工程业绩证明2023-2025.pdf' }, 'and the file names');
    const plain = await ent.submit('approval.supplement', { app: appId, note: '明文补正' });
    assert.equal(plain.status, 400, 'a plaintext note is not a payload');
  });

  test('a stage past its deadline (working days, block time) is flagged, and a late decision says so', async () => {
    clock.advanceDays(15);
    await p.node('housing').submitAs('admin', 'user.register', { id: 'tick', name: '推进区块', role: 'clerk' }); // a block stamped with the new time
    const list = await housing.get('/housing/api/approval/worklist').expect(200);
    const permit = list.body.items.find((i: any) => i.stage === 'constructionPermit');
    assert.equal(permit.overdue, true);
    assert.equal((await app()).stages.find((s: any) => s.id === 'constructionPermit').overdue, true);
    await decide(housing, 'housing', 'constructionPermit', 'approve').expect(200);
    const d = (await app()).stages.find((s: any) => s.id === 'constructionPermit').decisions[0];
    assert.equal(d.late, true);
  });

  test('the last phase issues the licence; nothing can be decided after the final decision', async () => {
    await decide(enforcement, 'enforcement', 'completionSite', 'approve').expect(200);
    await decide(housing, 'housing', 'completion', 'approve').expect(200);
    const a = await app();
    assert.equal(a.status, 'approved');
    assert.equal(a.licences.length, 1);
    const lic = await p.node('audit').view().get<any>(`lic/${a.licences[0]}`);
    assert.equal(lic.name, '建筑工程施工许可证');
    assert.equal(lic.underCommitment, false);
    const after = await decide(housing, 'housing', 'completion', 'reject', '补充意见');
    assert.equal(after.status, 409);
    assert.equal(after.body.code, 'APPLICATION_CLOSED');
    const score = await p.node('market').view().get<any>(`credit/score/${ent.code}`);
    const licence = score.dimensions.find((d: any) => d.dim === 'licence');
    assert.ok(licence.items.some((i: any) => i.ref === `lic/${a.licences[0]}` && i.kind === 'valid'), 'the licence point traces to the licence record');
  });

  test('告知承诺制: a grade-B enterprise gets the food licence at once, with a post-check scheduled', async () => {
    const res = await ent.submit('approval.apply', { process: 'foodLicence', project: { name: '职工食堂' }, commitment: { letter: '本企业承诺具备食品经营条件', accepted: true } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const id = res.body.records.find((r: string) => r.startsWith('app/')).slice(4);
    const a = (await market.get(`/market/api/approval/applications/${id}`).expect(200)).body;
    assert.equal(a.status, 'approved');
    assert.equal(a.commitment.granted, true);
    const check = await p.node('market').view().get<any>(`insp/${a.commitment.postCheck}`);
    assert.equal(check.dept, 'market');
    assert.equal(check.origin, 'commitment');
    assert.equal(check.status, 'planned');
    const inspector = await login(p, 'market', 'inspector1');
    const planned = await inspector.get('/market/api/approval/inspections?status=planned').expect(200);
    assert.ok(planned.body.items.some((i: any) => i.id === a.commitment.postCheck));
  });

  test('reject is final for the whole application', async () => {
    const res = await ent.submit('approval.apply', { process: 'foodLicence', project: { name: '门店二' } });
    const id = res.body.records[0].slice(4);
    await market.post(`/market/api/approval/applications/${id}/stages/review/decision`, { decision: 'reject', opinion: '经营场所不符合要求' }).expect(200);
    const again = await market.post(`/market/api/approval/applications/${id}/stages/review/decision`, { decision: 'approve', opinion: '复核' });
    assert.equal(again.body.code, 'APPLICATION_CLOSED');
  });
});
