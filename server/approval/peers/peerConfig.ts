import { readFileSync } from 'node:fs';

/**
 * Where the other departments' nodes answer, for fetching material files by hash:
 * TONGBAN_PEERS=market=https://tongban.market.gov:8443,tax=https://… or a file named by
 * TONGBAN_PEERS_FILE with one `dept=url` a line. A department hosted in this same process (the
 * embedded mode) is reached over loopback at the platform's own address once it listens.
 */
export interface PeerLinks {
  /** this node's key, to sign requests with */
  privateKey: string;
  urls: Map<string, string>;
}

const links = new WeakMap<object, PeerLinks>();

export function parsePeers(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(/[,\n]/)) {
    const s = part.trim();
    if (!s || s.startsWith('#')) continue;
    const i = s.indexOf('=');
    if (i <= 0) throw new Error(`TONGBAN_PEERS: "${s}" is not dept=url`);
    const url = new URL(s.slice(i + 1).trim());
    out.set(s.slice(0, i).trim(), url.toString().replace(/\/$/, ''));
  }
  return out;
}

export function peersFromEnv(env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const file = env.TONGBAN_PEERS_FILE;
  return parsePeers([env.TONGBAN_PEERS ?? '', file ? readFileSync(file, 'utf8') : ''].join('\n'));
}

/**
 * Gives each node its signing key and the peers' addresses; returns what to call once the
 * platform listens, so this process's own departments are reached on its own address.
 */
export function attachPeers(nodes: { dept: string; db: object }[], nodeKeys: Record<string, string>, urls = peersFromEnv()): (host: string, port: number) => void {
  for (const n of nodes) links.set(n.db, { privateKey: nodeKeys[n.dept], urls: new Map(urls) });
  return (host, port) => {
    const self = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
    for (const n of nodes) {
      const l = links.get(n.db)!;
      for (const other of nodes) if (!l.urls.has(other.dept)) l.urls.set(other.dept, self);
    }
  };
}

/** A node's links, found by its database handle: the one thing its module port and the node share. */
export const peerLinksOf = (node: { db: object }): PeerLinks | undefined => links.get(node.db);
