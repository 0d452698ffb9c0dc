import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createModules } from '../../server/modules.ts';
import type { Platform } from '../../server/platform.ts';
import { startTestPlatform } from '../support/platform.ts';
import { axeBlockers, launchChromium, needBuiltPortal, noChromium, portalPage, SHOTS, signIn } from './browser.ts';

/**
 * Every persona's main pages, in Chinese and in English, each at 1366×768 and at 1920×1080: no
 * serious or critical accessibility violation (axe-core, in Chinese), every form field labelled,
 * nothing wider than the window at either size, no console error and no failed request; in English no Chinese in the portal's own
 * words, in Chinese no English-only message from the server. A screenshot of each page.
 */
const PERSONAS: { dept: string; user: string; pages: string[] }[] = [
  { dept: 'housing', user: 'approver1', pages: ['', 'worklist', 'stats', 'loop', 'privacy-ask'] },
  { dept: 'market', user: 'inspector1', pages: ['', 'inspections', 'cases'] },
  { dept: 'enforcement', user: 'enforcer1', pages: ['', 'cases'] },
  { dept: 'service', user: 'clerk1', pages: ['', 'enterprises'] },
  { dept: 'econ', user: 'policy1', pages: ['', 'policies', 'policy-applications', 'publicity'] },
  { dept: 'econ', user: 'expert1', pages: ['', 'assigned', 'expert-key'] },
  { dept: 'finance', user: 'finance1', pages: ['', 'payable', 'payment-runs', 'budgets'] },
  { dept: 'audit', user: 'auditor1', pages: ['', 'trace', 'agreement', 'privacy-ask'] },
  { dept: 'market', user: 'admin', pages: ['', 'users', 'governance', 'health', 'status', 'blocks', 'clients'] },
  { dept: 'tax', user: 'holder1', pages: ['', 'privacy-figures', 'privacy-questions'] },
];

const CJK = /[\u3400-\u9fff]/;

/** The portal's own words on a page (menus, titles, labels, buttons, column heads), not the records it shows. */
const CHROME = ['.el-menu', '.page-title', 'th', '.el-form-item__label', 'button', '.el-tabs__item', '.el-radio-button__inner', '.el-pagination', '.el-descriptions__label', '[data-testid=my-work] .el-card__header', '.work-line span'];

interface Trouble {
  where: string;
  what: string;
}

