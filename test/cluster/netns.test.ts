import assert from 'node:assert/strict';
import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import knex, { type Knex } from 'knex';
import mysql from 'mysql2/promise';
import { createConsortium, type ConsortiumKeys } from '../../server/chain/consortium.ts';
import { generateEncKey } from '../../server/chain/sealing/envelope.ts';
import { ed25519Suite } from '../../server/chain/suites/ed25519.ts';
import { signTx } from '../../server/chain/tx.ts';
import { writeConsortium } from '../../server/consortiumFiles.ts';
import { startMockKafka, type MockKafka } from '../support/mockKafka.ts';
import { Lan, netemAvailable, netnsUnavailable, tempDir, type Host } from './support/netns.ts';

/**
 * Every department on a host of its own: four (then five) Linux network namespaces, each with
 * its own MariaDB server (its own data directory and socket) and data folder, the Kafka mock
 * broker in a fifth, joined by veth pairs to a bridge in a namespace of its own. Each host
 * reaches the broker through a TCP forwarder of its own (the mock broker listens and advertises
 * on loopback only), which also delays one host's traffic. Faults: one host cut off by
 * nftables, one host's link delayed, one node SIGKILLed; afterwards every node holds identical
 * headers at every height and every acknowledged transaction once; then a department joins by
 * governance, syncs from genesis on its own host, and its signature is needed for finality
 * while another host is cut off.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const proxyScript = join(root, 'test/cluster/support/tcpProxy.mjs');
const unavailable = netnsUnavailable();

interface NodeHost {
  dept: string;
  host: Host;
  dir: string;
  db?: Knex;
  proxy?: ChildProcess & { delay?: (ms: number) => Promise<void> };
  node?: ChildProcess;
}

/** Starts the forwarder and waits until it listens; `delay(ms)` changes its delay. */
async function startProxy(lan: Lan, host: Host, specs: string[]) {
  const child = lan.spawn(host, process.execPath, [proxyScript, ...specs], { stdio: ['pipe', 'pipe', 'inherit'] }) as ChildProcess & { delay: (ms: number) => Promise<void> };
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((l: string) => void)[] = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  const next = () => new Promise<string>((res, rej) => { waiting.push(res); child.once('exit', (c) => rej(new Error(`forwarder in ${host.ns} exited with ${c}`))); });
  assert.equal(await next(), 'READY');
  child.delay = async (ms) => {
    child.stdin!.write(`delay ${ms}\n`);
    assert.equal(await next(), 'ok');
  };
  return child;
}

const MARIADB_OPTIONS = ['--no-defaults', '--innodb-buffer-pool-size=64M', '--innodb-log-file-size=48M', '--innodb-flush-log-at-trx-commit=2', '--performance-schema=OFF', '--skip-name-resolve', '--character-set-server=utf8mb4', '--user=root'];

