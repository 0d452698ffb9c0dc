import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Platform } from '../../server/platform.ts';
import { startTestPlatform, TEST_PASSWORD } from '../support/platform.ts';
import { launchChromium, needBuiltPortal, noChromium, portalPage, shot, signIn } from './browser.ts';

/**
 * The portal in a real browser (Debian's Chromium) against an in-process platform: sign in as
 * an approver, read the dashboard, walk the explorer, switch language, sign out. The test
 * runner builds web/dist first (`npm run build:web`); screenshots land in test-artifacts/.
 */
describe('department portal in a browser', { skip: noChromium }, () => {
  let p: Platform;
  let base: string;
  let browser: Browser;
  let page: Page;
  const market = () => p.node('market');
  /** the block holding e2e2's registration: other departments' automation may add blocks after it */
  let e2e2Height = 0;
  let e2e2Tx = '';
  const addUser = (id: string) => market().submitAs('admin', 'user.register', { id, name: `测试${id}`, role: 'clerk' }, 'receipt');
  /** Waits until a number shown on the page reaches `min` (pushed by the live stream, not a reload). */
  async function shownAtLeast(testId: string, min: number): Promise<number> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const n = Number((await page.getByTestId(testId).innerText()).replace(/\D/g, ''));
      if (n >= min) return n;
      if (Date.now() > deadline) assert.fail(`${testId} shows ${n}, expected at least ${min}`);
      await page.waitForTimeout(50);
    }
  }

  before(async () => {
    needBuiltPortal();
    p = await startTestPlatform({ portal: true });
    base = `http://127.0.0.1:${((await p.listen(0)).address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await portalPage(browser);
  });
  after(async () => {
    await browser?.close();
    await p?.stop();
  });

  test('the root offers every department', async () => {
    await page.goto(base + '/');
    await page.getByTestId('dept-market').waitFor();
    assert.equal(await page.locator('[data-testid^="dept-"]').count(), 9);
    assert.match(await page.getByTestId('dept-market').innerText(), /市场监督管理局/);
    await shot(page, '01-chooser');
  });

  test('first load of a department portal is under 2 s and lands on the login page', async () => {
    const t0 = Date.now();
    await page.goto(base + '/market/');
    await page.getByTestId('login-submit').waitFor();
    const ms = Date.now() - t0;
    console.log(`first load to a usable login form: ${ms} ms`);
    assert.ok(ms < 2000, `took ${ms} ms`);
    assert.match(page.url(), /\/market\/login$/);
    assert.equal(await page.getByTestId('dept-name').innerText(), '市场监督管理局');
  });

  test('a wrong password shows the server message', async () => {
    await page.getByTestId('login-user').fill('approver1');
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    const err = page.getByTestId('error');
    await err.waitFor();
    assert.match(await err.innerText(), /用户名或密码错误/);
    assert.match(await err.innerText(), /BAD_CREDENTIALS/);
    await shot(page, '02-login-error');
  });

  test('approver1 signs in and lands on their own work; the header follows new blocks live', async () => {
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('role-intro').waitFor();
    assert.match(await page.getByTestId('user').innerText(), /王审批\s*审批人员/);
    assert.match(await page.getByTestId('work-item-stagesOpen').innerText(), /待审批环节\s*\d+/);
    assert.equal(await page.getByTestId('height').count(), 0, 'no chain statistics on an approver\'s home');
    assert.equal(await shownAtLeast('live', market().height), market().height);

    // The menu follows the role: an approver has no enterprise key page, and the chain's pages are not in it.
    const menu = await page.getByTestId('side-menu').innerText();
    assert.match(menu, /首页/);
    assert.doesNotMatch(menu, /企业密钥|区块浏览器|节点状态/);

    // New blocks arrive over the live stream without a reload.
    await page.getByTestId('live').filter({ hasText: '实时' }).waitFor();
    await addUser('e2e1');
    const e2e2 = await addUser('e2e2');
    e2e2Height = e2e2.receipt!.height;
    e2e2Tx = e2e2.id;
    await shownAtLeast('live', market().height);
    await shot(page, '03-dashboard', true);
  });

  test('the explorer lists blocks, opens one and its transaction (the envelope only, without a basis to read it)', async () => {
    // Not in an approver's menu, but open to staff by its address (a transaction's link leads there).
    await page.goto(base + '/market/blocks');
    const top = market().height;
    await page.getByTestId(`block-link-${top}`).waitFor();
    await shot(page, '04-blocks');
    // Paged by the server: genesis is on the last page.
    await page.locator('.el-pagination .number').last().click();
    await page.getByTestId('block-link-0').waitFor();
    assert.match(page.url(), /\?page=\d+$/);
    await page.locator('.el-pagination .number').first().click();
    await page.getByTestId(`block-link-${e2e2Height}`).click();
    await page.getByTestId('block-detail').waitFor();
    assert.match(page.url(), new RegExp(`/market/blocks/${e2e2Height}$`));
    await shot(page, '05-block');
    await page.getByTestId('tx-list').locator(`a[href$="${e2e2Tx}"]`).click();
    await page.getByTestId('tx-detail').waitFor();
    assert.match(await page.getByTestId('tx-detail').innerText(), /user\.register/);
    // the administrator signed it: an approver of the department sees that it happened, not its content
    assert.match(await page.getByTestId('tx-detail').innerText(), /市场监督管理局/);
    assert.match(await page.getByTestId('tx-redacted').innerText(), /无权查看内容/);
    assert.equal(await page.getByTestId('tx-changes').count(), 0);
    await page.getByTestId('tx-outcome').filter({ hasText: '已最终确认' }).waitFor();
    await shot(page, '06-tx');
    // The search box finds a transaction by its id (a block hash would match first).
    const txUrl = page.url();
    await page.goto(base + '/market/blocks');
    await page.getByTestId('explorer-search').fill(txUrl.split('/').pop()!);
    await page.getByTestId('explorer-search').press('Enter');
    await page.waitForURL(txUrl);
  });

  test('node status shows every member; a halted status raises the alarm banner', async () => {
    await page.goto(base + '/market/status');
    await page.getByTestId('members').waitFor();
    assert.match(await page.getByTestId('members').innerText(), /税务局/);
    await shot(page, '07-status');

    // A real halt needs a forked ledger; the banner only reads the status, so feed it one.
    await page.route('**/market/api/chain/status', async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, json: { ...(await res.json()), halted: { height: 3, ours: 'a'.repeat(64), quorum: 'b'.repeat(64) } } });
    });
    await page.reload();
    await page.getByTestId('alarm').waitFor();
    assert.match(await page.getByTestId('alarm').innerText(), /本节点与联盟不一致/);
    await shot(page, '08-status-halted');
    await page.unroute('**/market/api/chain/status');
    await page.reload();
    await page.getByTestId('members').waitFor();
  });

  test('switching to English changes the whole page', async () => {
    await page.getByTestId('menu-home').click();
    await page.getByTestId('lang').click();
    await page.getByTestId('lang-en').click();
    await page.getByTestId('dept-name').filter({ hasText: 'Market Regulation' }).waitFor();
    assert.match(await page.getByTestId('side-menu').innerText(), /Home/);
    assert.match(await page.getByTestId('work-todo').innerText(), /To do[\s\S]*Stages awaiting approval/);
    assert.match(await page.getByTestId('logout').innerText(), /Sign out/);
    await shot(page, '09-dashboard-en');
  });

  test('signing out ends the session on the server', async () => {
    await page.getByTestId('logout').click();
    await page.getByTestId('login-submit').waitFor();
    const me = await page.evaluate(() => fetch('/market/api/auth/me').then((r) => r.status));
    assert.equal(me, 401);
    await page.goto(base + '/market/blocks');
    await page.getByTestId('login-submit').waitFor();
    assert.match(page.url(), /\/market\/login\?redirect=/);
    await shot(page, '10-login-en');
  });

  test('enterprise tab: a key made in the browser signs the challenge; an unregistered key is told so', async () => {
    await page.getByRole('tab', { name: 'Enterprise key' }).click();
    await page.getByTestId('key-label').fill('91310000MA1FL8XQ3K');
    await page.getByTestId('key-pass').fill('correct horse battery');
    await page.getByTestId('key-pass2').fill('correct horse battery');
    await page.getByTestId('key-generate').click();
    await page.getByTestId('ent-login').waitFor();
    await page.getByTestId('ent-pass').fill('correct horse battery');
    await page.getByTestId('ent-login').click();
    const err = page.getByTestId('error');
    await err.waitFor();
    assert.match(await err.innerText(), /not registered to an enterprise/);
    await shot(page, '11-enterprise-login');
  });

  test('an administrator\'s home adds the chain: heights, the lag chart, members; the chain pages are in the menu', async () => {
    await signIn(page, base, 'market', 'admin');
    await page.getByTestId('work-item-proposalsOpen').waitFor();
    await shownAtLeast('height', market().height);
    await shownAtLeast('final-height', market().height - 1);
    await page.getByTestId('lag-chart').locator('canvas').waitFor();
    assert.match(await page.getByTestId('members').innerText(), /Tax Bureau/);
    assert.match(await page.getByTestId('side-menu').innerText(), /Block explorer[\s\S]*Node status/);
    await shot(page, '12-admin-home-en');
  });
});
