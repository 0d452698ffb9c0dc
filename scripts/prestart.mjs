#!/usr/bin/env node
// Before `npm start`: build the portal when a fresh checkout lacks it (later starts skip this).
// The privacy-query keys are not made here: the embedded platform makes them in the background
// once it answers (server/start/keysBuild.ts), and a cluster node adopts the consortium's keys
// by governance (circuits/README.md).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('web/dist/index.html')) {
  console.log('[prestart] building the portal (web/dist)');
  const r = spawnSync('npm', ['run', 'build:web'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
