import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createConsortium, type ConsortiumKeys } from '../server/chain/consortium.ts';
import { writeConsortium } from '../server/consortiumFiles.ts';
import { startMockKafka, type MockKafka } from '../test/support/mockKafka.ts';
import { startMariaDb } from './mariadb.ts';

export interface LocalCluster {
  keys: ConsortiumKeys;
  kafka: MockKafka;
  dbUrls: Record<string, string>;
  urls: Record<string, string>;
  /** The processes running now: each department's node, then `mariadb` and `broker`. */
  processes(): { name: string; pid: number }[];
  /** SIGKILL one department's process (a crash, not a shutdown) */
  kill(dept: string): Promise<void>;
  start(dept: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A cluster on loopback as production runs it, one process per department with its own
 * MariaDB database and Kafka for ordering; the broker is librdkafka's mock cluster (three
 * brokers), so faults can be injected. Used by `npm run cluster`, the cluster tests and the
 * cluster benchmark.
 */
export async function startLocalCluster(o: { dir: string; depts?: string[]; basePort?: number; blockWaitMs?: number; log?: (m: string) => void; nodeArgs?: string[] }): Promise<LocalCluster> {
  const depts = o.depts ?? ['market', 'tax', 'hrss', 'housing'];
  const basePort = o.basePort ?? 8181;
  const dir = resolve(o.dir);
  mkdirSync(dir, { recursive: true });
  const keys = createConsortium({ chain: 'tongban-cluster', depts, time: Date.now(), limits: { blockWaitMs: o.blockWaitMs ?? 50 } });
  writeConsortium(join(dir, 'consortium'), keys);
  const [maria, kafka] = await Promise.all([startMariaDb(), startMockKafka({ brokers: 3, topics: [`${keys.genesis.chain}.log`] })]);
  const dbUrls: Record<string, string> = {};
  for (const d of depts) dbUrls[d] = await maria.createDatabase(`tongban_${d}`);
  const urls = Object.fromEntries(depts.map((d, i) => [d, `http://127.0.0.1:${basePort + i}/${d}/`]));
  const procs = new Map<string, ChildProcess>();

  async function start(dept: string): Promise<void> {
    const port = basePort + depts.indexOf(dept);
    // Every node of a local cluster shares this machine's cores: none loads its circuits ahead
    // (TONGBAN_PROVER_WARM=1 asks for it); the first question loads them.
    const child = spawn(
      process.execPath,
      [...(o.nodeArgs ?? []), '--import', 'tsx', 'server/main.ts', '--dept', dept, '--db', dbUrls[dept], '--kafka', kafka.bootstrap.join(','), '--allow-producer-time', '--consortium', join(dir, 'consortium'), '--port', String(port), '--data', dir],
      { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', TONGBAN_PROVER_WARM: process.env.TONGBAN_PROVER_WARM ?? '0' } },
    );
    procs.set(dept, child);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${dept} exited with ${child.exitCode}`);
      try {
        const r = await fetch(`http://127.0.0.1:${port}/health`);
        if (r.ok) {
          o.log?.(`${dept} up on ${urls[dept]}`);
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${dept} did not come up within 60 s`);
  }

  async function kill(dept: string): Promise<void> {
    const p = procs.get(dept);
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((res) => {
      p.once('exit', () => res());
      p.kill('SIGKILL');
    });
  }

  await Promise.all(depts.map(start));
  return {
    keys,
    kafka,
    dbUrls,
    urls,
    processes: () => [
      ...[...procs].filter(([, p]) => p.exitCode === null && p.signalCode === null).map(([name, p]) => ({ name, pid: p.pid! })),
      { name: 'mariadb', pid: maria.pid },
      { name: 'broker', pid: kafka.pid },
    ],
    kill,
    start,
    async stop() {
      await Promise.all(
        [...procs.values()].map(
          (p) =>
            new Promise<void>((res) => {
              if (p.exitCode !== null || p.signalCode !== null) return res();
              p.once('exit', () => res());
              p.kill('SIGTERM');
            }),
        ),
      );
      await kafka.stop();
      await maria.stop();
    },
  };
}
