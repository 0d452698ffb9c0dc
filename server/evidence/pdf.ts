import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Debian's Chromium, as the browser tests use it; TONGBAN_CHROMIUM names another. */
export const CHROMIUM_PATH = process.env.TONGBAN_CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The report as PDF through Chromium (playwright-core's page.pdf), or undefined when no Chromium is
 * installed, or no playwright-core (a development dependency, absent after `npm ci --omit=dev`
 * unless installed beside it): the bundle then holds the HTML report only and says so.
 */
export function chromiumPdf(): ((html: string) => Promise<Uint8Array | undefined>) | undefined {
  if (!existsSync(CHROMIUM_PATH) || !hasPlaywright()) return undefined;
  return async (html) => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, chromiumSandbox: false, args: ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const page = await browser.newPage();
      // the report needs nothing from outside; nothing is fetched while it renders
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      return new Uint8Array(await page.pdf({ format: 'A4', landscape: true, printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } }));
    } finally {
      await browser.close();
    }
  };
}

function hasPlaywright(): boolean {
  try {
    createRequire(import.meta.url).resolve('playwright-core');
    return true;
  } catch {
    return false;
  }
}
