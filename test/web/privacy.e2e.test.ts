import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Module } from '../../server/chain/module.ts';
import { createModules } from '../../server/modules.ts';
import type { Platform } from '../../server/platform.ts';
import { adoptVerificationKeys, decideTogether } from '../../server/privacy-query/bootstrap.ts';
import { commitFigures } from '../../server/privacy-query/holder/figures.ts';
import { PRIVATE_TABLE } from '../../server/privacy-query/holder/privateValues.ts';
import { registerEnterprise, type TestEnterprise } from '../approval/support.ts';
import { testPrivacyRules } from '../privacy/support.ts';
import { login, startTestPlatform } from '../support/platform.ts';
import { committed, launchChromium, needBuiltPortal, noChromium, pick, portalPage, shot, shotsOnFailure, signIn } from './browser.ts';

/**
 * 智能隐私问询 in a real browser (Debian's Chromium) with real zero-knowledge answers: the tax
 * office's data holder loads a file of figures (a bad file first: its rows are named and nothing
 * is loaded) and declines a question put to it with a reason; a housing approver finds an
 * enterprise by name, asks the question a statute allows and sees the answer verified by its proof,
 * then verified again on its own node. Screenshots land in test-artifacts/screenshots/privacy-*.png.
 */
describe('privacy-query pages in a browser', { skip: noChromium }, () => {
  // The holders' nodes answer by themselves; off until the holder has declined, so that question stays open for it.
  let answering = false;
  let p: Platform;
  let base: string;
  let browser: Browser;
  let holder: Page;
  let asker: Page;
  let A: TestEnterprise;
  let B: TestEnterprise;

  afterEach((t) => shotsOnFailure(t, { 'privacy-fail-holder': holder, 'privacy-fail-asker': asker }));

  before(async () => {
    needBuiltPortal();
    const modules = (): Module[] => {
      const ms = createModules();
      const privacy = ms.find((m) => m.name === 'privacy')!;
      const own = privacy.afterBlock!;
      privacy.afterBlock = (block, node) => (answering ? own(block, node) : Promise.resolve());
      return ms;
    };
    p = await startTestPlatform({ portal: true, modules });
    await adoptVerificationKeys(p.nodes);
    // statutes with the questions named and no open case required (test/privacy/support.ts)
    await decideTogether(p.nodes, 'privacy.setRules', testPrivacyRules());
    base = `http://127.0.0.1:${((await p.listen(0)).address() as AddressInfo).port}`;
    const clerk = await login(p, 'service', 'clerk1');
    A = await registerEnterprise(p, clerk, 9101, '滨江隐私测试甲科技有限公司');
    B = await registerEnterprise(p, clerk, 9102, '滨江隐私测试乙建材有限公司');
    browser = await launchChromium();
    holder = await portalPage(browser);
    asker = await portalPage(browser);
  });
  after(async () => {
    await browser?.close();
    await p?.stop();
  });

  const privateRows = async () => Number((await p.node('tax').db(PRIVATE_TABLE).count({ n: '*' }))[0].n);
  const csv = (lines: string[]) => ({ name: 'tax-2025.csv', mimeType: 'text/csv', buffer: Buffer.from(`统一社会信用代码,纳税额(分)\n${lines.join('\n')}\n`) });

  test('数据持有: a file with a bad row is refused row by row; a good one loads and is counted', async () => {
    const before = await privateRows();
    await signIn(holder, base, 'tax', 'holder1');
    await holder.getByTestId('side-menu').getByText('隐私问询', { exact: true }).click();
    await holder.getByTestId('side-menu').getByText('数据持有').click();
    await holder.getByTestId('figure-period').fill('2025');
    await holder.getByTestId('figure-file').setInputFiles(csv([`${A.code},150000000`, '91330106MA00000000,5', `${B.code},12.5`]));
    const problems = holder.getByTestId('figure-problems');
    await problems.waitFor();
    const said = await problems.innerText();
    assert.match(said, /2 行有误/);
    assert.match(said, /行 2: 统一社会信用代码无效/);
    assert.match(said, /行 3: 数值须为非负整数/);
    assert.equal(await holder.getByTestId('figure-submit').isDisabled(), true);
    assert.equal(await privateRows(), before);
    await shot(holder, 'privacy-holder-bad-file');

    await holder.getByTestId('figure-file').setInputFiles(csv([`${A.code},150000000`, `${B.code},"1,200"`]));
    await holder.getByTestId('figure-preview').getByText(B.code).waitFor();
    assert.equal(await problems.count(), 0);
    await holder.getByTestId('figure-submit').click();
    await holder.getByTestId('figure-done').waitFor();
    assert.match(await holder.getByTestId('figure-done').innerText(), /2 行写入承诺/);
    await holder.getByTestId('figure-counts').getByText('年度纳税额').waitFor();
    assert.match(await holder.getByTestId('figure-counts').innerText(), /年度纳税额\s+2025\s+\d+/);
    assert.equal(await privateRows(), before + 2);
    await shot(holder, 'privacy-holder-figures');
  });

  test('收到的查询: the holder sees who asked what about whom, and declines with a reason', async () => {
    const auditor = await login(p, 'audit', 'auditor1');
    const asked = await auditor.post('/audit/api/privacy/queries', { enterprise: A.code, field: 'tax.paid', period: '2025', predicate: { kind: 'gte', params: { threshold: '1' } }, purpose: '专项审计:纳税核查', basis: { type: 'statute', rule: 'audit-tax' } }).expect(201);
    await holder.goto(`${base}/tax/`);
    await holder.getByTestId('my-work').getByText('待答复的隐私问询').click();
    await holder.waitForURL(/privacy-questions\?status=open/);
    const list = holder.getByTestId('question-list');
    const row = list.locator('tr', { hasText: A.name });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /审计局/);
    assert.match(text, /2025 年度纳税额 不低于 ¥0\.01/);
    assert.match(text, /《审计法》第三十四条/);
    assert.match(text, /待答复/);
    await row.getByTestId('decline').click();
    await holder.getByTestId('decline-submit').waitFor();
    assert.equal(await holder.getByTestId('decline-submit').isDisabled(), true, 'no decline without a reason');
    await holder.getByTestId('decline-reason').fill('该期间数据正在更正,暂不作答');
    await holder.getByTestId('decline-submit').click();
    await committed(holder);
    await holder.goto(`${base}/tax/privacy-questions?status=declined`);
    await list.locator('tr', { hasText: '该期间数据正在更正' }).waitFor();
    const q = (await auditor.get(`/audit/api/privacy/queries/${asked.body.id}`).expect(200)).body;
    assert.equal(q.status, 'declined');
    assert.equal(q.declineReason, '该期间数据正在更正,暂不作答');
    await shot(holder, 'privacy-holder-declined');
  });

  test('隐私查询: an approver finds the enterprise by name, asks what the statute allows, and sees a verified 是', async () => {
    answering = true;
    await commitFigures(p.node('market').modulePort(), 'holder1', { field: 'market.licence', period: '2026', rows: [{ enterprise: B.code, value: { validFrom: '20200101', validTo: '20301231' } }] });
    await signIn(asker, base, 'housing', 'approver1');
    await asker.getByTestId('side-menu').getByText('隐私问询', { exact: true }).click();
    await asker.getByTestId('side-menu').getByText('隐私查询').click();
    await asker.getByTestId('ask-enterprise').click();
    await asker.keyboard.type('乙建材');
    await asker.locator('.el-select-dropdown__item:visible', { hasText: B.code }).click();
    await asker.keyboard.press('Escape');
    await asker.getByTestId('ask-basis').getByText('法规条款').click();
    await pick(asker, 'ask-rule', '优化营商环境条例');
    await asker.getByTestId('ask-period').fill('2026');
    await asker.getByTestId('ask-purpose').fill('工程建设审批:营业执照核验');
    const panel = asker.getByTestId('privacy-ask');
    await panel.getByText('营业执照有效期 在 20261201 有效').waitFor();
    assert.equal(await panel.getByTestId('privacy-ask-button').count(), 1, 'only the question the statute names');
    await panel.getByTestId('privacy-ask-button').click();
    const card = asker.getByTestId('answer-card');
    await card.getByTestId('answer').waitFor({ timeout: 60_000 });
    assert.equal(await card.getByTestId('answer').innerText(), '是');
    await card.getByText('已由零知识证明验证').waitFor({ timeout: 30_000 });
    await card.getByTestId('reverify').click();
    await card.getByTestId('reverified').getByText('证明有效').waitFor();
    const mine = asker.getByTestId('question-list').locator('tr', { hasText: B.name });
    await mine.waitFor();
    assert.match(await mine.innerText(), /《优化营商环境条例》第十九条[\s\S]*市场监督管理局[\s\S]*已答复[\s\S]*是/);
    assert.doesNotMatch(await mine.innerText(), /approver1|housing/);
    await shot(asker, 'privacy-ask-answered');
  });
});
