#!/usr/bin/env node
// The whole test suite: type check, build steps the tests need (circuits, portal), then every
// test file under test/ with node's own runner. `npm test -- test/chain` runs a subset.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSystemPackages } from './testDeps.mjs';

const args = process.argv.slice(2);
const roots = args.length ? args : ['test'];

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function files(dir) {
  if (statSync(dir).isFile()) return [dir];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'support' || e.name === 'vectors' ? [] : files(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

ensureSystemPackages();
if (!existsSync('node_modules/.package-lock.json')) run('npm', ['ci', '--no-audit', '--no-fund']);

if (!args.length) {
  run('npx', ['tsc', '--noEmit', '-p', '.']);
  if (existsSync('circuits/build.ts')) run('npx', ['tsx', 'circuits/build.ts']);
  if (existsSync('web/vite.config.ts')) run('npm', ['run', 'build:web']);
}

const list = roots.flatMap(files).sort();
// Two at a time: the machine has two cores, and the database- and broker-backed files each
// start their own servers on their own ports.
// --test-force-exit: a file whose tests are all done must not wait on a handle some library
// keeps open (snarkjs/ffjavascript curve threads); the tests themselves close what they start.
// blockingStdout.mjs: so that a force-exited file's last verdicts still reach the runner.
run(process.execPath, ['--import', './scripts/blockingStdout.mjs', '--import', 'tsx', '--test', '--test-force-exit', '--test-concurrency=2', '--test-timeout=600000', ...list]);
