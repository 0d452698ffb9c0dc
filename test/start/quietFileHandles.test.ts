import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

/* snarkjs's unclosed file handles make Node print two warnings each; the ceremony and the server drop those two, nothing else. */
test('the file-handle warnings are dropped, other warnings still printed', () => {
  const script = `
    import { quietFileHandleWarnings } from './server/privacy-query/zk/quietFileHandles.ts';
    import { promises } from 'node:fs';
    quietFileHandleWarnings();
    await (async () => { await promises.open('package.json'); })();
    for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); }
    process.emitWarning('a warning that stays');
  `;
  const run = (quiet: boolean) =>
    spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', quiet ? script : script.replace('quietFileHandleWarnings();', '')], { encoding: 'utf8', timeout: 60_000 }).stderr;
  const loud = run(false);
  assert.match(loud, /Closing file descriptor \d+ on garbage collection/, 'without it Node prints the warning (the test can fail)');
  assert.match(loud, /DEP0137/);
  const quiet = run(true);
  assert.doesNotMatch(quiet, /Closing file descriptor|DEP0137/);
  assert.match(quiet, /a warning that stays/);
});
