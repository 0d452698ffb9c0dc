import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Platform } from '../../server/platform.ts';
import { startTestPlatform } from '../support/platform.ts';
import { csvOf, HEADER, licenceRow, registerEnterprises, testCode } from '../imports/support.ts';
import { axeBlockers, download, launchChromium, needBuiltPortal, noChromium, portalPage, shot, shotsOnFailure, signIn } from './browser.ts';

/** 历史数据导入 in the portal: template, upload, progress, the error report, the same file again, a wrong file. */
describe('the import page', { skip: noChromium }, () => {
  let p: Platform;
  let base: string;
  let browser: Browser;
  let page: Page;
  let codes: string[];

  before(async () => {
    needBuiltPortal();
    p = await startTestPlatform({ depts: ['market', 'service', 'audit'], portal: true });
    codes = await registerEnterprises(p, [801, 802]);
    base = `http://127.0.0.1:${((await p.listen(0)).address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await portalPage(browser);
    await signIn(page, base, 'market', 'admin');
  });
  afterEach((t) => shotsOnFailure(t, { 'imports-failed': page }));
  after(async () => {
    await browser?.close();
    await p?.stop();
  });

  const file = () => csvOf([licenceRow(codes[0], 1), licenceRow(codes[1], 2), licenceRow(testCode(990), 3), licenceRow(codes[1], 4, { issuedOn: '2019-02-30' })]);
  async function importFile(name: string, body: Buffer) {
    await page.getByTestId('import-file').setInputFiles({ name, mimeType: 'text/csv', buffer: body });
    await page.getByTestId('import-start').click();
  }

  test('an administrator downloads the template, imports a file and sees its progress and each bad row', async () => {
    await page.goto(`${base}/market/imports`);
    const template = await download(page, () => page.getByTestId('import-template').click());
    assert.match(template.body.toString('utf8'), /统一社会信用代码.*原证照编号.*发证日期/);

    await importFile('历史证照.csv', file());
    await page.getByTestId('import-status').filter({ hasText: '已完成' }).waitFor();
    assert.equal(await page.getByTestId('import-imported').innerText(), '2');
    assert.equal(await page.getByTestId('import-failed').innerText(), '2');
    assert.match(await page.getByTestId('import-progress').innerText(), /100%/);
    const report = await page.getByTestId('import-errors').innerText();
    assert.match(report, /尚未在链上登记/);
    assert.match(report, /发证日期.*2019-02-30.*不存在/);
    await shot(page, 'imports-report');

    const csv = await download(page, () => page.getByTestId('import-errors-csv').click());
    assert.match(csv.body.toString('utf8'), /"4","统一社会信用代码","UNKNOWN_ENTERPRISE"/);
  });

  test('the same file again changes nothing; a file with other columns is refused whole, in words', async () => {
    await importFile('历史证照.csv', file());
    await page.getByTestId('import-status').filter({ hasText: '已完成' }).waitFor();
    assert.equal(await page.getByTestId('import-imported').innerText(), '0');
    assert.equal(await page.getByTestId('import-skipped').innerText(), '2');
    assert.match(await page.getByTestId('import-history').innerText(), /历史证照\.csv[\s\S]*历史证照\.csv/);

    await importFile('wrong.csv', csvOf([licenceRow(codes[0], 9)], [...HEADER.slice(0, 4), '备注', HEADER[5]]));
    const alert = await page.getByTestId('error').innerText();
    assert.match(alert, /列名与模板不符/);
    assert.match(alert, /BAD_COLUMNS/);
  });

  test('in English, and accessible: labelled fields, no serious axe finding, no Chinese in the page\'s own words', async () => {
    await page.evaluate(`localStorage.setItem('tongban.locale', 'en')`);
    await page.goto(`${base}/market/imports`);
    await page.getByTestId('import-history').waitFor();
    assert.deepEqual(await axeBlockers(page), []);
    const chrome = (await page.evaluate(`[...document.querySelectorAll('.page-title, th, .el-form-item__label, button, .el-card__header')].map((e) => e.innerText.trim())`)) as string[];
    assert.deepEqual(chrome.filter((x) => /[\u3400-\u9fff]/.test(x) && !/\.csv$/.test(x)), []);
    await importFile('wrong.csv', csvOf([licenceRow(codes[0], 9)], HEADER.slice(1)));
    assert.match(await page.getByTestId('error').innerText(), /does not match the template/);
    await shot(page, 'imports-en');
  });
});
