import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { TEST_PASSWORD } from '../support/platform.ts';

/**
 * What the browser tests share: Debian's Chromium (playwright-core) and how it is started, the
 * page size and language the screenshots are taken in, and the steps every flow takes again
 * (sign in, pick from a select, wait for a transaction, take a screenshot).
 */
export const SHOTS = 'test-artifacts/screenshots';
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * How long a step (a click, a wait for text) may take before it fails. Generous: the suite runs
 * two files at once on two cores, and a page may wait on a proof or a block.
 */
const STEP_TIMEOUT = 20_000;
/** A download starts once the click lands; past this it is not coming. */
const DOWNLOAD_TIMEOUT = 30_000;
/** For `describe(…, { skip: noChromium })`: why the browser tests cannot run here, or false. */
export const noChromium = !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`;
// Without the background-networking flags Chromium keeps trying to reach Google on a closed network.
const FLAGS = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The tests serve web/dist as it is: say so when it is not built, and make the screenshots' folder. */
export function needBuiltPortal() {
  assert.ok(existsSync('web/dist/index.html'), 'the portal is not built: run `npm run build:web` first');
  mkdirSync(SHOTS, { recursive: true });
}

// Playwright gives every launch a fresh profile directory of its own (the --user-data-dir).
export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, headless: true, chromiumSandbox: false, args: FLAGS });

/**
 * A page in a browser context of its own (cookies, stored keys: one person's browser), at the
 * screenshots' size and in Chinese; `init` runs in it before any page script. Page errors go to
 * the test's output.
 */
export async function portalPage(browser: Browser, o: BrowserContextOptions & { timeout?: number; init?: string } = {}): Promise<Page> {
  const { timeout = STEP_TIMEOUT, init, ...options } = o;
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN', ...options });
  if (init) await context.addInitScript({ content: init });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  page.on('pageerror', (e) => console.error('page error:', e.message));
  return page;
}

/**
 * The file a click hands to the browser's download, with the name the browser would save it
 * under. The wait starts before the click, so a quick download is not missed; the click is
 * awaited on its own, so a click that cannot happen fails with Playwright's account of why
 * (hidden, covered, moving) instead of as a download that never came.
 */
export async function download(page: Page, click: () => Promise<unknown>): Promise<{ name: string; body: Buffer; path: string }> {
  const started = page.waitForEvent('download', { timeout: DOWNLOAD_TIMEOUT });
  started.catch(() => undefined); // its failure is reported by the await below, after the click's
  await click();
  const d = await started;
  const path = (await d.path())!;
  return { name: d.suggestedFilename(), body: readFileSync(path), path };
}

/**
 * A full-page screenshot in test-artifacts/screenshots/. Transitions are finished first (tags zoom
 * in); toasts are hidden unless the shot is about them. From the top: the header is sticky, and a
 * scrolled full-page shot would paint it mid-page.
 */
export async function shot(page: Page, name: string, toasts = false) {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true, animations: 'disabled', style: toasts ? undefined : '.el-message { display: none }' });
}

/** After a failed test, a picture of each page (named by its key), to see what it said. */
export async function shotsOnFailure(t: unknown, pages: Record<string, Page | undefined>) {
  if ((t as { passed?: boolean }).passed) return;
  for (const [name, page] of Object.entries(pages)) await page?.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true }).catch(() => undefined);
}

/** Waits for the outcome box (the last one in `where`) to say the transaction is in a block or final, and returns its text. */
export async function committed(where: Page | Locator): Promise<string> {
  const box = where.getByTestId('tx-outcome').filter({ hasText: /已上链|已最终确认/ }).last();
  await box.waitFor({ timeout: 20_000 });
  return box.innerText();
}

/** Signs in at a department's login page as a demo user; a page still signed in signs out first. */
export async function signIn(page: Page, base: string, dept: string, user: string) {
  await page.goto(`${base}/${dept}/login`);
  const form = page.getByTestId('login-submit');
  const home = page.getByTestId('logout');
  await form.or(home).first().waitFor();
  if (await home.isVisible()) {
    await home.click();
    await form.waitFor();
  }
  await page.getByTestId('login-user').fill(user);
  await page.getByTestId('login-password').fill(TEST_PASSWORD);
  await form.click();
  await page.getByTestId('role-intro').waitFor();
}

/** Picks an option of an Element Plus select by the select's test id and the option's text. */
export async function pick(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click();
}

export interface AxeFinding {
  id: string;
  impact: string;
  nodes: string[];
}

/**
 * axe-core's violations on the page as it stands that no page may have: serious or critical
 * ones, and any unlabelled field. Finite animations finish first: a colour measured halfway
 * through an element's fade is not the page's colour, and axe would report its contrast.
 */
export async function axeBlockers(page: Page): Promise<AxeFinding[]> {
  await page.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
  await page.evaluate(`Promise.all(document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity).map((a) => a.finished.catch(() => undefined)))`);
  const found = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`)) as AxeFinding[];
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'label');
}
