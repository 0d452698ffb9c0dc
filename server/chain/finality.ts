import type { Cert } from './schema.ts';
import type { CryptoSuite } from './suites/suite.ts';

export const attestationMessage = (chain: string, height: number, hash: string): Uint8Array =>
  Buffer.from(`tongban/block/v1:${chain}:${height}:${hash}`);

export interface SigRecord {
  h: number;
  hash: string;
  dept: string;
  sig: string;
}

export type SigOutcome =
  | { kind: 'ignored'; reason: string }
  | { kind: 'counted' }
  | { kind: 'final'; cert: Cert }
  | { kind: 'conflict'; height: number; ours: string; quorum: string };

interface Members {
  quorum: number;
  nodeKey(dept: string): string | undefined;
}

/**
 * Collects header attestations from the log. A height is final when a quorum of distinct
 * member departments signed the same hash. Reading the same log, every node reaches the
 * same certificates at the same offsets, so certificates can go into later headers.
 */
export class FinalityTracker {
  private readonly votes = new Map<number, Map<string, Map<string, string>>>(); // height -> hash -> dept -> sig
  private readonly voted = new Map<number, Map<string, string>>(); // height -> dept -> key it voted with (first vote counts)
  finalHeight: number;

  constructor(
    private readonly chain: string,
    private readonly suite: CryptoSuite,
    finalHeight: number,
  ) {
    this.finalHeight = finalHeight;
  }

  private record(rec: SigRecord, key: string): Map<string, string> {
    const depts = this.voted.get(rec.h) ?? new Map<string, string>();
    depts.set(rec.dept, key);
    this.voted.set(rec.h, depts);
    const byHash = this.votes.get(rec.h) ?? new Map<string, Map<string, string>>();
    this.votes.set(rec.h, byHash);
    const sigs = byHash.get(rec.hash) ?? new Map<string, string>();
    byHash.set(rec.hash, sigs);
    sigs.set(rec.dept, rec.sig);
    return sigs;
  }

  /** Re-adds a vote counted (and verified) before a restart; quorum is judged on later votes. */
  restore(rec: SigRecord, key: string): void {
    if (rec.h > this.finalHeight && !this.voted.get(rec.h)?.has(rec.dept)) this.record(rec, key);
  }

  /**
   * After a membership change, votes from departments that are no longer members, or that
   * voted with a key since rotated away, stop counting: a certificate only ever carries
   * signatures valid under the membership before the block that carries it.
   */
  prune(nodeKey: (dept: string) => string | undefined): void {
    for (const [h, depts] of this.voted) {
      for (const [dept, key] of depts) {
        if (nodeKey(dept) === key) continue;
        depts.delete(dept);
        for (const sigs of this.votes.get(h)?.values() ?? []) sigs.delete(dept);
      }
    }
  }

  /**
   * @param ownHash this node's hash at that height, or undefined if it has not committed it
   */
  onSig(rec: SigRecord, ownHash: string | undefined, members: Members): SigOutcome {
    if (ownHash === undefined) return { kind: 'ignored', reason: 'height not committed here' };
    if (rec.h <= this.finalHeight) return { kind: 'ignored', reason: 'already final' };
    const key = members.nodeKey(rec.dept);
    if (!key) return { kind: 'ignored', reason: 'not a member' };
    if (this.voted.get(rec.h)?.has(rec.dept)) return { kind: 'ignored', reason: 'already voted' };
    if (!this.suite.verify(key, attestationMessage(this.chain, rec.h, rec.hash), rec.sig)) return { kind: 'ignored', reason: 'bad signature' };
    const sigs = this.record(rec, key);
    if (sigs.size < members.quorum) return { kind: 'counted' };
    if (rec.hash !== ownHash) return { kind: 'conflict', height: rec.h, ours: ownHash, quorum: rec.hash };
    // Heights are final in order: a certificate for h also settles everything below it.
    for (const h of [...this.votes.keys()]) if (h <= rec.h) { this.votes.delete(h); this.voted.delete(h); }
    this.finalHeight = rec.h;
    const cert: Cert = {
      height: rec.h,
      hash: rec.hash,
      sigs: [...sigs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([dept, sig]) => ({ dept, sig })),
    };
    return { kind: 'final', cert };
  }
}

/** Checks a certificate on its own: distinct members, valid signatures, a quorum. */
export function verifyCert(chain: string, suite: CryptoSuite, cert: Cert, members: Members): string | undefined {
  const seen = new Set<string>();
  for (const s of cert.sigs) {
    if (seen.has(s.dept)) return `duplicate signature from ${s.dept}`;
    seen.add(s.dept);
    const key = members.nodeKey(s.dept);
    if (!key) return `${s.dept} is not a member`;
    if (!suite.verify(key, attestationMessage(chain, cert.height, cert.hash), s.sig)) return `bad signature from ${s.dept}`;
  }
  if (seen.size < members.quorum) return `only ${seen.size} signatures; quorum is ${members.quorum}`;
  return undefined;
}
