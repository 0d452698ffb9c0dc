import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createModules } from '../../server/modules.ts';
import type { Platform } from '../../server/platform.ts';
import { testCode } from '../approval/support.ts';
import { startTestPlatform } from '../support/platform.ts';
import { committed, download, launchChromium, needBuiltPortal, noChromium, pick, portalPage, shot, shotsOnFailure, signIn } from './browser.ts';

/**
 * Each persona's main flow in a real browser (Debian's Chromium) against an in-process platform
 * with every module and 20 demo enterprises: an enterprise makes its key, the window registers
 * it, it files the one form and applies (signed in the browser); an approver pulls the dossier
 * and decides; an inspector's finding opens a case that enforcement decides; an auditor traces
 * the enterprise and catches an altered row; an administrator proposes and another approves.
 * Screenshots land in test-artifacts/screenshots/.
 */
const PASS = 'qiye-kouling-2026';
const CODE = testCode(4242);
const NAME = '滨江瑞丰餐饮管理有限公司';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% e2e licence\ntrailer<</Root 1 0 R>>\n%%EOF\n');

describe('persona workflows in a browser', { skip: noChromium }, () => {
  let p: Platform;
  let base: string;
  let browser: Browser;
  let ent: Page;
  let staff: Page;
  let backupPath: string;
  let appId: string;
  let caseId: string;
  let proposalId: string;

  // A failed step leaves a picture of both browsers, to see what the page said.
  afterEach((t) => shotsOnFailure(t, { 'fail-enterprise': ent, 'fail-staff': staff }));

  before(async () => {
    needBuiltPortal();
    p = await startTestPlatform({ portal: true, modules: createModules, enterprises: 20 });
    base = `http://127.0.0.1:${((await p.listen(0)).address() as AddressInfo).port}`;
    browser = await launchChromium();
    // The enterprise and the staff each have their own browser (cookies, stored key).
    ent = await portalPage(browser, { acceptDownloads: true });
    staff = await portalPage(browser);
  });
  after(async () => {
    await browser?.close();
    await p?.stop();
  });

  test('企业注册: the enterprise makes its key in the browser and downloads the backup', async () => {
    await ent.goto(`${base}/service/login`);
    await ent.getByRole('tab', { name: '企业密钥登录' }).click();
    await ent.getByTestId('to-onboard').click();
    await ent.getByTestId('onboard').waitFor();
    assert.match(await ent.getByTestId('onboard').innerText(), /到政务服务中心窗口登记/);
    await ent.getByTestId('key-label').fill(CODE);
    await ent.getByTestId('key-pass').fill(PASS);
    await ent.getByTestId('key-pass2').fill(PASS);
    await ent.getByTestId('key-generate').click();
    const pub = (await ent.getByTestId('onboard-pubkey').innerText()).trim();
    assert.match(pub, /^[0-9a-f]{64}$/);
    const backup = await download(ent, () => ent.getByTestId('key-export').click());
    assert.match(backup.name, new RegExp(`tongban-key-${CODE}\\.json`));
    backupPath = backup.path;
    await shot(ent, '20-enterprise-onboard');
  });

  test('窗口: the clerk checks the code\'s check character and registers the key read from the backup file', async () => {
    await signIn(staff, base, 'service', 'clerk1');
    await staff.goto(`${base}/service/enterprises`);
    const wrong = CODE.slice(0, 17) + (CODE[17] === '0' ? '1' : '0');
    await staff.getByTestId('reg-code').fill(wrong);
    await staff.getByText('统一社会信用代码无效').waitFor();
    assert.equal(await staff.getByTestId('reg-submit').isDisabled(), true);
    await staff.getByTestId('reg-code').fill('');
    await staff.getByTestId('pubkey-file').first().locator('input[type=file]').setInputFiles(backupPath);
    // The backup names the code it was made for; the form takes it from there.
    for (let i = 0; (await staff.getByTestId('reg-code').inputValue()) !== CODE; i++) {
      assert.ok(i < 100, 'the code was not read from the backup file');
      await staff.waitForTimeout(50);
    }
    assert.match(await staff.getByTestId('pubkey-input').first().inputValue(), /^[0-9a-f]{64}$/);
    await staff.getByTestId('reg-name').fill(NAME);
    await staff.getByTestId('reg-submit').click();
    await committed(staff);
    await shot(staff, '21-clerk-register');
    assert.ok(await p.node('service').view().get(`ent/${CODE}`), 'the enterprise is on the chain');
  });

  test('一表申报: the enterprise signs in, uploads a material, and files the form signed in the browser', async () => {
    await ent.goto(`${base}/service/login`);
    await ent.getByRole('tab', { name: '企业密钥登录' }).click();
    await ent.getByTestId('ent-pass').fill(PASS);
    await ent.getByTestId('ent-login').click();
    await ent.getByTestId('role-intro').waitFor();
    await ent.goto(`${base}/service/filing`);
    await ent.getByTestId('filing-form').waitFor();
    await ent.getByTestId('f-name').fill(NAME);
    await ent.getByTestId('f-legal').fill('王海燕');
    await ent.getByTestId('f-address').fill('滨江市江南区滨江大道188号');
    await pick(ent, 'f-industry', 'H62 餐饮业');
    await ent.getByTestId('f-employees').locator('input').fill('36');
    await ent.getByTestId('f-capital').fill('1,234,567.89');
    assert.match(await ent.getByTestId('f-capital-fen').innerText(), /123456789 分/);
    await ent.getByTestId('c-name-0').fill('李敏');
    await ent.getByTestId('c-phone-0').fill('13800138000');
    const input = ent.getByTestId('material-upload').locator('input[type=file]');
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await ent.getByText('不支持的文件类型').waitFor();
    await input.setInputFiles({ name: '营业执照.pdf', mimeType: 'application/pdf', buffer: PDF });
    await ent.getByTestId('materials').getByText('营业执照.pdf').waitFor();
    // consents are the enterprise's choice, one by one: none is ticked for it
    const consents = ent.locator('[data-testid^="consent-"]');
    for (const c of await consents.all()) assert.equal(await c.locator('input').isChecked(), false);
    for (const c of await consents.all()) await c.click();
    await ent.getByTestId('f-truthful').click();
    await ent.getByTestId('sign-pass').fill(PASS);
    await ent.getByTestId('sign-submit').click();
    await committed(ent);
    await ent.getByTestId('filing-version').waitFor();
    await shot(ent, '22-enterprise-filing');
    const filing = await p.node('service').view().get<{ profile: { registeredCapitalFen: string; personal: { sealed: number } }; materials: unknown[] }>(`filing/${CODE}`);
    assert.equal(filing?.profile.registeredCapitalFen, '123456789', '1,234,567.89 元 is exactly 123456789 分');
    assert.equal(filing?.materials.length, 1);
    assert.ok(!JSON.stringify(filing).includes('营业执照.pdf'), 'the file name is sealed with the contacts');
    assert.equal((filing?.profile as { employees?: number }).employees, undefined, 'and so is the headcount');
    // the browser sealed the contacts: ciphertext on the ledger, plaintext only where it may be read
    assert.equal(filing?.profile.personal.sealed, 1);
    assert.ok(!JSON.stringify(filing).includes('13800138000'));
    const readModel = async (dept: string) => JSON.stringify(await p.node(dept).db('ap_filings').where({ code: CODE }).first());
    assert.match(await readModel('service'), /13800138000/);
    assert.doesNotMatch(await readModel('tax'), /13800138000/);
    assert.match(await readModel('service'), /营业执照\.pdf/);
    assert.doesNotMatch(await readModel('tax'), /营业执照\.pdf/);
  });

  test('申请审批: the enterprise applies, reusing its filing, and follows it in 我的申请', async () => {
    await ent.goto(`${base}/service/apply`);
    await ent.getByTestId('apply-reuse').waitFor();
    await ent.getByTestId('process-foodLicence').click();
    await ent.getByTestId('p-name').fill('瑞丰餐饮滨江大道门店');
    await ent.getByTestId('p-investment').fill('800000');
    await ent.getByTestId('sign-pass').fill(PASS);
    await ent.getByTestId('sign-submit').click();
    await committed(ent);
    await shot(ent, '23-enterprise-apply');
    await ent.getByTestId('to-my-applications').click();
    await ent.getByTestId('app-timeline').first().waitFor();
    appId = (await ent.locator('[data-testid^="app-AP-"]').first().getAttribute('data-testid'))!.slice(4);
    assert.match(appId, /^AP-\d+-\d+$/);
    assert.match(await ent.getByTestId('my-applications').innerText(), /食品经营许可[\s\S]*办理中/);
    await shot(ent, '24-enterprise-my-applications');
  });

  test('审批: the approver finds it in the inbox, pulls the dossier with a purpose, and approves', async () => {
    await signIn(staff, base, 'market', 'approver1');
    await shot(staff, '25-approver-dashboard');
    await staff.goto(`${base}/market/worklist`);
    await staff.getByTestId('worklist').waitFor();
    await staff.getByTestId(`work-${appId}`).waitFor();
    await shot(staff, '26-approver-worklist');
    await staff.getByTestId(`work-${appId}`).click();
    await staff.getByTestId('app-timeline').waitFor();

    await staff.getByTestId('dossier-purpose').fill('');
    await staff.getByTestId('dossier-fetch').click();
    await staff.getByText('请说明调取事由').waitFor();
    await staff.getByTestId('dossier-purpose').fill('食品经营许可审查信用核查');
    await staff.getByTestId('dossier-fetch').click();
    await staff.getByTestId('dossier').waitFor();
    await staff.getByTestId('credit-chart').locator('canvas').waitFor();
    assert.match(await staff.getByTestId('dossier').innerText(), /本次调取已记录上链/);

    await staff.getByTestId('opinion').fill('材料齐全，符合法定条件，准予许可。');
    await staff.getByTestId('decide-submit').click();
    await committed(staff.getByTestId('decision-card'));
    await shot(staff, '27-approver-decided');
    const app = await p.node('market').view().get<{ status: string; stages: { decisions: { opinion: string }[] }[] }>(`app/${appId}`);
    assert.equal(app?.status, 'approved');
    const view = await p.node('market').db('ap_dossier_views').where({ code: CODE, purpose: '食品经营许可审查信用核查' }).first();
    assert.ok(view, 'the dossier look is on the chain with its purpose');
  });

  test('审管执: an inspector\'s major finding opens a case; the enforcement officer fines it in 元 and closes it', async () => {
    await signIn(staff, base, 'market', 'inspector1');
    await staff.goto(`${base}/market/inspections`);
    await staff.getByTestId('adhoc-code').fill(CODE);
    await staff.getByTestId('adhoc-subject').fill('食品经营许可证后日常监督检查');
    await staff.getByTestId('adhoc-result-rectify').click();
    await staff.getByTestId('finding-add').click();
    await pick(staff, 'finding-severity-0', '较重');
    await staff.getByTestId('finding-category-0').fill('食品安全');
    await staff.getByTestId('finding-description-0').fill('使用超过保质期的食品原料');
    await staff.getByTestId('adhoc-submit').click();
    await committed(staff);
    const opened = staff.getByTestId('cases-opened').locator('a').first();
    await opened.waitFor();
    caseId = (await opened.innerText()).trim();
    assert.match(caseId, /^CS-\d+-\d+-1$/);
    await shot(staff, '28-inspector-finding');

    await signIn(staff, base, 'enforcement', 'enforcer1');
    await staff.goto(`${base}/enforcement/cases`);
    await staff.getByTestId(`case-${caseId}`).click();
    await staff.getByTestId('case-detail').waitFor();
    await staff.getByTestId('case-penalty-yuan').fill('5000.5');
    await staff.getByText('= 500050 分').waitFor();
    await staff.getByTestId('case-basis').fill('《中华人民共和国食品安全法》第一百二十四条');
    await staff.getByTestId('case-opinion').fill('责令改正，并处罚款。');
    await staff.getByTestId('case-decide').click();
    await committed(staff);
    assert.match(await staff.getByTestId('case-penalty').innerText(), /¥5,000\.50/);
    await shot(staff, '29-enforcer-decided');
    await staff.getByTestId('case-close').click();
    await staff.getByTestId('case-status').filter({ hasText: '已结案' }).waitFor();
    const c = await p.node('enforcement').view().get<{ status: string; decision: { penaltyFen: string } }>(`case/${caseId}`);
    assert.deepEqual([c?.status, c?.decision.penaltyFen], ['closed', '500050']);

    await staff.goto(`${base}/enforcement/loop?code=${CODE}`);
    await staff.getByTestId('dossier-fetch').click();
    await staff.getByTestId('loop').waitFor();
    await staff.getByTestId('loop-score').waitFor();
    assert.match(await staff.getByTestId('loop').innerText(), new RegExp(`${appId}[\\s\\S]*${caseId}`));
    await shot(staff, '30-loop');
  });

  test('审计: the auditor traces the enterprise across departments and opens one operation', async () => {
    await signIn(staff, base, 'audit', 'auditor1');
    await staff.goto(`${base}/audit/trace`);
    await staff.getByTestId('trace-input').fill(CODE);
    await staff.getByTestId('trace-search').click();
    // the look is recorded on the chain with its purpose, asked for once in this session
    await staff.locator('.purpose-dialog input').fill('年度专项审计：工程建设审批');
    await staff.locator('.purpose-dialog .el-button--primary').click();
    await staff.getByTestId('op-enterprise.register').waitFor();
    assert.match(await staff.getByTestId('audit-purpose').innerText(), /年度专项审计/);
    const text = await staff.getByTestId('trace').innerText();
    for (const kind of ['enterprise.register', 'filing.submit', 'approval.apply', 'dossier.view', 'approval.decide', 'inspection.record', 'case.decide', 'case.close']) assert.match(text, new RegExp(kind.replace('.', '\\.')));
    assert.match(text, /政务服务中心[\s\S]*clerk1/);
    await shot(staff, '31-audit-trace');
    await staff.getByTestId('op-filing.submit').locator('a').first().click();
    await staff.getByTestId('op-changes').waitFor();
    assert.match(await staff.getByTestId('op-changes').innerText(), new RegExp(`filing/${CODE}`));
    await shot(staff, '32-audit-operation');
    await staff.goto(`${base}/audit/agreement`);
    await staff.getByTestId('agreement').waitFor();
    await shot(staff, '33-audit-agreement');
  });

  test('一键调取: an answer the chain verified by zero-knowledge proof is marked 已由证明验证', async () => {
    // The demo's privacy queries are answered by the holders in the background; the marking is
    // what is checked here, so the dossier's answers come from the route below.
    const answer = (verified: boolean, field: string) => ({
      query: `PQ-1-${field.length}`, question: `${field}: 上年度纳税额不低于100万元`, field, holder: 'tax', requester: 'housing', purpose: '工程建设审批资质核验',
      answer: true, verified, answerTx: null, answeredAt: Date.now(), ref: `pq/query/PQ-1-${field.length}`,
    });
    await staff.goto(`${base}/audit/applications/${appId}`);
    await staff.route('**/audit/api/approval/dossier/**', async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, json: { ...(await res.json()), privacyAnswers: [answer(true, 'tax.paid'), answer(false, 'hrss.insured')] } });
    });
    await staff.getByTestId('dossier-fetch').click();
    const privacy = staff.getByTestId('dossier-privacy');
    await privacy.waitFor();
    assert.equal(await privacy.getByTestId('proof-verified').count(), 1);
    assert.match(await privacy.innerText(), /已由证明验证[\s\S]*未经证明/);
    await staff.unroute('**/audit/api/approval/dossier/**');
    await shot(staff, '34a-audit-dossier-privacy');
  });

  test('篡改检测: the replay passes, then names the row the test altered in the audit node\'s database', async () => {
    await staff.goto(`${base}/audit/tamper`);
    await staff.getByTestId('verify-start').click();
    await staff.getByTestId('verify-ok').waitFor({ timeout: 30_000 });
    await shot(staff, '34-audit-verify-ok');

    const db = p.node('audit').db;
    const row = await db('state_history').where({ k: `filing/${CODE}` }).orderBy('id').first();
    await db('state_history').where({ id: row.id }).update({ new_v: row.new_v.replace('"123456789"', '"1234567890"') });
    await staff.getByTestId('verify-start').click();
    await staff.getByTestId('verify-mismatch').waitFor({ timeout: 30_000 });
    assert.equal(await staff.getByTestId('mismatch-field').innerText(), `history[filing/${CODE}]`);
    assert.match(await staff.getByTestId('verify-mismatch').innerText(), new RegExp(`#${row.height}`));
    assert.match(await staff.getByTestId('mismatch-actual').innerText(), /"registeredCapitalFen\\?":\\?"1234567890/);
    await shot(staff, '35-audit-verify-mismatch');
  });

  test('治理: an administrator proposes new credit weights and another department\'s administrator approves', async () => {
    await signIn(staff, base, 'market', 'admin');
    await shot(staff, '36-admin-dashboard');
    await staff.goto(`${base}/market/governance`);
    await staff.getByTestId('propose-form').waitFor();
    await staff.getByTestId('w-sum').filter({ hasText: '10000 / 10000' }).waitFor();
    const set = async (id: string, v: string) => {
      const i = staff.getByTestId(id).locator('input');
      await i.fill(v);
      await i.blur();
    };
    await set('w-enforcement', '2500');
    await staff.getByTestId('w-sum').filter({ hasText: '10500' }).waitFor();
    assert.equal(await staff.getByTestId('propose-submit').isDisabled(), true, 'weights that do not sum to 10000 cannot be proposed');
    await set('w-subsidy', '500');
    await staff.getByTestId('w-sum').filter({ hasText: '10000 / 10000' }).waitFor();
    await staff.getByTestId('propose-note').fill('加大行政执法维度权重');
    await staff.getByTestId('propose-submit').click();
    await committed(staff.getByTestId('propose-form'));
    const item = staff.locator('[data-testid^="proposal-"]').filter({ hasText: '加大行政执法维度权重' }).first();
    await item.waitFor();
    proposalId = (await item.getAttribute('data-testid'))!.slice('proposal-'.length);
    assert.match(await staff.getByTestId(`proposal-count-${proposalId}`).innerText(), /1 \/ 7/);
    await shot(staff, '37-admin-proposed');

    await signIn(staff, base, 'tax', 'admin');
    await staff.goto(`${base}/tax/governance`);
    await staff.getByTestId(`approve-${proposalId}`).click();
    await committed(staff.getByTestId(`proposal-${proposalId}`));
    await staff.getByTestId(`proposal-count-${proposalId}`).filter({ hasText: '2 / 7' }).waitFor();
    await shot(staff, '38-admin-approved');
    const stored = await p.node('tax').view().get<{ approvals: string[]; status: string }>(`gov/proposal/${proposalId}`);
    assert.deepEqual([stored?.approvals, stored?.status], [['market', 'tax'], 'open']);
  });

  test('管理员: members with node keys, staff (disabling ends the sessions), health, and the approval charts', async () => {
    await staff.goto(`${base}/tax/members`);
    // The table renders before its rows arrive; wait for this node's key to appear in it.
    await staff.getByTestId('member-list').filter({ hasText: p.node('tax').publicKey }).waitFor();
    assert.match(await staff.getByTestId('member-list').innerText(), new RegExp(p.node('tax').publicKey));
    await shot(staff, '39-admin-members');

    await staff.goto(`${base}/tax/users`);
    await staff.getByTestId('u-id').fill('e2eclerk');
    await staff.getByTestId('u-name').fill('测试窗口');
    await pick(staff, 'u-role', '窗口受理人员');
    await staff.getByTestId('u-password').fill('first-password-1');
    await staff.getByTestId('u-submit').click();
    await staff.getByTestId('user-status-e2eclerk').filter({ hasText: '正常' }).waitFor();
    // The new clerk signs in elsewhere; disabling them ends that session.
    const other = await browser.newContext();
    const login = await other.request.post(`${base}/tax/api/auth/login`, { data: { user: 'e2eclerk', password: 'first-password-1' } });
    assert.equal(login.status(), 200);
    await staff.getByTestId('disable-e2eclerk').click();
    await staff.locator('.el-message-box').getByRole('button', { name: '停用' }).click();
    await staff.getByTestId('sessions-ended').waitFor();
    await staff.getByTestId('user-status-e2eclerk').filter({ hasText: '已停用' }).waitFor();
    assert.equal((await other.request.get(`${base}/tax/api/auth/me`)).status(), 401);
    await other.close();
    await shot(staff, '40-admin-users');

    await staff.goto(`${base}/tax/health`);
    await staff.getByTestId('block-chart').locator('canvas').waitFor();
    await shot(staff, '41-admin-health');
    await staff.goto(`${base}/tax/stats`);
    for (const c of ['throughput-chart', 'overdue-chart', 'grade-chart']) await staff.getByTestId(c).locator('canvas').waitFor();
    await shot(staff, '42-stats');
  });
});
