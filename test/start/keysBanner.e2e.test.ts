import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { KeysProgress } from '../../shared/keysProgress.ts';
import { createModules } from '../../server/modules.ts';
import type { Platform } from '../../server/platform.ts';
import { adoptVerificationKeys } from '../../server/privacy-query/bootstrap.ts';
import { startTestPlatform } from '../support/platform.ts';
import { launchChromium, needBuiltPortal, noChromium, portalPage, shotsOnFailure, signIn } from '../web/browser.ts';

/** While this machine makes the privacy keys, the pages that need them say how far it is, in the reader's language; once adopted, nothing. */
describe('the portal banner of the privacy keys being made', { skip: noChromium }, () => {
  let p: Platform;
  let base: string;
  let browser: Browser;
  let page: Page;
  let progress: KeysProgress | null = { done: 2, total: 6, current: 'range' };

  before(async () => {
    needBuiltPortal();
    p = await startTestPlatform({ depts: ['market', 'tax', 'hrss', 'housing'], portal: true, modules: () => createModules({ keysProgress: () => progress }) });
    base = `http://127.0.0.1:${((await p.listen(0)).address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await portalPage(browser);
    await signIn(page, base, 'market', 'admin');
  });
  afterEach((t) => shotsOnFailure(t, { 'keys-banner': page }));
  after(async () => {
    await browser?.close();
    await p?.stop();
  });

  test('on a page that needs the keys: how far they are, in Chinese and in English', async () => {
    await page.goto(`${base}/market/governance`);
    assert.match(await page.getByTestId('keys-banner').innerText(), /隐私查询密钥生成中 2\/6…/);
    await page.evaluate(() => localStorage.setItem('tongban.locale', 'en'));
    await page.reload();
    assert.match(await page.getByTestId('keys-banner').innerText(), /Privacy-query keys are being generated \(2\/6\)…/);
    await page.evaluate(() => localStorage.setItem('tongban.locale', 'zh-CN'));
  });

  test('not on pages that do without them, and gone once the keys are adopted', async () => {
    await page.goto(`${base}/market/users`);
    await page.getByTestId('u-id').waitFor();
    assert.equal(await page.getByTestId('keys-banner').count(), 0);
    progress = null;
    await adoptVerificationKeys(p.nodes);
    await page.goto(`${base}/market/governance`);
    await page.getByTestId('logout').waitFor();
    await page.waitForTimeout(1000);
    assert.equal(await page.getByTestId('keys-banner').count(), 0);
  });
});
