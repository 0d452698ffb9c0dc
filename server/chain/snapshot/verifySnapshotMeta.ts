import { ChainError } from '../errors.ts';
import { attestationMessage } from '../finality.ts';
import { blockHash } from '../header.ts';
import type { Genesis } from '../schema.ts';
import { suiteByName } from '../suites/index.ts';
import { MemberTrack, validSigs } from './memberEvidence.ts';
import type { CheckpointFrame } from './snapshotDigest.ts';
import { snapshotMessage } from './snapshotDigest.ts';
import type { SnapshotMeta } from './snapshotFile.ts';

/**
 * Everything in a snapshot's description that can be checked without its entries: the chain,
 * the headers linked up to the claimed block, the membership changes up to it (each certified
 * by the members before it, memberEvidence.ts), and that block's finality certificate and a
 * quorum of members' signatures over the claimed root, both against the members so reached.
 * Signatures that do not verify are not counted; too few that do is a refusal. Returns the
 * frame the entries' root must then be computed under, the members' entries the state at the
 * height must hold (MemberTrack.assertState, which is how a change left out is found), and the
 * description with only the signatures that count, as a node keeps it. `strict` (verify, on a
 * kept description) refuses any signature that does not verify: none was kept.
 */
export function verifySnapshotMeta(meta: SnapshotMeta, genesis: Genesis, opts: { strict?: boolean } = {}): { frame: CheckpointFrame; track: MemberTrack; kept: SnapshotMeta } {
  const refuse = (code: string, message: string) => new ChainError(code, message, { status: 422 });
  if (meta.chain !== genesis.chain) throw refuse('SNAPSHOT_WRONG_CHAIN', `the snapshot is of chain ${meta.chain}, this node's is ${genesis.chain}`);
  const { headers } = meta;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i];
    if (h.chain !== genesis.chain) throw refuse('SNAPSHOT_BAD_HEADERS', `header ${h.height} is of another chain`);
    if (i > 0 && (h.height !== headers[i - 1].height + 1 || h.prev !== blockHash(headers[i - 1]))) {
      throw refuse('SNAPSHOT_BAD_HEADERS', `header ${h.height} does not follow header ${headers[i - 1].height}`);
    }
  }
  const top = headers[headers.length - 1];
  if (top.height !== meta.height || blockHash(top) !== meta.hash) throw refuse('SNAPSHOT_BAD_HEADERS', `the last header is not the block ${meta.hash} at height ${meta.height}`);
  const finalHeight = Math.max(0, ...headers.flatMap((h) => h.certs.map((c) => c.height)));
  if (headers[0].height > finalHeight + 1) throw refuse('SNAPSHOT_BAD_HEADERS', `the headers from ${finalHeight + 1} up are needed; they start at ${headers[0].height}`);

  const suite = suiteByName(genesis.suite);
  const track = new MemberTrack(genesis);
  const changes = (meta.members ?? []).map((change) => {
    if (change.headers[0].height > meta.height) throw refuse('SNAPSHOT_BAD_MEMBERS', `a membership change at height ${change.headers[0].height} is above the snapshot's height`);
    return track.apply(genesis.chain, suite, change, opts.strict);
  });
  const members = track.members;
  const after = changes.length ? ` (the members at height ${meta.height}, after ${changes.length} changes)` : '';
  const strict = (code: string, what: string) => (opts.strict ? (problem: string) => refuse(code, `${what}: ${problem}`) : undefined);
  if (meta.cert.height !== meta.height || meta.cert.hash !== meta.hash) throw refuse('SNAPSHOT_NOT_FINAL', `the certificate is for height ${meta.cert.height}, not the snapshot's block`);
  const certified = validSigs(suite, meta.cert.sigs, attestationMessage(genesis.chain, meta.height, meta.hash), members, strict('SNAPSHOT_NOT_FINAL', 'the certificate'));
  if (certified.length < members.quorum) {
    throw refuse('SNAPSHOT_NOT_FINAL', `the block at height ${meta.height} is not certified final: only ${certified.length} signatures verify${after}; quorum is ${members.quorum}`);
  }
  const signed = validSigs(suite, meta.sigs, snapshotMessage(genesis.chain, meta.height, meta.hash, meta.root), members, strict('SNAPSHOT_NO_QUORUM', "the root's signatures"));
  if (signed.length < members.quorum) throw refuse('SNAPSHOT_NO_QUORUM', `only ${signed.length} members' signatures over the snapshot's root verify${after}; ${members.quorum} are needed`);
  const kept: SnapshotMeta = { ...meta, cert: { ...meta.cert, sigs: certified }, sigs: signed, ...(changes.length ? { members: changes } : {}) };
  return { frame: { chain: genesis.chain, height: meta.height, hash: meta.hash, finalHeight, lastOffset: top.lastOffset }, track, kept };
}
