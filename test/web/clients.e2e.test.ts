import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Platform } from '../../server/platform.ts';
import { keygen } from '../../sdk/index.ts';
import { startTestPlatform } from '../support/platform.ts';
import { launchChromium, needBuiltPortal, noChromium, pick, portalPage, shot, shotsOnFailure, signIn } from './browser.ts';

/** The administrator's page for connected systems: register with a pasted key, a refused grant, replace the key, disable. */
describe('connected systems in the portal', { skip: noChromium }, () => {
  let p: Platform;
  let base: string;
  let browser: Browser;
  let page: Page;

  before(async () => {
    needBuiltPortal();
    p = await startTestPlatform({ depts: ['market', 'tax'], portal: true });
    base = `http://127.0.0.1:${((await p.listen(0)).address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await portalPage(browser);
    await signIn(page, base, 'market', 'admin');
  });
  afterEach((t) => shotsOnFailure(t, { clients: page }));
  after(async () => {
    await browser?.close();
    await p?.stop();
  });

  async function fill(id: string, kind: string, publicKey: string) {
    await page.getByTestId('c-id').fill(id);
    await page.getByTestId('c-name').fill(`审批系统 ${id}`);
    await pick(page, 'c-role', '审批人员');
    for (const [testId, value] of [['c-kinds', kind], ['c-events', 'approval.*']]) {
      // a value of one's own in a select that allows creating one: type it, Enter, close the list
      await page.getByTestId(testId).click();
      await page.keyboard.type(value);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Escape');
    }
    await page.getByTestId('c-key').fill(publicKey);
  }

  test('a grant the role could not use is refused in words; a good one is registered, re-keyed and disabled', async () => {
    await page.goto(`${base}/market/clients`);
    await fill('bad', 'enterprise.register', keygen('ed25519').publicKey);
    await page.getByTestId('c-submit').click();
    assert.match(await page.locator('.el-alert').first().innerText(), /所选岗位不能办理/);

    await page.goto(`${base}/market/clients`);
    await fill('oa', 'approval.decide', keygen('ed25519').publicKey);
    await page.getByTestId('c-submit').click();
    await page.getByTestId('client-status-oa').filter({ hasText: '正常' }).waitFor();
    assert.match(await page.getByTestId('client-list').innerText(), /approval\.decide/);
    await shot(page, '44-admin-clients');

    await page.getByTestId('rotate-oa').click();
    await page.locator('.el-message-box input').fill(keygen('ed25519').publicKey);
    await page.locator('.el-message-box').getByRole('button', { name: '更换密钥' }).click();
    await page.getByTestId('client-list').getByText('已停用的密钥 1 个').waitFor();

    await page.getByTestId('disable-oa').click();
    await page.locator('.el-message-box').getByRole('button', { name: '停用' }).click();
    await page.getByTestId('client-status-oa').filter({ hasText: '已停用' }).waitFor();
  });
});
