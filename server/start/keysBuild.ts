import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { KeysProgress } from '../../shared/keysProgress.ts';
import { CIRCUITS } from '../privacy-query/zk/publicSignals.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'circuits', 'build.ts');

/** Node's notices about snarkjs's file handles, should a build print them (see zk/quietFileHandles.ts). */
const NOISE = /Closing file descriptor \d+ on garbage collection|DeprecationWarning|--trace-deprecation|--trace-warnings/;

export interface KeysBuild {
  /** null once the keys are built */
  progress(): KeysProgress | null;
  /** resolves when the keys are there; rejects when the build stopped without them */
  done: Promise<void>;
  stop(): void;
}

/** Whether this checkout can make its own keys (a production build ships without circuits/). */
export const canBuildKeys = (): boolean => existsSync(SCRIPT);

/**
 * Runs the circuits' build and setup ceremony (circuits/build.ts) in a child process, so the
 * platform answers while the keys are made: minutes on a fresh machine, a second when they are
 * current. Each of its lines goes to `line`; its progress messages are kept for progress().
 */
export function buildKeysInBackground(line: (text: string) => void): KeysBuild {
  let progress: KeysProgress | null = { done: 0, total: CIRCUITS.length, current: null };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SCRIPT], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: process.env });
  // The platform and its demo come first: the keys take what the machine has left.
  if (child.pid) {
    try {
      setPriority(child.pid, 19);
    } catch {
      // not allowed here: the build then shares the machine equally
    }
  }
  child.on('message', (m: { type?: string; done?: number; total?: number; current?: string | null }) => {
    if (m?.type === 'progress' && progress) progress = { done: Number(m.done), total: Number(m.total), current: m.current ?? null };
  });
  const errors: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => line(l));
  createInterface({ input: child.stderr! }).on('line', (l) => {
    if (NOISE.test(l)) return;
    errors.push(l);
    if (errors.length > 20) errors.shift();
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (err) => reject(err));
    child.once('exit', (code, signal) => {
      if (code === 0) {
        progress = null;
        resolve();
        return;
      }
      const why = signal ? `stopped by ${signal}` : `exited with status ${code}`;
      progress = { ...(progress ?? { done: 0, total: CIRCUITS.length, current: null }), failed: why };
      reject(new Error(`the circuits' build ${why}${errors.length ? `:\n${errors.join('\n')}` : ''}`));
    });
  });
  done.catch(() => {}); // the caller reports it; an unobserved rejection must not end the process
  return {
    progress: () => progress,
    done,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
