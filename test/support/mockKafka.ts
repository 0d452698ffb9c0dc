import { spawn, execFileSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * A Kafka cluster in one small process: librdkafka's mock cluster driven by
 * deploy/mock-kafka/mock_broker.c, with fault injection over its stdin. Used by tests, the
 * local cluster script and benchmarks, so it imports nothing from node:test.
 */
export interface MockKafka {
  bootstrap: string[];
  /** the broker process, for CPU accounting */
  pid: number;
  /** Sends one command line; resolves on `ok`, rejects with the broker's `err` message. */
  command(line: string): Promise<void>;
  brokerDown(id: number): Promise<void>;
  brokerUp(id: number): Promise<void>;
  setRtt(id: number, ms: number): Promise<void>;
  moveLeader(topic: string, partition: number, broker: number): Promise<void>;
  /** The next `count` requests of this API key (0 = Produce, 1 = Fetch, ...) fail with `errCode`. */
  pushErrors(apiKey: number, count: number, errCode: number): Promise<void>;
  coordinator(type: 'group' | 'transaction', key: string, broker: number): Promise<void>;
  createTopic(name: string, partitions: number): Promise<void>;
  stop(): Promise<void>;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const source = join(root, 'deploy/mock-kafka/mock_broker.c');
const binary = join(root, 'node_modules/.cache/tongban/mock_broker');

/** Compiles the mock broker once, and again only when its source is newer than the binary. */
export function mockBrokerBinary(): string {
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return binary;
  mkdirSync(dirname(binary), { recursive: true });
  // Test files run in parallel processes: build under a private name, then rename atomically.
  const tmp = `${binary}.${process.pid}.tmp`;
  try {
    execFileSync('gcc', ['-O2', '-o', tmp, source, '-lrdkafka'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`could not build the mock Kafka broker (needs gcc and librdkafka-dev): ${stderr || (err as Error).message}`);
  }
  renameSync(tmp, binary);
  return binary;
}

/** `launch` starts the broker program some other way (inside a network namespace, say); `spawn` by default. */
export async function startMockKafka(opts: { brokers?: number; topics?: string[]; launch?: (cmd: string, args: string[], opts: SpawnOptions) => ChildProcess } = {}): Promise<MockKafka> {
  const child: ChildProcess = (opts.launch ?? spawn)(mockBrokerBinary(), [String(opts.brokers ?? 3), ...(opts.topics ?? [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // If the parent dies without stop(), the child still sees EOF on stdin and exits;
  // this covers a plain process.exit() as well.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((res) => {
    child.once('exit', (code) => res(code));
    child.once('error', (err) => {
      stderr += String(err);
      res(null);
    });
  });
  child.stdin!.on('error', () => undefined); // writes after the child died fail in command()

  // Answers come back in the order the commands were sent.
  const waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  const lines = createInterface({ input: child.stdout! });
  let first: ((line: string) => void) | undefined;
  lines.on('line', (line) => {
    if (first) return first(line);
    waiting.shift()?.resolve(line);
  });
  void exited.then((code) => {
    const err = new Error(`mock Kafka broker exited (code ${code}): ${stderr.trim()}`);
    for (const w of waiting.splice(0)) w.reject(err);
  });

  const bootLine = await Promise.race([
    new Promise<string>((res) => (first = res)),
    exited.then((code) => {
      throw new Error(`mock Kafka broker failed to start (code ${code}): ${stderr.trim()}`);
    }),
  ]);
  first = undefined;
  if (!bootLine.startsWith('BOOTSTRAP ')) throw new Error(`unexpected first line from the mock broker: ${bootLine}`);
  const bootstrap = bootLine.slice('BOOTSTRAP '.length).trim().split(',');

  let stopped = false;
  const command = (line: string) =>
    new Promise<void>((res, rej) => {
      if (stopped || child.exitCode !== null) return rej(new Error('mock Kafka broker is not running'));
      waiting.push({
        resolve: (answer) => (answer === 'ok' ? res() : rej(new Error(`mock broker: ${line}: ${answer.replace(/^err /, '')}`))),
        reject: rej,
      });
      child.stdin!.write(`${line}\n`);
    });

  return {
    bootstrap,
    pid: child.pid!,
    command,
    brokerDown: (id) => command(`down ${id}`),
    brokerUp: (id) => command(`up ${id}`),
    setRtt: (id, ms) => command(`rtt ${id} ${ms}`),
    moveLeader: (topic, partition, broker) => command(`leader ${topic} ${partition} ${broker}`),
    pushErrors: (apiKey, count, errCode) => command(`push_errors ${apiKey} ${count} ${errCode}`),
    coordinator: (type, key, broker) => command(`coordinator ${type} ${key} ${broker}`),
    createTopic: (name, partitions) => command(`topic ${name} ${partitions}`),
    async stop() {
      if (stopped) return;
      stopped = true;
      child.stdin!.end(); // EOF makes it destroy the cluster and exit
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      process.off('exit', killOnExit);
    },
  };
}
