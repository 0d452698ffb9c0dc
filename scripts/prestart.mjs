#!/usr/bin/env node
// Before `npm start`: build what a fresh checkout lacks. Both steps are skipped when their
// output is already there and up to date, so later starts are immediate.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function run(what, cmd, args) {
  console.log(`[prestart] ${what}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!existsSync('web/dist/index.html')) run('building the portal (web/dist)', 'npm', ['run', 'build:web']);
// The proving and verification keys come from the consortium's setup ceremony; the first run
// on a machine takes a few minutes, later runs check the sources and return at once.
if (existsSync('circuits/build.ts')) run('circuits and setup ceremony (first run: a few minutes)', 'npx', ['tsx', 'circuits/build.ts']);
