import { randomBytes } from 'node:crypto';
import { canonicalJson } from '../../chain/canonical.ts';
import type { CryptoSuite } from '../../chain/suites/suite.ts';

/**
 * A node's request for a material file held by another node, signed with the requesting node's
 * key over everything that makes it this request: chain, method, path, hash, the department and
 * staff member it acts for, the dossier-view transaction that recorded the look, time and a
 * nonce. Domain-separated from transactions and attestations, so it cannot be replayed as either.
 */
export interface PeerRequest {
  chain: string;
  method: 'GET';
  path: string;
  hash: string;
  dept: string;
  user: string;
  viewTx: string;
  time: number;
  nonce: string;
}

/** How far a request's time may be from the holder's clock. */
export const PEER_WINDOW_MS = 60_000;
export const PEER_HEADER = 'x-tongban-peer';

const message = (r: PeerRequest) => Buffer.from(`tongban/peer-fetch/v1:${canonicalJson(r as unknown as Record<string, unknown>)}`);

export function signPeerRequest(r: Omit<PeerRequest, 'nonce' | 'time'>, privateKey: string, suite: CryptoSuite, now: number): string {
  const req: PeerRequest = { ...r, time: now, nonce: randomBytes(16).toString('hex') };
  const sig = suite.sign(privateKey, message(req));
  return Buffer.from(JSON.stringify({ req, sig })).toString('base64url');
}

export function readPeerHeader(header: string): { req: PeerRequest; sig: string } | undefined {
  try {
    const v = JSON.parse(Buffer.from(header, 'base64url').toString()) as { req?: PeerRequest; sig?: unknown };
    const r = v.req;
    if (!r || typeof v.sig !== 'string') return undefined;
    const strings = [r.chain, r.path, r.hash, r.dept, r.user, r.viewTx, r.nonce];
    if (r.method !== 'GET' || !strings.every((s) => typeof s === 'string' && s.length <= 256) || !Number.isSafeInteger(r.time)) return undefined;
    return { req: { chain: r.chain, method: r.method, path: r.path, hash: r.hash, dept: r.dept, user: r.user, viewTx: r.viewTx, time: r.time, nonce: r.nonce }, sig: v.sig };
  } catch {
    return undefined;
  }
}

export const verifyPeerSignature = (r: PeerRequest, sig: string, nodeKey: string, suite: CryptoSuite): boolean => suite.verify(nodeKey, message(r), sig);

/** Nonces seen within the window, per department: a request heard twice is refused the second time. */
export class SeenNonces {
  private readonly seen = new Map<string, number>();
  constructor(private readonly windowMs = PEER_WINDOW_MS) {}
  /** false when this nonce was seen already */
  add(dept: string, nonce: string, now: number): boolean {
    if (this.seen.size > 10_000) for (const [k, t] of this.seen) if (t < now - 2 * this.windowMs) this.seen.delete(k);
    const k = `${dept}:${nonce}`;
    if (this.seen.has(k)) return false;
    this.seen.set(k, now);
    return true;
  }
}