describe('every persona\'s main pages: accessible, within the window, quiet, in one language', { skip: noChromium }, () => {
  let p: Platform;
  let base: string;
  let browser: Browser;
  const troubles: Trouble[] = [];

  before(async () => {
    needBuiltPortal();
    p = await startTestPlatform({ portal: true, modules: createModules, enterprises: 0 });
    base = `http://127.0.0.1:${((await p.listen(0)).address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await p?.stop();
  });

  /** Console errors and failed requests while `page` is open (a stream or long poll cut by leaving a page is not a failure). */
  function listen(page: Page, where: () => string) {
    page.on('console', (m) => m.type() === 'error' && troubles.push({ where: where(), what: `console: ${m.text()}` }));
    page.on('pageerror', (e) => troubles.push({ where: where(), what: `page error: ${e.message}` }));
    page.on('response', (r) => r.status() >= 400 && troubles.push({ where: where(), what: `HTTP ${r.status()} ${r.url()}` }));
    // a request the browser cancels because the page was left (a stream, a long poll, a chunk) did not fail
    page.on('requestfailed', (r) => r.failure()?.errorText !== 'net::ERR_ABORTED' && troubles.push({ where: where(), what: `failed ${r.url()} ${r.failure()?.errorText}` }));
  }

  /** The page's data is in: no loading mask or skeleton left (the live stream never goes idle, so no "network idle"). */
  async function settle(page: Page) {
    await page.locator('.el-loading-mask, .el-skeleton').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
    await page.waitForTimeout(150);
  }

  async function within(page: Page, where: string) {
    const width = (await page.evaluate('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })')) as { scroll: number; inner: number };
    if (width.scroll > width.inner) troubles.push({ where, what: `${width.scroll}px wide in a ${width.inner}px window` });
  }

  async function check(page: Page, where: string, o: { axe: boolean; lang: 'zh-CN' | 'en' }) {
    await within(page, where);
    if (o.axe) {
      for (const v of await axeBlockers(page)) troubles.push({ where, what: `axe ${v.id} (${v.impact}): ${v.nodes.join(' | ')}` });
    }
    const texts = (await page.evaluate(`[...document.querySelectorAll(${JSON.stringify(CHROME.join(','))})].map((e) => (e.innerText ?? '').trim()).filter(Boolean)`)) as string[];
    if (o.lang === 'en') for (const s of texts) if (CJK.test(s) && !/^(中文|English)$/.test(s)) troubles.push({ where, what: `Chinese in English chrome: ${s.slice(0, 60)}` });
    const errors = await page.locator('[data-testid=error] .el-alert__title, .el-message__content').allInnerTexts();
    for (const s of errors) if (o.lang === 'zh-CN' ? /[A-Za-z]{3}/.test(s) && !CJK.test(s) : CJK.test(s)) troubles.push({ where, what: `message not in ${o.lang}: ${s}` });
  }

  for (const lang of ['zh-CN', 'en'] as const) {
    test(`${lang}: every persona's main pages`, async () => {
      const SMALL = { width: 1366, height: 768 };
      const LARGE = { width: 1920, height: 1080 };
      // each language's first size gets every check; the other one the width again
      const [size, other] = lang === 'en' ? [LARGE, SMALL] : [SMALL, LARGE];
      for (const who of PERSONAS) {
        let where = `${who.dept}/${who.user}`;
        const page = await portalPage(browser, { viewport: size, locale: lang, init: `localStorage.setItem('tongban.locale', ${JSON.stringify(lang)});` });
        listen(page, () => where);
        await signIn(page, base, who.dept, who.user);
        for (const path of who.pages) {
          where = `${lang} ${who.dept}/${who.user} /${path}`;
          await page.goto(`${base}/${who.dept}/${path}`);
          await page.getByTestId('side-menu').waitFor();
          await settle(page);
          await check(page, where, { axe: lang === 'zh-CN', lang });
          // the walk's consortium has adopted no verification keys: the asking page says so in the reader's language
          if (path === 'privacy-ask') assert.match(await page.getByTestId('no-keys').innerText(), lang === 'en' ? /not adopted privacy-query verification keys/ : /尚未采用隐私问询验证密钥/);
          if (lang === 'zh-CN') await page.screenshot({ path: `${SHOTS}/walk-${who.dept}-${who.user}-${path || 'home'}.png`, fullPage: true, animations: 'disabled' });
          await page.setViewportSize(other);
          await page.waitForTimeout(150);
          await within(page, `${where} at ${other.width}×${other.height}`);
          if (lang === 'en') await page.screenshot({ path: `${SHOTS}/walk-en-${other.width}-${who.dept}-${who.user}-${path || 'home'}.png`, fullPage: true, animations: 'disabled' });
          await page.setViewportSize(size);
        }
        // a refusal from the server, shown in the reader's language (the server's words are in English)
        where = `${lang} ${who.dept}/${who.user} refusal`;
        if (who.user === 'inspector1') {
          await page.goto(`${base}/${who.dept}/inspections/IN-0-404`);
          await page.getByTestId('error').waitFor();
          await check(page, where, { axe: false, lang });
          const shown = await page.getByTestId('error').innerText();
          assert.match(shown, lang === 'en' ? /no such inspection/ : /未找到相应记录/);
          assert.match(shown, /NOT_FOUND/);
          troubles.splice(0, troubles.length, ...troubles.filter((x) => !(x.where === where && /404/.test(x.what))));
        }
        await page.context().close();
      }
      writeFileSync(`${SHOTS}/walk-troubles-${lang}.json`, JSON.stringify(troubles, null, 2));
      assert.deepEqual(troubles, []);
    });
  }
});
