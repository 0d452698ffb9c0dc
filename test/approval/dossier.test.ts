import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Platform } from '../../server/platform.ts';
import { filingSealRecipients, sealFiling } from '../../server/approval/filingSeal.ts';
import type { MaterialDraft } from '../../server/approval/schema.ts';
import { addStaff, fileOnce, filingDraftOf, login, registerEnterprise, settle, startApprovalPlatform, TEST_CONTACT_PHONE, type Session, type TestEnterprise } from './support.ts';

/**
 * The one-click dossier: one request, cut to what the caller's role may see, and every staff
 * view recorded on the chain with its purpose (the enterprise sees who looked).
 */
describe('dossier (一键调取)', () => {
  let p: Platform;
  let ent: TestEnterprise;
  let approver: Session;
  let material: { hash: string };
  let caseId: string;

  before(async () => {
    p = await startApprovalPlatform();
    const clerk = await login(p, 'service', 'clerk1');
    ent = await registerEnterprise(p, clerk, 41, '滨江瑞丰餐饮管理有限公司');
    material = await fileOnce(ent);
    await ent.submit('approval.apply', { process: 'foodLicence', project: { name: '总店' }, commitment: { letter: '承诺具备食品经营条件', accepted: true } });
    const inspector = await login(p, 'market', 'inspector1');
    const res = await inspector.post('/market/api/approval/inspections/adhoc', { code: ent.code, subject: '食品安全检查', result: 'rectify', findings: [{ severity: 'major', category: '食品安全', description: '使用过期原料' }] }).expect(201);
    caseId = res.body.records.find((r: string) => r.startsWith('case/')).slice(5);
    const enforcer = await login(p, 'enforcement', 'enforcer1');
    await enforcer.post(`/enforcement/api/approval/cases/${caseId}/decision`, { type: 'penalty', penaltyFen: '1000000', legalBasis: '《食品安全法》第一百二十四条', opinion: '内部意见：当事人态度较好，从轻处罚' }).expect(200);
    approver = await login(p, 'housing', 'approver1');
  });
  after(() => p.stop());

  test('staff must say why', async () => {
    const res = await approver.get(`/housing/api/approval/dossier/${ent.code}`);
    assert.equal(res.status, 400);
  });

  test('an approver gets the whole loop in one request, and the view is on the chain', async () => {
    const res = await approver.get(`/housing/api/approval/dossier/${ent.code}?purpose=${encodeURIComponent('工程建设审批 立项用地规划许可审查')}`).expect(200);
    const d = res.body;
    assert.equal(d.filing.profile.name, '滨江瑞丰餐饮管理有限公司');
    // housing has no stage of this enterprise's applications, so its contacts are sealed from it
    assert.deepEqual(d.filing.profile.contacts, []);
    assert.deepEqual(d.filing.sealed, { to: ['market', 'service'], readable: false });
    assert.equal(d.materials[0].hash, material.hash);
    assert.equal(d.materials[0].name, undefined, 'the file name is sealed with the contacts');
    assert.equal(d.licences.length, 1);
    assert.equal(d.approvals[0].commitment.granted, true);
    assert.equal(d.inspections.length, 2, 'the post-check (planned) and the ad hoc one');
    assert.equal(d.cases[0].decision.penaltyFen, '1000000');
    assert.equal(d.cases[0].decision.opinion, undefined, 'the reasoning stays with enforcement');
    assert.ok(d.credit.dimensions.length === 7 && typeof d.credit.total === 'number');
    assert.deepEqual(d.privacyAnswers, []);
    assert.equal(d.views, undefined);
    const row = await p.node('audit').waitFor(d.viewTx, 'receipt');
    assert.equal(row.status, 'ok');
    assert.equal(row.actor, 'approver1');
    const ev = row.events.find((e) => e.type === 'dossier.viewed')!;
    assert.equal(ev.data.purpose, '工程建设审批 立项用地规划许可审查');
    assert.equal(ev.data.dept, 'housing');
  });

  test('contacts reach another department only by a share from a department that can read them, with its basis', async () => {
    const purpose = encodeURIComponent('工程建设审批 核实联系人');
    const housingClerk = await addStaff(p, 'housing', 'clerk9', 'clerk');
    const refused = await housingClerk.post(`/housing/api/approval/filings/${ent.code}/share`, { to: 'housing', purpose: '自取' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'SEAL_NOT_HOLDER');
    const clerk = await login(p, 'service', 'clerk1');
    const shared = await clerk.post(`/service/api/approval/filings/${ent.code}/share`, { to: 'housing', purpose: '工程建设审批联系企业' }).expect(200);
    const row = await p.node('housing').waitFor(shared.body.tx, 'receipt');
    assert.equal(row.status, 'ok', row.reason ?? undefined);
    assert.equal(row.events.find((e) => e.type === 'seal.shared')?.data.purpose, '工程建设审批联系企业');
    const d = (await approver.get(`/housing/api/approval/dossier/${ent.code}?purpose=${purpose}`).expect(200)).body;
    assert.equal(d.filing.profile.contacts[0].phone, TEST_CONTACT_PHONE);
    assert.equal(d.filing.profile.legalRepresentative, '张建国');
    assert.equal(d.filing.sealed.readable, true);
  });

  test('applying shares the contacts with the departments owning the application’s stages, naming it as the basis', async () => {
    const res = await ent.submit('approval.apply', { process: 'construction', project: { name: '二期厂房' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const key = `seal/share/filing/${ent.code}/enforcement`;
    let share: any;
    for (let i = 0; i < 200 && !share; i++) {
      share = await p.node('enforcement').view().get(key);
      if (!share) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(share, 'enforcement got a share');
    assert.equal(share.by.dept, 'market', 'from the first of the filing’s recipients, by its node');
    assert.match(share.basis.app, /^AP-/);
    await settle();
    const enforcer = await login(p, 'enforcement', 'enforcer1');
    const d = (await enforcer.get(`/enforcement/api/approval/dossier/${ent.code}?purpose=${encodeURIComponent('施工场地审查 联系企业')}`).expect(200)).body;
    assert.equal(d.filing.profile.contacts[0].phone, TEST_CONTACT_PHONE);
  });

  test('an amended filing reaches the departments that had the earlier one, on the same basis', async () => {
    const mats = [material as MaterialDraft];
    const draft = filingDraftOf(ent, mats);
    draft.profile.contacts = [{ name: '新联系人', phone: '13600001234' }];
    const node = p.nodes[0];
    const sealed = await sealFiling(draft, await filingSealRecipients(node.view(), node.genesis));
    const current = await p.node('service').view().get<{ version: number }>(`filing/${ent.code}`);
    const res = await ent.submit('filing.amend', { ...sealed, baseVersion: current!.version });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const enforcer = await login(p, 'enforcement', 'enforcer1');
    let phone = '';
    for (let i = 0; i < 100 && phone !== '13600001234'; i++) {
      await settle(100);
      const row = await p.node('housing').db('ap_filings').where({ code: ent.code }).first('json');
      phone = JSON.parse(row.json).profile.contacts[0]?.phone ?? '';
    }
    assert.equal(phone, '13600001234', 'housing reads the new contacts');
    const d = (await enforcer.get(`/enforcement/api/approval/dossier/${ent.code}?purpose=${encodeURIComponent('施工场地审查 联系企业')}`).expect(200)).body;
    assert.equal(d.filing.profile.contacts[0].phone, '13600001234');
  });

  test('an enforcer sees the reasoning of its own department\'s case', async () => {
    const enforcer = await login(p, 'enforcement', 'enforcer1');
    const d = (await enforcer.get(`/enforcement/api/approval/dossier/${ent.code}?purpose=${encodeURIComponent('案件复核')}`).expect(200)).body;
    assert.match(d.cases[0].decision.opinion, /从轻处罚/);
    assert.equal(d.materials, undefined, 'enforcement is not entitled to the materials');
  });

  test('a policy officer sees less; finance sees nothing', async () => {
    const policy = await login(p, 'econ', 'policy1');
    const d = (await policy.get(`/econ/api/approval/dossier/${ent.code}?purpose=${encodeURIComponent('惠企政策资格审查')}`).expect(200)).body;
    assert.deepEqual(d.filing.profile.contacts, []);
    assert.equal(d.materials, undefined);
    assert.equal(d.inspections, undefined);
    assert.ok(d.credit);
    const finance = await login(p, 'finance', 'finance1');
    const no = await finance.get(`/finance/api/approval/dossier/${ent.code}?purpose=${encodeURIComponent('查看企业信息')}`);
    assert.equal(no.status, 403);
  });

  test('the enterprise reads its own dossier without a purpose and sees who looked at it', async () => {
    await settle(150);
    const s = await ent.login();
    const d = (await s.get(`/service/api/approval/dossier/${ent.code}`).expect(200)).body;
    assert.equal(d.viewTx, null, 'looking at oneself is not recorded');
    assert.ok(d.views.length >= 3);
    assert.ok(d.views.some((v: any) => v.dept === 'housing' && v.user === 'approver1' && v.purpose.includes('立项')));
    // the reasoning is sealed to enforcement and the inspecting department: the service centre's node cannot open it
    assert.deepEqual(d.cases[0].decision.opinion.sealed, true);
    const atEnforcement = await ent.login('enforcement');
    const there = (await atEnforcement.get(`/enforcement/api/approval/dossier/${ent.code}`).expect(200)).body;
    assert.match(there.cases[0].decision.opinion, /从轻处罚/, 'a party to the case reads its reasoning through a recipient’s node');
    await ent.login();
  });

  test('opening a material file is a recorded look as well', async () => {
    const res = await approver.get(`/housing/api/approval/materials/${material.hash}?purpose=${encodeURIComponent('核验营业执照')}`);
    // the file lives on the node that received it (service); housing holds only its hash, and a
    // platform that serves no port has no peer to fetch it from (peerMaterials.test.ts does)
    assert.equal(res.status, 404);
    assert.equal(res.body.code, 'MATERIAL_UNAVAILABLE');
    const clerk = await login(p, 'service', 'clerk1');
    const none = await clerk.get(`/service/api/approval/materials/${material.hash}`);
    assert.equal(none.status, 400, 'no purpose, no file');
    const ok = await clerk.get(`/service/api/approval/materials/${material.hash}?purpose=${encodeURIComponent('窗口复核材料')}`).expect(200);
    assert.equal(ok.headers['content-type'], 'application/pdf');
    assert.ok(Buffer.from(ok.body).subarray(0, 5).toString() === '%PDF-');
    const tx = ok.headers['x-dossier-view-tx'];
    const row = await p.node('service').waitFor(tx, 'receipt');
    assert.equal(row.events[0].data.item, `material:${material.hash}`);
  });

  test('export is the same dossier as a file, recorded the same way', async () => {
    const res = await approver.get(`/housing/api/approval/dossier/${ent.code}/export?purpose=${encodeURIComponent('审批案卷归档')}`).expect(200);
    assert.match(res.headers['content-disposition'], /attachment; filename="dossier-/);
    const body = JSON.parse(res.text);
    assert.equal(body.enterprise.code, ent.code);
    assert.ok(body.viewTx);
  });

  test('an unknown enterprise is a 404 and no view is recorded', async () => {
    await settle(150); // let the views of earlier tests land first
    const before = await p.node('housing').db('txs').count({ n: '*' }).first();
    const res = await approver.get(`/housing/api/approval/dossier/91330106MA0000000X?purpose=${encodeURIComponent('查询不存在企业')}`);
    assert.equal(res.status, 404);
    await settle();
    assert.deepEqual(await p.node('housing').db('txs').count({ n: '*' }).first(), before);
  });

  test('auditors see the viewers list too', async () => {
    const auditor = await addStaff(p, 'audit', 'auditor2', 'auditor');
    const d = (await auditor.get(`/audit/api/approval/dossier/${ent.code}?purpose=${encodeURIComponent('年度审计抽查')}`).expect(200)).body;
    assert.ok(Array.isArray(d.views));
    assert.equal(d.cases[0].decision.opinion.sealed, true, 'audit reads sealed reasoning only by a share naming its basis');
    assert.ok(d.cases[0].decision.legalBasis, 'the legal basis stays public');
  });
});
