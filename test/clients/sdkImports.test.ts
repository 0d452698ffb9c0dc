import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';

const ROOT = normalize(join(import.meta.dirname, '../..'));
const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const NODE_ONLY = /^(node:|fs$|path$|crypto$)/;

/** Every file the SDK reaches (cli.ts aside, which is Node's), with what it imports. */
function reached(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const queue = readdirSync(join(ROOT, 'sdk')).filter((f) => f.endsWith('.ts') && f !== 'cli.ts').map((f) => `sdk/${f}`);
  while (queue.length) {
    const file = queue.pop()!;
    if (out.has(file)) continue;
    const code = readFileSync(join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const specs = [...code.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
    out.set(file, specs);
    for (const s of specs) if (s.startsWith('.')) queue.push(relative(ROOT, join(ROOT, dirname(file), s)).split('\\').join('/'));
  }
  return out;
}

test('the SDK reaches no server code and nothing Node-only, only shared/ and its packages', () => {
  const files = reached();
  assert.ok(files.has('sdk/client.ts') && files.has('shared/verify/inclusion.ts'));
  const bad = [...files].flatMap(([f, specs]) => [
    ...(f.startsWith('sdk/') || f.startsWith('shared/') ? [] : [`${f} is outside sdk/ and shared/`]),
    ...specs.filter((s) => NODE_ONLY.test(s)).map((s) => `${f} imports ${s}`),
  ]);
  assert.deepEqual(bad, []);
});
