import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { builtinModules } from 'node:module';
import { build } from '../../scripts/build.ts';

/**
 * The production build as a department installs it: package.json, package-lock.json and dist/
 * in a folder of their own, with only the production dependencies in node_modules (what
 * `npm ci --omit=dev` installs, taken from the lock file's non-dev entries and linked from this
 * checkout's node_modules, so the test needs no registry). Then plain `node`, no tsx.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const app = mkdtempSync(join(tmpdir(), 'tongban-dist-'));
const dist = join(app, 'dist');
after(() => rmSync(app, { recursive: true, force: true }));

/** Top-level packages `npm ci --omit=dev` installs. */
function productionPackages(): Set<string> {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  const names = new Set<string>();
  for (const [path, p] of Object.entries(lock.packages)) {
    const name = path.slice('node_modules/'.length);
    if (!path.startsWith('node_modules/') || name.includes('/node_modules/') || p.dev || p.devOptional) continue;
    names.add(name);
  }
  return names;
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsFiles(join(dir, e.name)) : /\.(m?js|cjs)$/.test(e.name) ? [join(dir, e.name)] : []));
}

const freePort = () =>
  new Promise<number>((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => res(port));
    });
  });

describe('production build', { timeout: 300_000 }, () => {
  const prod = productionPackages();

  before(async () => {
    await build({ out: dist, quick: true });
    copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
    copyFileSync(join(ROOT, 'package-lock.json'), join(app, 'package-lock.json'));
    for (const name of prod) {
      const to = join(app, 'node_modules', name);
      mkdirSync(dirname(to), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), to);
    }
  });

  it('holds the server as JavaScript, the circuit artifacts and the prebuilt verifier page', () => {
    for (const f of ['server/main.js', 'server/cli/keys.js', 'server/cli/replay.js', 'server/chain/verifyWorker.mjs', 'server/privacy-query/zk/proverWorker.mjs', 'server/evidence/verify.html', 'circuits/build/keys/ceremony.json', 'circuits/build/threshold_gte/threshold_gte.zkey', 'circuits/build/threshold_gte/threshold_gte_js/threshold_gte.wasm', 'circuits/build/threshold_gte/witness_calculator.cjs']) {
      assert.ok(existsSync(join(dist, f)), `dist/${f}`);
    }
    assert.equal(jsFiles(dist).filter((f) => f.endsWith('.ts')).length, 0);
    if (existsSync(join(ROOT, 'web/dist/index.html'))) assert.ok(existsSync(join(dist, 'web/dist/index.html')), 'the portal is in dist/web/dist');
  });

  it('imports no development dependency, except behind a check that says what is missing', () => {
    // a dynamic import of a development package is allowed only where its absence is handled
    const guarded: Record<string, string> = { esbuild: 'server/evidence/verifierPage.js', 'playwright-core': 'server/evidence/pdf.js' };
    const builtins = new Set(builtinModules);
    const problems: string[] = [];
    for (const f of jsFiles(join(dist, 'server'))) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"'./][^"']*)["']/gm)) {
        const spec = m[1];
        if (spec.startsWith('node:') || builtins.has(spec)) continue;
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (prod.has(pkg)) continue;
        if (guarded[pkg] === relative(dist, f)) continue;
        problems.push(`${relative(dist, f)} imports ${spec}, which npm ci --omit=dev does not install`);
      }
      for (const m of text.matchAll(/from\s*["'](\.[^"']*)["']/g)) {
        if (!existsSync(resolve(dirname(f), m[1]))) problems.push(`${relative(dist, f)} imports ${m[1]}, which is not in dist`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('node dist/server/main.js --help answers without tsx, and a password on the command line is refused', () => {
    const help = spawnSync(process.execPath, ['dist/server/main.js', '--help'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /TONGBAN_DB_PASSWORD_FILE/);
    const pw = spawnSync(process.execPath, ['dist/server/main.js', '--dept', 'tax', '--kafka', 'k:9092', '--db', 'mysql://u:pw@db/tax'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    assert.equal(pw.status, 2, pw.stderr);
  });

  it('the offline verifier page loads without esbuild', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('./dist/server/evidence/verifierPage.js'); const h = await m.verifierHtml(); console.log(h.length > 10000 && h.includes('<script>') ? 'page' : 'short')"], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.stdout.trim(), 'page', r.stderr);
    assert.equal(spawnSync(process.execPath, ['-e', "require.resolve('esbuild')"], { cwd: app }).status, 1, 'esbuild is not installed beside the build');
  });

  it('starts on a fresh SQLite data folder and answers /health and the chain status', async () => {
    const port = await freePort();
    const data = join(app, 'data');
    const child = spawn(process.execPath, ['dist/server/main.js', '--no-demo', '--data', data, '--port', String(port)], {
      cwd: app,
      env: { PATH: process.env.PATH, TONGBAN_PROVER_WARM: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 180_000;
      let health: Response | undefined;
      while (Date.now() < deadline && child.exitCode === null) {
        health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
        if (health) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(health, `no answer from the built server: ${stderr}`);
      assert.equal(health.status, 200);
      assert.equal(((await health.json()) as { ok: boolean }).ok, true);
      const status = await fetch(`http://127.0.0.1:${port}/tax/api/chain/status`);
      assert.equal(status.status, 200);
      assert.equal(((await status.json()) as { height: number }).height >= 0, true);
      if (existsSync(join(dist, 'web/dist/index.html'))) {
        const page = await fetch(`http://127.0.0.1:${port}/tax/`);
        assert.match(await page.text(), /<div id="app"/);
      }
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
  });
});
