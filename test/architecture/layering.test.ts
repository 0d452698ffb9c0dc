import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Who may import whom (README, "How it fits together"), checked on every .ts and .vue file's
 * imports, type-only ones included: a type import still ties one layer's changes to another's.
 */

const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
const DOMAIN = ['server/approval', 'server/policy-payout', 'server/privacy-query', 'server/data-use', 'server/events', 'server/chain', 'server/imports'];
/** packages the portal cannot bundle, or that would pull a server into it */
const NODE_ONLY = /^(node:|knex$|koa$|@koa\/|kafkajs$|pino$|better-sqlite3$|mysql2|prom-client$|snarkjs$|ffjavascript$|circomlibjs$|fs$|path$|crypto$|worker_threads$)/;

const posix = (p: string) => p.split(sep).join('/');

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir))) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const rel = `${dir}/${name}`;
    if (statSync(join(ROOT, rel)).isDirectory()) files(rel, out);
    else if (/\.(ts|mts|vue)$/.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every import of a file: `target` is a repository path for relative and `@shared/` imports, else the bare package name. */
export function importsOf(file: string, text = readFileSync(join(ROOT, file), 'utf8')): { spec: string; target: string }[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: { spec: string; target: string }[] = [];
  for (const m of code.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    let target = spec;
    if (spec.startsWith('.')) target = posix(relative(ROOT, join(ROOT, dirname(file), spec)));
    else if (spec.startsWith('@shared/')) target = `shared/${spec.slice('@shared/'.length)}`;
    out.push({ spec, target });
  }
  return out;
}

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);
/** A module's own HTTP adapter (its Koa routes) may use server/http's session and OpenAPI helpers. */
const isHttpAdapter = (path: string) => /\/http\//.test(path) || /(^|\/)[a-zA-Z]*[rR]outes\.ts$/.test(path);

const all = [...files('server'), ...files('shared'), ...files('web/src')];
const graph = new Map(all.map((f) => [f, importsOf(f)]));

test('import extraction sees static, type-only, re-export and dynamic imports, and ignores comments', () => {
  const found = importsOf('server/x/a.ts', `import a from './b.ts';\nimport type { C } from '../c.ts';\nexport { d } from './d.ts';\nconst e = await import('./e.ts');\n// import z from './z.ts';\nimport '@shared/f.ts';`);
  assert.deepEqual(found.map((i) => i.target), ['server/x/b.ts', 'server/c.ts', 'server/x/d.ts', 'server/x/e.ts', 'shared/f.ts']);
});

test('domain code (the modules and the ledger) does not import server/http, outside its own HTTP adapter', () => {
  const bad: string[] = [];
  for (const [file, imports] of graph) {
    if (!DOMAIN.some((d) => under(file, d)) || isHttpAdapter(file)) continue;
    for (const i of imports) if (under(i.target, 'server/http')) bad.push(`${file} -> ${i.spec}`);
  }
  assert.deepEqual(bad, []);
});

test('module code reaches its node through the module port, not the node itself (demo and bootstrap helpers drive whole nodes)', () => {
  const bad: string[] = [];
  for (const [file, imports] of graph) {
    if (!DOMAIN.slice(0, 4).some((d) => under(file, d)) || /\/(demo|bootstrap)\.ts$/.test(file)) continue;
    for (const i of imports) if (i.target === 'server/chain/node.ts') bad.push(`${file} -> ${i.spec}`);
  }
  assert.deepEqual(bad, []);
});

test("a module's routes and after-block hooks run no SQL of their own: they call its named read-model queries", () => {
  const SQL = /\.db\(|\bdb\(\s*['"]|\.transaction\(|\.raw\(/;
  const hooks = ['server/approval/index.ts', 'server/policy-payout/index.ts', 'server/policy-payout/automation.ts', 'server/privacy-query/index.ts', 'server/privacy-query/holder/autoAnswer.ts', 'server/data-use/index.ts'];
  const routes = all.filter((f) => DOMAIN.slice(0, 4).some((d) => under(f, d)) && /(^|\/)[a-zA-Z]*[rR]outes\.ts$/.test(f));
  assert.ok(routes.length >= 10, `route files found: ${routes.length}`);
  const bad = [...routes, ...hooks].filter((f) => SQL.test(readFileSync(join(ROOT, f), 'utf8')));
  assert.deepEqual(bad, []);
});

test('the portal imports server code only through shared/', () => {
  const bad: string[] = [];
  for (const [file, imports] of graph) {
    if (!under(file, 'web/src')) continue;
    for (const i of imports) if (under(i.target, 'server')) bad.push(`${file} -> ${i.spec}`);
  }
  assert.deepEqual(bad, []);
});

test('what the portal bundles from shared/ (and what shared/ reaches) has no Node-only import', () => {
  const bad: string[] = [];
  const seen = new Set<string>();
  const queue = all.filter((f) => under(f, 'shared'));
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const i of graph.get(file) ?? importsOf(file)) {
      if (i.spec.startsWith('.') || i.spec.startsWith('@shared/')) queue.push(i.target);
      else if (NODE_ONLY.test(i.spec)) bad.push(`${file} -> ${i.spec}`);
    }
  }
  assert.deepEqual(bad, []);
  assert.ok(seen.size > 3, 'shared/ and what it reaches were read');
});

/** Strongly connected components of more than one file (or a file importing itself): import loops. */
function loops(nodes: string[], edges: (n: string) => string[]): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges(v)) {
      if (!idx.has(w)) (visit(w), low.set(v, Math.min(low.get(v)!, low.get(w)!)));
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do ((w = stack.pop()!), on.delete(w), c.push(w));
      while (w !== v);
      if (c.length > 1 || edges(v).includes(v)) out.push(c.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}

test('loop finding finds a loop and passes a tree', () => {
  const g: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'], d: ['a'] };
  assert.deepEqual(loops(Object.keys(g), (n) => g[n] ?? []), [['a', 'b', 'c']]);
  assert.deepEqual(loops(['a', 'b'], (n) => (n === 'a' ? ['b'] : [])), []);
});

test('server/chain has no import loop', () => {
  const chain = all.filter((f) => under(f, 'server/chain'));
  const inChain = new Set(chain);
  const found = loops(chain, (f) => (graph.get(f) ?? []).map((i) => i.target).filter((t) => inChain.has(t)));
  assert.deepEqual(found, []);
});
