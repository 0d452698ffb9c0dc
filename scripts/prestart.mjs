#!/usr/bin/env node
// Before `npm start`: build what a fresh checkout lacks. Both steps are skipped when their
// output is already there and up to date, so later starts are immediate.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

function run(what, cmd, args) {
  console.log(`[prestart] ${what}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!existsSync('web/dist/index.html')) run('building the portal (web/dist)', 'npm', ['run', 'build:web']);
// The proving and verification keys come from the consortium's setup ceremony; the first run
// on a machine takes a few minutes, later runs check the sources and return at once.
// A cluster node (`npm start -- --dept …`) never runs a ceremony: its keys are the consortium's, adopted by
// governance after the multi-party ceremony (circuits/README.md). npm does not hand its arguments to
// prestart, so look at the command lines that started this one.
function ancestorArgs() {
  const args = [];
  let pid = process.ppid;
  for (let i = 0; i < 4 && pid > 1; i++) {
    try {
      // npm rewrites its own title into one string ("npm start --dept tax"), so split on spaces too
      args.push(...readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0\s]+/));
      pid = Number(/^\d+ \(.*\) \S (\d+)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1] ?? 0);
    } catch {
      break;
    }
  }
  return args;
}
const cluster = Boolean(process.env.TONGBAN_DEPT) || ancestorArgs().some((a) => a === '--dept' || a.startsWith('--dept='));
if (cluster) console.log('[prestart] cluster node: no setup ceremony here (keys come from the consortium\'s ceremony, adopted by governance)');
else if (existsSync('circuits/build.ts')) run('circuits and setup ceremony (first run: a few minutes)', 'npx', ['tsx', 'circuits/build.ts']);
