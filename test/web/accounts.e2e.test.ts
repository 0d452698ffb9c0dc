import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { UserRecord } from '../../server/chain/identity.ts';
import type { Platform } from '../../server/platform.ts';
import { startTestPlatform, TEST_PASSWORD } from '../support/platform.ts';
import { launchChromium, needBuiltPortal, noChromium, portalPage, shot, shotsOnFailure, signIn } from './browser.ts';

const NEW_PASSWORD = 'Harbour-lantern-blue-42';

/**
 * 人员管理 and 修改口令 in Chromium: the administrator changes a colleague's role and resets their
 * password (the one-time password shown once); the colleague signs in with it and can do nothing
 * but change it; a wrong current password is refused in the reader's language.
 */
describe('staff accounts in a browser', { skip: noChromium }, () => {
  let p: Platform;
  let base: string;
  let browser: Browser;
  let admin: Page;
  let colleague: Page;

  before(async () => {
    needBuiltPortal();
    p = await startTestPlatform({ depts: ['market', 'tax'], portal: true });
    base = `http://127.0.0.1:${((await p.listen(0)).address() as AddressInfo).port}`;
    browser = await launchChromium();
    admin = await portalPage(browser);
    colleague = await portalPage(browser);
  });
  afterEach((t) => shotsOnFailure(t, { 'accounts-admin': admin, 'accounts-colleague': colleague }));
  after(async () => {
    await browser?.close();
    await p?.stop();
  });

  const confirm = (page: Page, button: string) => page.locator('.el-message-box').getByRole('button', { name: button }).click();

  test('the administrator changes a role after a confirmation naming the person; the auditor role is not offered outside audit', async () => {
    await signIn(admin, base, 'market', 'admin');
    await admin.goto(`${base}/market/users`);
    await admin.getByTestId('role-inspector1').click();
    await admin.getByTestId('new-role').click();
    assert.equal(await admin.locator('.el-select-dropdown__item:visible', { hasText: '审计人员' }).first().getAttribute('aria-disabled'), 'true');
    await admin.locator('.el-select-dropdown__item:visible', { hasText: '审批人员' }).first().click();
    await admin.getByTestId('role-submit').click();
    const box = admin.locator('.el-message-box');
    await box.waitFor();
    assert.match(await box.innerText(), /李监管（inspector1）|李监管\(inspector1\)|李监管.*inspector1/);
    await confirm(admin, '调整角色');
    await admin.getByTestId('user-list').filter({ hasText: /李监管[\s\S]*审批人员/ }).waitFor();
    assert.equal((await p.node('market').view().get<UserRecord>('user/market/inspector1'))!.role, 'approver');
    await shot(admin, 'accounts-01-role-changed');
  });

  test('a reset shows a one-time password once; signed in with it, the colleague can only change it', async () => {
    await admin.getByTestId('reset-holder1').click();
    await confirm(admin, '重置口令');
    const otp = (await admin.getByTestId('one-time-password').innerText()).trim();
    assert.match(otp, /^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
    await shot(admin, 'accounts-02-one-time-password');
    await admin.getByTestId('otp-close').click();
    await admin.getByTestId('must-change-holder1').waitFor();
    await admin.getByTestId('account-events').filter({ hasText: '管理员重置口令' }).waitFor();

    await colleague.goto(`${base}/market/login`);
    await colleague.getByTestId('login-user').fill('holder1');
    await colleague.getByTestId('login-password').fill(otp);
    await colleague.getByTestId('login-submit').click();
    await colleague.getByTestId('must-change').waitFor();
    assert.match(colleague.url(), /\/market\/account\/password$/);
    await colleague.goto(`${base}/market/blocks`);
    await colleague.getByTestId('must-change').waitFor();
    assert.match(colleague.url(), /\/market\/account\/password$/, 'every other page leads back here');

    await colleague.getByTestId('pw-current').fill(otp);
    await colleague.getByTestId('pw-next').fill('short');
    await colleague.getByText('口令至少 12 位').waitFor();
    assert.equal(await colleague.getByTestId('pw-submit').isDisabled(), true);
    await colleague.getByTestId('pw-next').fill(NEW_PASSWORD);
    await colleague.getByTestId('pw-repeat').fill(NEW_PASSWORD);
    await colleague.getByTestId('pw-submit').click();
    await colleague.getByTestId('role-intro').waitFor();
    await colleague.goto(`${base}/market/blocks`);
    assert.match(colleague.url(), /\/market\/blocks$/, 'the session is free once the password is changed');
    assert.equal((await p.auths.get('market')!.accountEvents.list({ target: 'holder1' }))[0].action, 'password.change');
  });

  test('修改口令 from the header: a wrong current password is refused in Chinese, the right one changes it', async () => {
    await signIn(colleague, base, 'market', 'approver1');
    await colleague.getByTestId('account-password').click();
    await colleague.getByTestId('pw-current').fill('not-the-password-1');
    await colleague.getByTestId('pw-next').fill(NEW_PASSWORD);
    await colleague.getByTestId('pw-repeat').fill(NEW_PASSWORD);
    await colleague.getByTestId('pw-submit').click();
    const err = colleague.getByTestId('error');
    await err.waitFor();
    assert.match(await err.innerText(), /当前口令不正确/);
    assert.match(await err.innerText(), /WRONG_CURRENT_PASSWORD/);
    await shot(colleague, 'accounts-03-wrong-current');
    await colleague.getByTestId('pw-current').fill(TEST_PASSWORD);
    await colleague.getByTestId('pw-submit').click();
    await colleague.getByTestId('pw-done').waitFor();
    const res = await colleague.context().request.post(`${base}/market/api/auth/login`, { data: { user: 'approver1', password: NEW_PASSWORD } });
    assert.equal(res.status(), 200);
  });
});
