/// <reference lib="dom" />
import { buildBn128 } from 'ffjavascript';
import * as snarkjs from 'snarkjs';
import { CHECKS } from '../checks.ts';
import { verifyBundle, type VerifyOutcome } from '../verifyBundle.ts';
import { unzipFiles } from '../zip.ts';

/**
 * The page inside every bundle: reads the ZIP the user picks, runs the same verification core as
 * `npm run verify-evidence`, and says what passed or the first thing that failed, zh-CN and English.
 */
const $ = (id: string) => document.getElementById(id)!;
const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function zkVerify(vkey: unknown, signals: string[], proof: unknown): Promise<boolean> {
  const g = globalThis as { curve_bn128?: unknown };
  // one thread: no workers, nothing but this page
  g.curve_bn128 ??= await buildBn128(true);
  try {
    return await snarkjs.groth16.verify(vkey as never, signals, proof as never);
  } catch {
    return false;
  }
}

function show(r: VerifyOutcome): void {
  const el = $('result');
  el.hidden = false;
  el.className = r.ok ? 'pass' : 'fail';
  el.dataset.outcome = r.ok ? 'pass' : 'fail';
  const m = r.manifest;
  const head = m ? `<p>对象 Subject: <b>${esc(m.subject)}</b> · 出具 Issuer: ${esc(m.issuer)} · 链 Chain: ${esc(m.chain)} · 证书至 Certified to: ${m.top}</p>` : '';
  const passed = `<ul>${r.passed.map((p) => `<li>✔ ${esc(p.zh)} / ${esc(p.en)}: ${p.count}</li>`).join('')}</ul>`;
  const notes = r.notes.length ? `<p class="muted">${r.notes.map(esc).join('<br>')}</p>` : '';
  if (r.ok) {
    el.innerHTML = `<h2>核验通过 / Verified</h2>${head}${passed}${notes}`;
    return;
  }
  const f = r.failure!;
  el.innerHTML = `<h2>核验未通过 / Verification failed</h2>${head}
<p><b>未通过的检查 Failed check:</b> ${esc(CHECKS[f.check].zh)} / ${esc(CHECKS[f.check].en)}<br>
<b>文件 File:</b> <code data-file>${esc(f.file)}</code></p>
<p>${esc(f.zh)}<br><span class="muted">${esc(f.en)}</span></p>
<p><b>这意味着 What this means:</b> ${esc(f.meaningZh)}<br><span class="muted">${esc(f.meaningEn)}</span></p>
<details><summary>此前已通过 / Passed before it</summary>${passed}</details>`;
}

async function run(bytes: Uint8Array): Promise<void> {
  $('status').textContent = '核验中… / verifying…';
  try {
    const r = await verifyBundle(unzipFiles(bytes), { zkVerify, onProgress: (s) => ($('status').textContent = `核验中… / verifying… (${s})`) });
    $('status').textContent = '';
    show(r);
  } catch (e) {
    $('status').textContent = '';
    show({ ok: false, passed: [], notes: [], failure: { check: 'manifest', file: '(zip)', zh: `无法读取证据包：${(e as Error).message}`, en: `the bundle cannot be read: ${(e as Error).message}`, meaningZh: CHECKS.manifest.meaningZh, meaningEn: CHECKS.manifest.meaningEn } });
  }
}

($('file') as HTMLInputElement).addEventListener('change', async (ev) => {
  const f = (ev.target as HTMLInputElement).files?.[0];
  if (f) await run(new Uint8Array(await f.arrayBuffer()));
});
