import type { Logger } from 'pino';
import { canonicalJson } from './canonical.ts';
import { attestationMessage, FinalityTracker } from './finality.ts';
import { quorumOf } from './genesis.ts';
import { sha256Hex } from './hash.ts';
import type { MemberRecord } from './identity.ts';
import type { Orderer } from './orderer/orderer.ts';
import type { Cert, LogEntry, LogRecord } from './schema.ts';
import type { CryptoSuite } from './suites/suite.ts';
import type { VerifiedCache } from './verifiedCache.ts';

export interface Attestation {
  height: number;
  dept: string;
  hash: string;
  sig: string;
  offset: number;
}

export interface Halt {
  height: number;
  ours: string;
  quorum: string;
}

export interface VoterDeps {
  chain: string;
  dept: string;
  suite: CryptoSuite;
  privateKey: string;
  orderer: Orderer;
  log: Logger;
  verified: VerifiedCache;
  members(): MemberRecord[];
  /** this node's own block hash at a height, if it has the block */
  hashAt(height: number): Promise<string | undefined>;
  onFinal(cert: Cert): void;
  onConflict(halt: Halt): void;
}

/**
 * This node's part in finality: it signs each header it commits and logs the signature, and it
 * counts the members' signatures it reads from the log. The certificates and votes it collects
 * wait here until the next block's commit takes them (`take`), so they are saved with a block.
 */
export class FinalityVoter {
  private tracker!: FinalityTracker;
  private certs: Cert[] = [];
  private attestations: Attestation[] = [];
  /** the highest height each department attested, as this node saw it */
  lastAttested: Record<string, number> = {};

  constructor(private readonly d: VoterDeps) {}

  /**
   * Votes counted before the last committed block were saved with it; later ones are read
   * again from the log. Finality itself is only ever saved with a block, so a restart reaches
   * every certificate at the same offset as before.
   */
  restore(finalHeight: number, saved: { height: number; dept: string; hash: string; sig: string }[], lastAttested: Record<string, number>): void {
    this.tracker = new FinalityTracker(this.d.chain, this.cachedSuite(), finalHeight);
    this.lastAttested = lastAttested;
    for (const a of saved) {
      const key = this.nodeKey(a.dept);
      if (key) this.tracker.restore({ h: a.height, hash: a.hash, dept: a.dept, sig: a.sig }, key);
    }
  }

  /**
   * What the next block's commit carries: certificates for its header, votes for its rows. The
   * votes go with this attempt; the certificates stay until `committed`, because a failed commit
   * is retried from the log, where a height already final is not reached again.
   */
  take(): { certs: Cert[]; attestations: Attestation[] } {
    const out = { certs: this.certs, attestations: this.attestations };
    this.attestations = [];
    return out;
  }

  /** Certificates complete but not yet carried by a block (the next block's commit takes them). */
  get pendingCerts(): readonly Cert[] {
    return [...this.certs];
  }

  /** The block carrying the certificates is committed. */
  committed(): void {
    this.certs = [];
  }

  /** Forgets votes of departments that left or changed keys. */
  prune(): void {
    this.tracker.prune((d) => this.nodeKey(d));
  }

  async attest(height: number, hash: string): Promise<void> {
    const sig = this.d.suite.sign(this.d.privateKey, attestationMessage(this.d.chain, height, hash));
    try {
      await this.d.orderer.append([Buffer.from(canonicalJson({ t: 'sig', h: height, hash, dept: this.d.dept, sig }))]);
    } catch (err) {
      // Finality waits for a later attestation; a lost one only delays it.
      this.d.log.warn({ err, height }, 'could not post attestation');
    }
  }

  async onSig(rec: Extract<LogRecord, { t: 'sig' }>, entry: LogEntry, headHeight: number): Promise<void> {
    const own = rec.h <= headHeight ? await this.d.hashAt(rec.h) : undefined;
    const outcome = this.tracker.onSig(rec, own, {
      quorum: quorumOf(this.d.members().length),
      nodeKey: (d) => this.nodeKey(d),
    });
    if (outcome.kind === 'counted' || outcome.kind === 'final' || outcome.kind === 'conflict') {
      // Kept with the next block's commit (one insert for all).
      this.attestations.push({ height: rec.h, dept: rec.dept, hash: rec.hash, sig: rec.sig, offset: entry.offset });
      this.lastAttested[rec.dept] = Math.max(this.lastAttested[rec.dept] ?? 0, rec.h);
    } else if (outcome.kind === 'ignored' && outcome.reason === 'already final') this.noteLateAttestation(rec, own);
    if (outcome.kind === 'final') {
      this.certs.push(outcome.cert);
      this.d.onFinal(outcome.cert);
    } else if (outcome.kind === 'conflict') {
      this.d.onConflict({ height: outcome.height, ours: outcome.ours, quorum: outcome.quorum });
    }
  }

  /**
   * A member that signs a height after the quorum made it final is still at the head: the status
   * says so (it would otherwise read as lagging by every block the quorum outran it). Only its
   * progress is noted, after the signature and the hash are checked; the vote counts for nothing.
   */
  private noteLateAttestation(rec: Extract<LogRecord, { t: 'sig' }>, own: string | undefined): void {
    if (own !== rec.hash || rec.h <= (this.lastAttested[rec.dept] ?? 0)) return;
    const key = this.nodeKey(rec.dept);
    if (key && this.cachedSuite().verify(key, attestationMessage(this.d.chain, rec.h, rec.hash), rec.sig)) this.lastAttested[rec.dept] = rec.h;
  }

  private nodeKey(dept: string): string | undefined {
    return this.d.members().find((m) => m.dept === dept)?.nodeKey;
  }

  /** The chain's suite, remembering signatures this process has verified (see VerifiedCache). */
  private cachedSuite(): CryptoSuite {
    const inner = this.d.suite;
    const cache = this.d.verified;
    return {
      ...inner,
      verify(publicKey, message, signature) {
        const k = sha256Hex(`${publicKey}:${Buffer.from(message).toString('hex')}:${signature}`);
        if (cache.has(k)) return true;
        const ok = inner.verify(publicKey, message, signature);
        if (ok) cache.add(k);
        return ok;
      },
    };
  }
}
