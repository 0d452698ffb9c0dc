import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Platform } from '../../server/platform.ts';
import { startTestPlatform, TEST_PASSWORD } from '../support/platform.ts';
import { launchChromium, needBuiltPortal, noChromium, pick, portalPage, shotsOnFailure, signIn } from './browser.ts';

/**
 * Two tabs of one browser (one context: one cookie jar, a sessionStorage each): a save in the
 * second tab, signing out there, and signing in again in the first.
 */
describe('one session in two tabs of a browser', { skip: noChromium }, () => {
  let p: Platform;
  let base: string;
  let browser: Browser;
  let first: Page;
  let second: Page;

  before(async () => {
    needBuiltPortal();
    p = await startTestPlatform({ depts: ['market', 'tax'], portal: true });
    base = `http://127.0.0.1:${((await p.listen(0)).address() as AddressInfo).port}`;
    browser = await launchChromium();
    first = await portalPage(browser);
    await signIn(first, base, 'market', 'admin');
    second = await first.context().newPage();
    second.setDefaultTimeout(20_000);
  });
  afterEach((t) => shotsOnFailure(t, { 'tabs-first': first, 'tabs-second': second }));
  after(async () => {
    await browser?.close();
    await p?.stop();
  });

  test('a tab opened beside a signed-in one saves, and shows the password policy', async () => {
    await second.goto(`${base}/market/users`);
    assert.match(await second.getByTestId('password-policy').innerText(), /至少 12 位/);
    await second.getByTestId('u-id').fill('tabclerk');
    await second.getByTestId('u-name').fill('第二窗口');
    await pick(second, 'u-role', '窗口受理人员');
    await second.getByTestId('u-password').fill('second-tab-pass-1');
    await second.getByTestId('u-submit').click();
    await second.getByTestId('user-status-tabclerk').filter({ hasText: '正常' }).waitFor();
  });

  test('after a new sign-in in the other tab, the first tab’s save still goes through', async () => {
    await first.goto(`${base}/market/users`);
    await first.getByTestId('u-id').waitFor();
    // The page is loaded with the old token; the sign-in below makes a new session under it.
    const status = await second.evaluate(
      (pw) => fetch('/market/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'admin', password: pw }) }).then((r) => r.status),
      TEST_PASSWORD,
    );
    assert.equal(status, 200);
    await first.getByTestId('u-id').fill('tabclerk2');
    await first.getByTestId('u-name').fill('第一窗口');
    await pick(first, 'u-role', '窗口受理人员');
    await first.getByTestId('u-password').fill('first-tab-pass-1');
    await first.getByTestId('u-submit').click();
    await first.getByTestId('user-status-tabclerk2').filter({ hasText: '正常' }).waitFor();
  });

  test('signing out in one tab clears the cookie; the other tab signs in again', async () => {
    await second.getByTestId('logout').click();
    await second.getByTestId('login-submit').waitFor();
    const cookies = await first.context().cookies();
    assert.equal(cookies.filter((c) => c.name === 'tb_session_market' && c.value).length, 0, 'no session cookie left');

    await first.reload();
    await first.getByTestId('login-submit').waitFor();
    await signIn(first, base, 'market', 'admin');
    await first.goto(`${base}/market/users`);
    await first.getByTestId('user-status-tabclerk').waitFor();
  });
});
