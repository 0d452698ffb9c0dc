import { execFileSync, spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private LAN of Linux network namespaces for cluster tests: one namespace holds a bridge,
 * every host is a namespace joined to it by a veth pair, and this process reaches them over one
 * more veth into the bridge. Everything is named after this process id (`tbn<pid>-…`), so a
 * later run removes what a killed run left, and destroy() (also run at process exit) removes
 * this run's processes, namespaces and links.
 */
const run = (cmd: string, args: string[], input?: string) => execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
const ok = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

/** Why namespaces cannot be made here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root';
  for (const cmd of ['ip', 'nft']) if (!ok('sh', ['-c', `command -v ${cmd}`])) return `\`${cmd}\` is not installed (${cmd === 'ip' ? 'iproute2' : 'nftables'})`;
  const probe = `tbn${process.pid}-probe`;
  const r = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (r.status !== 0) return `ip netns add failed: ${r.stderr.trim()}`;
  ok('ip', ['netns', 'del', probe]);
  return undefined;
}

/** A folder for the hosts' data, named like the namespaces so that a later run removes it if this one is killed. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), `tbn${process.pid}-`));
}

/** Does this kernel have the netem qdisc? (Some minimal kernels lack it.) */
export function netemAvailable(ns: string): boolean {
  return ok('ip', ['netns', 'exec', ns, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms']);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Kills the processes in a namespace (all of them started by a test) and removes it. */
function removeNamespace(ns: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  ok('ip', ['netns', 'del', ns]);
}

/** Removes what an earlier run, killed before its cleanup, left behind. */
function sweepStale(): void {
  const names = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
  for (const ns of names) {
    const m = /^tbn(\d+)-/.exec(ns);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) removeNamespace(ns);
  }
  // and the folders a test made with tempDir()
  for (const f of readdirSync(tmpdir())) {
    const m = /^tbn(\d+)-/.exec(f);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) rmSync(join(tmpdir(), f), { recursive: true, force: true });
  }
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout.split('\n');
  for (const l of links) {
    const m = /^\d+: (tbn(\d+))[@:]/.exec(l);
    if (m && Number(m[2]) !== process.pid && !alive(Number(m[2]))) ok('ip', ['link', 'del', m[1]]);
  }
}

/** A /24 in 10.231.0.0/16 that no interface of this machine uses yet. */
function freeSubnet(): string {
  const used = run('ip', ['-4', '-o', 'addr', 'show']);
  for (let i = 0; i < 250; i++) {
    const third = 1 + ((process.pid + i) % 250);
    const prefix = `10.231.${third}`;
    if (!used.includes(` ${prefix}.`)) return prefix;
  }
  throw new Error('no free /24 in 10.231.0.0/16');
}

export interface Host {
  ns: string;
  ip: string;
}

export class Lan {
  readonly prefix = `tbn${process.pid}`;
  readonly subnet: string;
  readonly bridgeNs: string;
  readonly hostLink: string;
  private hosts: Host[] = [];
  private children = new Set<ChildProcess>();
  private cleanup = () => this.destroy();
  // Interrupted (Ctrl-C, a runner's timeout) rather than exiting: clean up, then die as asked.
  private onSignal = (sig: NodeJS.Signals) => {
    this.destroy();
    process.kill(process.pid, sig);
  };

  constructor() {
    sweepStale();
    this.subnet = freeSubnet();
    this.bridgeNs = `${this.prefix}-lan`;
    this.hostLink = this.prefix;
    process.once('exit', this.cleanup);
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
    try {
      run('ip', ['netns', 'add', this.bridgeNs]);
      const inBr = (...a: string[]) => run('ip', ['netns', 'exec', this.bridgeNs, ...a]);
      inBr('ip', 'link', 'set', 'lo', 'up');
      inBr('ip', 'link', 'add', 'br0', 'type', 'bridge');
      inBr('ip', 'link', 'set', 'br0', 'up');
      // this process's way in: .254 on the LAN
      run('ip', ['link', 'add', this.hostLink, 'type', 'veth', 'peer', 'name', 'up0', 'netns', this.bridgeNs]);
      inBr('ip', 'link', 'set', 'up0', 'master', 'br0', 'up');
      run('ip', ['addr', 'add', `${this.subnet}.254/24`, 'dev', this.hostLink]);
      run('ip', ['link', 'set', this.hostLink, 'up']);
    } catch (err) {
      this.destroy();
      throw err;
    }
  }

  /** A new host on the LAN: a namespace with loopback and `eth0` at `<subnet>.<n>`. */
  addHost(name: string, n: number): Host {
    const ns = `${this.prefix}-${name}`;
    const ip = `${this.subnet}.${n}`;
    run('ip', ['netns', 'add', ns]);
    const host = { ns, ip };
    this.hosts.push(host);
    run('ip', ['link', 'add', 'eth0', 'netns', ns, 'type', 'veth', 'peer', 'name', `p${n}`, 'netns', this.bridgeNs]);
    run('ip', ['netns', 'exec', this.bridgeNs, 'ip', 'link', 'set', `p${n}`, 'master', 'br0', 'up']);
    const inNs = (...a: string[]) => run('ip', ['netns', 'exec', ns, ...a]);
    inNs('ip', 'link', 'set', 'lo', 'up');
    inNs('ip', 'addr', 'add', `${ip}/24`, 'dev', 'eth0');
    inNs('ip', 'link', 'set', 'eth0', 'up');
    return host;
  }

  /** Starts a process inside a host's namespace; it is killed by destroy() if still running. */
  spawn(host: Host, cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', host.ns, cmd, ...args], opts);
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** Runs a command to completion inside a host's namespace. */
  exec(host: Host, cmd: string, args: string[], input?: string): string {
    return run('ip', ['netns', 'exec', host.ns, cmd, ...args], input);
  }

  /** Drops every packet in and out of the host's LAN link (loopback still works). */
  cut(host: Host): void {
    this.exec(host, 'nft', ['-f', '-'], 'table inet tbcut {\n chain in { type filter hook input priority 0; policy accept; iifname "eth0" drop; }\n chain out { type filter hook output priority 0; policy accept; oifname "eth0" drop; }\n}\n');
  }

  heal(host: Host): void {
    this.exec(host, 'nft', ['delete', 'table', 'inet', 'tbcut']);
  }

  destroy(): void {
    process.off('exit', this.cleanup);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const h of this.hosts.splice(0)) removeNamespace(h.ns);
    removeNamespace(this.bridgeNs);
    ok('ip', ['link', 'del', this.hostLink]);
  }
}
