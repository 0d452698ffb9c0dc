import { createHash, type Hash } from 'node:crypto';
import { canonicalJson } from '../canonical.ts';
import { ChainError } from '../errors.ts';
import { sha256Hex } from '../hash.ts';

/** Everything a node's next block depends on besides the log, at one height (checkpointView.ts). */
export interface CheckpointFrame {
  chain: string;
  height: number;
  hash: string;
  /** the highest certificate carried by the headers up to `height` */
  finalHeight: number;
  lastOffset: number;
}

export interface Vote {
  height: number;
  dept: string;
  hash: string;
  sig: string;
  offset: number;
}

/** One entry of a checkpoint (checkpointView.ts), as the digest and the file take them. */
export type CheckpointEntry =
  | { s: 'state'; k: string; v: string }
  | { s: 'id'; id: string }
  | { s: 'nonce'; signer: string; nonce: number }
  | { s: 'vote'; vote: Vote };

/** What the members sign over a checkpoint: the block hash (so the header too) and the root. */
export const snapshotMessage = (chain: string, height: number, hash: string, root: string): Uint8Array =>
  Buffer.from(`tongban/snapshot/v1:${chain}:${height}:${hash}:${root}`);

const malformed = (what: string) => new ChainError('SNAPSHOT_MALFORMED', `the snapshot's ${what} are not in strictly ascending order`, { status: 400 });

/**
 * The root of a checkpoint: one hash per section over its entries in a fixed order (state by
 * key, transaction ids, nonces by signer then number, votes by log offset), each entry as a
 * canonical JSON line, and the frame. The header's stateHash chains the writes of every block,
 * so it cannot be recomputed from a state; this root can, by anyone holding the entries, and a
 * quorum of members signs it beside the block hash. The node computing it and the node checking
 * an untrusted file feed the same class, which also refuses entries out of order, so a file
 * cannot carry a key twice.
 */
export class SnapshotDigest {
  private readonly h: Record<'state' | 'ids' | 'nonces' | 'votes', Hash> = {
    state: createHash('sha256'),
    ids: createHash('sha256'),
    nonces: createHash('sha256'),
    votes: createHash('sha256'),
  };
  private lastKey: string | undefined;
  private lastId: string | undefined;
  private lastNonce: { signer: string; nonce: number } | undefined;
  private lastOffset = -Infinity;
  readonly counts = { state: 0, ids: 0, nonces: 0, votes: 0 };

  state(k: string, v: string): void {
    if (this.lastKey !== undefined && !(k > this.lastKey)) throw malformed('state keys');
    this.lastKey = k;
    this.counts.state++;
    this.h.state.update(`${canonicalJson([k, v])}\n`);
  }

  id(id: string): void {
    if (this.lastId !== undefined && !(id > this.lastId)) throw malformed('transaction ids');
    this.lastId = id;
    this.counts.ids++;
    this.h.ids.update(`${canonicalJson(id)}\n`);
  }

  nonce(signer: string, nonce: number): void {
    const p = this.lastNonce;
    if (p && !(signer > p.signer || (signer === p.signer && nonce > p.nonce))) throw malformed('nonces');
    this.lastNonce = { signer, nonce };
    this.counts.nonces++;
    this.h.nonces.update(`${canonicalJson([signer, nonce])}\n`);
  }

  vote(v: Vote): void {
    if (!(v.offset > this.lastOffset)) throw malformed('votes');
    this.lastOffset = v.offset;
    this.counts.votes++;
    this.h.votes.update(`${canonicalJson([v.height, v.dept, v.hash, v.sig, v.offset])}\n`);
  }

  add(e: CheckpointEntry): void {
    if (e.s === 'state') this.state(e.k, e.v);
    else if (e.s === 'id') this.id(e.id);
    else if (e.s === 'nonce') this.nonce(e.signer, e.nonce);
    else this.vote(e.vote);
  }

  root(frame: CheckpointFrame): string {
    const part = (k: keyof typeof this.h) => this.h[k].digest('hex');
    return sha256Hex(canonicalJson({ ...frame, state: part('state'), ids: part('ids'), nonces: part('nonces'), votes: part('votes') }));
  }
}

/** The root of a checkpoint's entries under its frame. */
export async function rootOf(frame: CheckpointFrame, entries: AsyncIterable<CheckpointEntry>): Promise<{ root: string; counts: SnapshotDigest['counts'] }> {
  const d = new SnapshotDigest();
  for await (const e of entries) d.add(e);
  return { root: d.root(frame), counts: d.counts };
}