describe('departments on separate hosts (network namespaces) with faults', { skip: unavailable ? `skipped: ${unavailable}` : false, timeout: 600_000 }, () => {
  let dir: string;
  const depts = ['market', 'tax', 'hrss', 'housing'];
  const nodes: Record<string, NodeHost> = {};
  let lan: Lan;
  let keys: ConsortiumKeys;
  let kafka: MockKafka;
  let brokerHost: Host;
  let brokerPorts: number[];
  const acked: string[] = [];
  let counter = 0;
  const log = (m: string) => {
    if (process.env.TONGBAN_NETNS_LOG) console.log(`[netns] ${m}`);
  };

  async function startMariaDbIn(n: NodeHost): Promise<void> {
    const datadir = join(n.dir, 'mysql');
    cpSync(join(dir, 'mysql-template'), datadir, { recursive: true });
    const sock = join(n.dir, 'mysqld.sock');
    const child = lan.spawn(n.host, 'mariadbd', [...MARIADB_OPTIONS, `--datadir=${datadir}`, `--socket=${sock}`, `--pid-file=${join(n.dir, 'mysqld.pid')}`, '--bind-address=127.0.0.1', '--port=3306'], { stdio: 'ignore' });
    // A pathname socket is reachable from every network namespace: this process checks the
    // database over it while the node, inside the namespace, uses TCP on its own loopback.
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mariadbd in ${n.host.ns} exited with ${child.exitCode}`);
      try {
        const conn = await mysql.createConnection({ socketPath: sock, user: 'root' });
        await conn.query('CREATE DATABASE IF NOT EXISTS tongban CHARACTER SET utf8mb4');
        await conn.end();
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    n.db = knex({ client: 'mysql2', connection: { socketPath: sock, user: 'root', database: 'tongban' }, pool: { min: 0, max: 2 } });
  }

  const base = (d: string) => `http://${nodes[d].host.ip}:8080/${d}/api`;

  async function startNode(n: NodeHost): Promise<void> {
    n.node = lan.spawn(
      n.host,
      process.execPath,
      ['--import', 'tsx', 'server/main.ts', '--dept', n.dept, '--db', 'mysql://root@127.0.0.1:3306/tongban', '--kafka', brokerPorts.map((p) => `127.0.0.1:${p}`).join(','), '--allow-producer-time', '--consortium', join(n.dir, 'consortium'), '--port', '8080', '--host', n.host.ip, '--data', join(n.dir, 'data')],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error', TONGBAN_PROVER_WARM: '0' } },
    );
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (n.node.exitCode !== null) throw new Error(`${n.dept} exited with ${n.node.exitCode}`);
      try {
        if ((await fetch(`http://${n.host.ip}:8080/health`, { signal: AbortSignal.timeout(2000) })).ok) {
          log(`${n.dept} up at ${n.host.ip}`);
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${n.dept} did not come up within 90 s`);
  }

  async function kill(n: NodeHost): Promise<void> {
    const p = n.node;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((res) => {
      p.once('exit', () => res());
      p.kill('SIGKILL');
    });
  }

  /** A host on the LAN with its MariaDB, forwarder to the broker and node; only its own keys. */
  async function bringUp(dept: string, n: number, k: ConsortiumKeys): Promise<NodeHost> {
    const node: NodeHost = { dept, host: lan.addHost(dept, n), dir: join(dir, dept) };
    nodes[dept] = node;
    mkdirSync(join(node.dir, 'data'), { recursive: true });
    writeConsortium(join(node.dir, 'consortium'), { genesis: k.genesis, nodeKeys: { [dept]: k.nodeKeys[dept] }, encKeys: { [dept]: k.encKeys[dept] } });
    await startMariaDbIn(node);
    node.proxy = await startProxy(lan, node.host, brokerPorts.map((p) => `127.0.0.1:${p}=${brokerHost.ip}:${p}`));
    await startNode(node);
    return node;
  }

  function signed(dept: string, kind = 'user.register', payload?: Record<string, unknown>, actor?: string) {
    const key = keys.nodeKeys[dept];
    counter++;
    return signTx(
      { chain: keys.genesis.chain, kind, payload: payload ?? { id: `n${counter}`, name: `跨机${counter}`, role: 'approver' }, signer: ed25519Suite.publicKeyOf(key), ...(actor ? { actor } : {}), nonce: counter, time: Date.now() },
      key,
      ed25519Suite,
    );
  }
  async function submit(dept: string, wait = 'none', tx = signed(dept)) {
    const r = await fetch(`${base(dept)}/tx?wait=${wait}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tx), signal: AbortSignal.timeout(30_000) });
    const body = (await r.json()) as any;
    if (r.status === 202 || r.status === 200) acked.push(body.id);
    if (r.status === 504 && body.code === 'TIMEOUT') acked.push(body.data.id); // ordered, only the wait ran out
    return { status: r.status, body };
  }
  /** Submits with wait=final until one is final (a timed-out wait still ordered its record). */
  async function final(dept: string) {
    for (let i = 0; i < 4; i++) {
      const r = await submit(dept, 'final');
      if (r.status === 200) return r.body.receipt.height as number;
      assert.equal(r.status, 504, JSON.stringify(r.body));
    }
    throw new Error(`no transaction of ${dept} became final`);
  }
  const height = async (d: string) => Number((await nodes[d].db!('blocks').max({ h: 'height' }).first())!.h ?? -1);
  async function waitHeights(ds: string[], target: number, ms = 90_000) {
    const deadline = Date.now() + ms;
    while ((await Promise.all(ds.map(height))).some((h) => h < target)) {
      if (Date.now() > deadline) throw new Error(`heights ${(await Promise.all(ds.map(height))).join(',')} below ${target}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  /** Identical block hashes at every height, and every acknowledged transaction exactly once. */
  async function assertAgreement(ds: string[], target: number) {
    await waitHeights(ds, target);
    const common = Math.min(...(await Promise.all(ds.map(height))));
    const byNode = await Promise.all(ds.map(async (d) => new Map((await nodes[d].db!('blocks').where('height', '<=', common).select('height', 'hash')).map((r: { height: number; hash: string }) => [Number(r.height), r.hash]))));
    for (let h = 0; h <= common; h++) {
      const hashes = byNode.map((m) => m.get(h));
      assert.equal(new Set(hashes).size, 1, `height ${h}: ${ds.map((d, i) => `${d}=${hashes[i]}`).join(' ')}`);
      assert.ok(hashes[0], `height ${h} present`);
    }
    for (const d of ds) {
      const rows = await nodes[d].db!('txs').whereIn('id', acked).groupBy('id').select('id').count({ n: '*' });
      assert.equal(rows.length, new Set(acked).size, `${d} holds every acknowledged transaction`);
      assert.ok(rows.every((r: any) => Number(r.n) === 1), `${d} holds each acknowledged transaction once`);
    }
  }

  before(async () => {
    lan = new Lan(); // first: it removes what a killed run left, folders included
    dir = tempDir();
    log(`LAN ${lan.subnet}.0/24 (${lan.prefix}-*)`);
    keys = createConsortium({ chain: 'tongban-netns', depts, time: Date.now(), limits: { blockWaitMs: 50 } });
    brokerHost = lan.addHost('kafka', 100);
    kafka = await startMockKafka({ brokers: 3, topics: [`${keys.genesis.chain}.log`], launch: (cmd, args, opts) => lan.spawn(brokerHost, cmd, args, opts) });
    brokerPorts = kafka.bootstrap.map((b) => Number(b.slice(b.lastIndexOf(':') + 1)));
    // The mock listens on the broker host's loopback; the forwarder there serves it on the LAN.
    await startProxy(lan, brokerHost, brokerPorts.map((p) => `${brokerHost.ip}:${p}=127.0.0.1:${p}`));
    await promisify(execFile)('mariadb-install-db', ['--no-defaults', `--datadir=${join(dir, 'mysql-template')}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...MARIADB_OPTIONS.slice(1)], { timeout: 120_000 });
    await Promise.all(depts.map((d, i) => bringUp(d, i + 1, keys)));
  });
  after(async () => {
    for (const n of Object.values(nodes)) await n.db?.destroy();
    await kafka?.stop().catch(() => undefined);
    lan?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a host cut off, a host delayed, a node killed: all agree afterwards', async () => {
    for (let i = 0; i < 8; i++) assert.equal((await submit(depts[i % 4])).status, 202);
    await final('market');

    // hrss cut off: the other three go on (three of four are a quorum), hrss catches up once healed.
    const before = await height('hrss');
    lan.cut(nodes.hrss.host);
    await assert.rejects(fetch(`${base('hrss')}/chain/status`, { signal: AbortSignal.timeout(1000) }), 'hrss is unreachable while cut off');
    for (let i = 0; i < 9; i++) assert.equal((await submit(['market', 'tax', 'housing'][i % 3])).status, 202);
    const whileCut = await final('tax');
    assert.ok((await height('hrss')) < whileCut, 'the cut-off node did not see the blocks made without it');
    await assertAgreement(['market', 'tax', 'housing'], whileCut);
    log(`hrss cut at ${before}, others reached ${whileCut}`);
    lan.heal(nodes.hrss.host);
    await waitHeights(['hrss'], whileCut, 120_000);

    // housing behind a slow link: 150 ms each way to the broker; its submits still land.
    if (!netemAvailable(nodes.housing.host.ns)) log('no netem qdisc on this kernel: delaying through the forwarder');
    await nodes.housing.proxy!.delay!(150);
    const t0 = Date.now();
    for (let i = 0; i < 4; i++) assert.equal((await submit('housing')).status, 202);
    const slowAck = (Date.now() - t0) / 4;
    assert.ok(slowAck >= 150, `a submit through a 150 ms link takes at least one round trip (${slowAck} ms)`);
    for (let i = 0; i < 4; i++) assert.equal((await submit(depts[i % 4])).status, 202);
    const whileSlow = await final('housing');
    await nodes.housing.proxy!.delay!(0);

    // tax killed mid-run and restarted: it resumes from its last applied offset.
    await kill(nodes.tax);
    for (let i = 0; i < 6; i++) assert.equal((await submit(['market', 'hrss', 'housing'][i % 3])).status, 202);
    await startNode(nodes.tax);
    const last = await final('market');
    assert.ok(last > whileSlow);
    await assertAgreement(depts, last);
  });

  test('a fifth department joins by governance and syncs from genesis on its own host', async () => {
    const kp = ed25519Suite.generateKeyPair();
    const ek = generateEncKey();
    const econ = { dept: 'econ', name: '经信局', nameEn: 'Economy', nodeKey: kp.publicKey, encKey: ek.publicKey };
    const prop = await submit('market', 'receipt', signed('market', 'gov.propose', { type: 'member.add', params: econ }, 'admin'));
    assert.equal(prop.body.receipt?.status, 'ok', JSON.stringify(prop.body));
    for (const d of ['tax', 'hrss']) {
      const r = await submit(d, 'receipt', signed(d, 'gov.approve', { proposal: prop.body.id }, 'admin'));
      assert.equal(r.body.receipt?.status, 'ok', JSON.stringify(r.body));
    }
    const withEcon: ConsortiumKeys = { genesis: keys.genesis, nodeKeys: { ...keys.nodeKeys, econ: kp.privateKey }, encKeys: { ...keys.encKeys, econ: [ek.privateKey] } };
    await bringUp('econ', 5, withEcon);
    await waitHeights(['econ'], await height('market'));
    // Five members, quorum four: with housing cut off, a block is final only with econ's signature.
    lan.cut(nodes.housing.host);
    const withoutHousing = await final('tax');
    lan.heal(nodes.housing.host);
    const last = await final('market');
    assert.ok(last > withoutHousing);
    await assertAgreement([...depts, 'econ'], last);
    for (const d of [...depts, 'econ']) {
      const status = (await (await fetch(`${base(d)}/chain/status`)).json()) as { halted: unknown; quorum: number; members: { dept: string }[] };
      assert.ok(!status.halted, `${d} is not halted: ${JSON.stringify(status.halted)}`);
      assert.deepEqual([status.quorum, status.members.map((m) => m.dept).sort()], [4, ['econ', 'housing', 'hrss', 'market', 'tax']], d);
    }
  });
});
