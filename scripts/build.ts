// The production build: `npm run build` writes dist/, which runs on plain Node with only the
// production dependencies installed (`npm ci --omit=dev`):
//   dist/server/**.js        the server and its command-line tools, one file per source file, so
//                            every `new URL('./x', import.meta.url)` (workers, keys) still points
//                            where it did in the source tree
//   dist/server/evidence/verify.html   the offline verifier page, built ahead (it needs esbuild)
//   dist/web/dist/           the portal
//   dist/circuits/build/     what the prover and verifier load: wasm, zkey, witness calculators, keys/
// Options: --out <dir> (default dist); --quick reuses web/dist and circuits/build as they are
// instead of running their builds (tests, and a second build in one run).
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { buildVerifierHtml } from '../server/evidence/verifierPage.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ENTRIES = ['server/main.ts', ...readdirSync(join(ROOT, 'server/cli')).filter((f) => f.endsWith('.ts')).map((f) => `server/cli/${f}`)];
const CIRCUITS = join(ROOT, 'circuits/build');

function run(what: string, cmd: string, args: string[]) {
  console.log(`[build] ${what}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status})`);
}

/**
 * Compiles each source file on its own (no bundling), with relative `.ts` imports rewritten to
 * `.js` and packages left to node_modules. Starts from the entry points and follows relative
 * imports until every file reached is compiled, so a new folder the server imports is never missed.
 */
export async function compileServer(out: string): Promise<string[]> {
  const done = new Set<string>();
  let todo = ENTRIES.map((e) => join(ROOT, e));
  while (todo.length) {
    const reached = new Set<string>();
    await esbuild.build({
      entryPoints: todo,
      outdir: out,
      outbase: ROOT,
      bundle: true, // only so that onResolve sees every import; the plugin keeps each one external
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      logLevel: 'warning',
      plugins: [
        {
          name: 'one-file-each',
          setup(b) {
            b.onResolve({ filter: /^\.\.?\// }, (args) => {
              const abs = resolve(args.resolveDir, args.path);
              if (abs.endsWith('.ts')) reached.add(abs);
              return { path: args.path.replace(/\.ts$/, '.js'), external: true };
            });
          },
        },
      ],
    });
    for (const f of todo) done.add(f);
    todo = [...reached].filter((f) => !done.has(f));
  }
  // Worker threads and their helpers are plain .mjs/.cjs, loaded by URL rather than imported.
  for (const f of walk(join(ROOT, 'server'))) {
    if (/\.(mjs|cjs)$/.test(f)) copyInto(out, f);
  }
  return [...done].map((f) => relative(ROOT, f)).sort();
}

/** What the prover workers and the verifier read at run time; the r1cs and ptau files stay behind. */
export function copyCircuits(out: string) {
  if (!existsSync(join(CIRCUITS, 'keys/ceremony.json'))) throw new Error('circuits/build has no keys: run `npx tsx circuits/build.ts` first');
  const dest = join(out, 'circuits/build');
  for (const f of walk(CIRCUITS)) {
    const rel = relative(CIRCUITS, f);
    if (rel.startsWith('keys/') || /\.(wasm|zkey)$/.test(rel) || rel.endsWith('witness_calculator.cjs')) {
      mkdirSync(dirname(join(dest, rel)), { recursive: true });
      copyFileSync(f, join(dest, rel));
    }
  }
}

function copyInto(out: string, file: string) {
  const to = join(out, relative(ROOT, file));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(file, to);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.isFile() || e.isSymbolicLink() ? [p] : [];
  });
}

export async function build(o: { out: string; quick: boolean }) {
  const t0 = performance.now();
  if (!o.quick) {
    run('portal (web/dist)', 'npm', ['run', 'build:web']);
    run('circuits and setup ceremony (skipped when up to date)', 'npx', ['tsx', 'circuits/build.ts']);
  }
  rmSync(o.out, { recursive: true, force: true });
  mkdirSync(o.out, { recursive: true });
  // dist is ESM whether or not the package.json beside it says so
  writeFileSync(join(o.out, 'package.json'), JSON.stringify({ type: 'module' }) + '\n');
  const files = await compileServer(o.out);
  writeFileSync(join(o.out, 'server/evidence/verify.html'), await buildVerifierHtml());
  copyCircuits(o.out);
  const portal = existsSync(join(ROOT, 'web/dist/index.html'));
  if (portal) cpSync(join(ROOT, 'web/dist'), join(o.out, 'web/dist'), { recursive: true });
  else console.warn('[build] web/dist is missing: the nodes will serve no portal (run `npm run build:web`)');
  console.log(`[build] ${o.out}: ${files.length} server files, the circuits${portal ? ', the portal' : ''} (${Math.round(performance.now() - t0)} ms)`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist' }, quick: { type: 'boolean', default: false } } });
  build({ out: resolve(values.out!), quick: values.quick! }).catch((err) => {
    console.error(`[build] ${err.message}`);
    process.exit(1);
  });
}
