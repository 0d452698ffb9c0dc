import { z } from 'zod';
import { canonicalJson } from '../canonical.ts';
import { ChainError } from '../errors.ts';
import { attestationMessage } from '../finality.ts';
import { genesisEntries } from '../genesisState.ts';
import { blockHash } from '../header.ts';
import { isMemberKey, memberKeysOf, type MemberKeys } from '../memberKeys.ts';
import { Cert, Header, type Genesis } from '../schema.ts';
import { nextStateHash } from '../state.ts';
import type { CryptoSuite } from '../suites/suite.ts';

/**
 * One block that changed the membership (a member added or removed, a node key rotated), as a
 * snapshot carries it so that a node starting from it knows the members at its height without
 * the blocks before: the block's header and its predecessor's (whose state hash the writes
 * chain from), every write of the block in order (they hash to the header's stateHash, so none
 * can be left out or changed), and a finality certificate of that block or a later one (with
 * the headers linking them) signed by a quorum of the members BEFORE the change. Trust moves
 * from genesis one change at a time, each step vouched for by the members it replaces.
 */
export const MemberChange = z.strictObject({
  prev: Header,
  headers: z.array(Header).min(1).max(512),
  writes: z.array(z.tuple([z.string().max(255), z.string().max(4_000_000).nullable(), z.string().max(4_000_000).nullable(), z.string().max(64)])).min(1).max(100_000),
  cert: Cert,
});
export type MemberChange = z.infer<typeof MemberChange>;

const bad = (message: string) => new ChainError('SNAPSHOT_BAD_MEMBERS', message, { status: 422 });

type Sig = { dept: string; sig: string };

/** The departments whose signature over `message` verifies under `members`; others are not counted. */
export function validSigners(suite: CryptoSuite, sigs: readonly Sig[], message: Uint8Array, members: MemberKeys): Set<string> {
  return new Set(validSigs(suite, sigs, message, members).map((s) => s.dept));
}

/**
 * The signatures over `message` that verify under `members`, one per department. A file may
 * carry more (a member's signature made with a key since rotated out): those are left out. A
 * node keeps only these, so a stored signature that does not verify has been changed: `strict`
 * refuses it by name.
 */
export function validSigs(suite: CryptoSuite, sigs: readonly Sig[], message: Uint8Array, members: MemberKeys, strict?: (problem: string) => Error): Sig[] {
  const out = new Map<string, Sig>();
  for (const s of sigs) {
    const key = members.nodeKey(s.dept);
    if (key && !out.has(s.dept) && suite.verify(key, message, s.sig)) out.set(s.dept, { dept: s.dept, sig: s.sig });
    else if (strict) throw strict(`the signature of ${s.dept} does not verify`);
  }
  return [...out.values()];
}

/** The member entries of a state (`members`, `member/<dept>`) as the chain moves them, from genesis on. */
export class MemberTrack {
  readonly state = new Map<string, string>();
  /** the height of the last change applied */
  height = 0;

  constructor(genesis: Genesis) {
    for (const [k, v] of genesisEntries(genesis)) if (isMemberKey(k)) this.state.set(k, canonicalJson(v));
  }

  get members(): MemberKeys {
    return memberKeysOf((k) => this.state.get(k));
  }

  /**
   * Checks one change against the members in force and applies its member writes. A write whose
   * old value is not what this track holds means a change before it is missing.
   */
  apply(chain: string, suite: CryptoSuite, c: MemberChange, strict = false): MemberChange {
    const [first] = c.headers;
    const last = c.headers[c.headers.length - 1];
    const at = first.height;
    if (at <= this.height) throw bad(`the membership change at height ${at} is not after the one at ${this.height}`);
    if (c.prev.chain !== chain || c.prev.height !== at - 1 || first.prev !== blockHash(c.prev)) throw bad(`the header before the membership change at height ${at} is not its parent`);
    c.headers.forEach((h, i) => {
      if (h.chain !== chain || (i > 0 && (h.height !== c.headers[i - 1].height + 1 || h.prev !== blockHash(c.headers[i - 1])))) throw bad(`the headers after the membership change at height ${at} are not linked`);
    });
    const writes = c.writes.map(([key, old, nu, txId]) => ({ key, old, new: nu, txId }));
    if (nextStateHash(c.prev.stateHash, writes) !== first.stateHash) throw bad(`the writes of the block at height ${at} do not hash to its state hash`);
    const members = this.members;
    if (c.cert.height !== last.height || c.cert.hash !== blockHash(last)) throw bad(`the certificate carried for the membership change at height ${at} is not of its headers`);
    const signed = validSigs(suite, c.cert.sigs, attestationMessage(chain, c.cert.height, c.cert.hash), members, strict ? (p) => bad(`the certificate of the membership change at height ${at}: ${p}`) : undefined);
    if (signed.length < members.quorum) throw bad(`the membership change at height ${at} is certified by ${signed.length} of the members before it; ${members.quorum} are needed`);
    let touched = false;
    for (const w of writes) {
      if (!isMemberKey(w.key)) continue;
      touched = true;
      if ((this.state.get(w.key) ?? null) !== w.old) {
        throw new ChainError('SNAPSHOT_MEMBERS_MISSING', `the block at height ${at} changed ${w.key} from a value no earlier membership change in the snapshot set`, { status: 422 });
      }
      if (w.new === null) this.state.delete(w.key);
      else this.state.set(w.key, w.new);
    }
    if (!touched) throw bad(`the block at height ${at} changed no member`);
    this.height = at;
    return { ...c, cert: { ...c.cert, sigs: signed } };
  }

  /** The members' entries of a state at the snapshot height must be the ones this track reached. */
  assertState(height: number, state: ReadonlyMap<string, string>): void {
    for (const k of new Set([...state.keys(), ...this.state.keys()])) {
      if (state.get(k) !== this.state.get(k)) {
        throw new ChainError('SNAPSHOT_MEMBERS_MISSING', `the state at height ${height} has ${k} other than the snapshot's membership changes give: a change is missing`, { status: 422 });
      }
    }
  }
}
