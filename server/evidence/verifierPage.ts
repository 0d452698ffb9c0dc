import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ChainError } from '../chain/errors.ts';

/**
 * verify.html: the offline verifier as one self-contained page. The verification core
 * (verifyBundle.ts), the ZIP reader and snarkjs with a single-threaded curve are bundled into it
 * with esbuild, then kept; the page loads nothing from anywhere. The production build (dist/)
 * makes it ahead and puts it beside this module, because esbuild is only a development
 * dependency; from the source tree a node bundles it when it first makes an evidence bundle.
 */
let page: Promise<string> | undefined;

const PREBUILT = new URL('./verify.html', import.meta.url);

export function verifierHtml(): Promise<string> {
  page ??= readFile(PREBUILT, 'utf8').catch(() => buildVerifierHtml());
  page.catch(() => (page = undefined));
  return page;
}

export async function buildVerifierHtml(): Promise<string> {
  const esbuild = await import('esbuild').catch(() => {
    throw new ChainError('VERIFIER_PAGE_MISSING', `the offline verifier page was not built ahead (${fileURLToPath(PREBUILT)} is missing) and esbuild is not installed to build it: deploy the output of \`npm run build\``, { status: 500 });
  });
  const out = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./page/main.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_DEBUG': 'false', global: 'globalThis' },
  });
  const script = out.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' blob:; style-src 'unsafe-inline'; worker-src blob:; connect-src 'none'">
<title>电子证据离线核验 / Offline evidence verifier</title>
<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;max-width:900px;color:#222}
#result{margin-top:16px;padding:12px;border-radius:6px}.pass{background:#e8f5e9;border:1px solid #66bb6a}.fail{background:#ffebee;border:1px solid #e57373}
.muted{color:#666;font-size:12px}li{margin:2px 0}
</style></head><body>
<h1>电子证据离线核验 <span class="muted">Offline evidence verifier</span></h1>
<p>选择证据包ZIP文件。核验全部在本页内完成，不联网。<br><span class="muted">Pick the evidence bundle (ZIP). Everything is checked inside this page, with no network.</span></p>
<input type="file" id="file" accept=".zip,application/zip">
<div id="status" class="muted"></div>
<div id="result" hidden></div>
<script>${script}</script>
</body></html>
`;
}
