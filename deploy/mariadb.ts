import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

/**
 * A throwaway MariaDB server: its own data directory, port and socket, gone after stop().
 * Used by tests, the local cluster script and the benchmarks, so it imports nothing from node:test.
 */
export interface MariaDb {
  /** root URL without a database, e.g. mysql://root@127.0.0.1:41234 */
  url: string;
  /** the server process, for CPU accounting */
  pid: number;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

// Fast rather than durable: the data is thrown away. The redo log is large enough that a
// burst of block commits does not force a checkpoint on every few blocks.
const SERVER_OPTIONS = [
  '--no-defaults',
  '--innodb-buffer-pool-size=256M',
  '--innodb-log-file-size=256M',
  '--innodb-flush-log-at-trx-commit=2',
  '--performance-schema=OFF',
  '--skip-name-resolve',
  '--character-set-server=utf8mb4',
];

const asRoot = () => (process.getuid?.() === 0 ? ['--user=root'] : []);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startMariaDb(opts: { timeoutMs?: number } = {}): Promise<MariaDb> {
  const dir = await mkdtemp(join(tmpdir(), 'tongban-mariadb-'));
  const datadir = join(dir, 'data');
  try {
    await promisify(execFile)(
      'mariadb-install-db',
      ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asRoot(), ...SERVER_OPTIONS.slice(1)],
      { timeout: 60_000 },
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed: ${(err as { stderr?: string }).stderr || (err as Error).message}`);
  }

  // Another process may take the port between freePort() and the server's bind; try again then.
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      'mariadbd',
      [...SERVER_OPTIONS, `--datadir=${datadir}`, `--socket=${join(dir, 'mysqld.sock')}`, `--pid-file=${join(dir, 'mysqld.pid')}`, '--bind-address=127.0.0.1', `--port=${port}`, ...asRoot()],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    try {
      const url = `mysql://root@127.0.0.1:${port}`;
      await waitUntilReady(child, port, opts.timeoutMs ?? 30_000);
      return handle(child, dir, url, port);
    } catch (err) {
      lastError = err as Error;
      await kill(child);
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

async function waitUntilReady(child: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`mariadbd exited during start: ${stderr.trim()}`);
    try {
      const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 });
      await conn.end();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`mariadbd did not accept connections within ${timeoutMs} ms: ${stderr.trim()}`);
}

function handle(child: ChildProcess, dir: string, url: string, port: number): MariaDb {
  // A test runner that exits without stop() must not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopped = false;
  return {
    url,
    pid: child.pid!,
    async createDatabase(name) {
      if (!/^[a-z][a-z0-9_]{0,63}$/.test(name)) throw new Error(`unsafe database name ${name}`);
      const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
      try {
        await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
      } finally {
        await conn.end();
      }
      return `${url}/${name}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', killOnExit);
      await kill(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** SIGTERM is mariadbd's clean shutdown; SIGKILL if it takes too long. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}
