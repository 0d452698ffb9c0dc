import { ChainError } from '../errors.ts';
import { verifyCert } from '../finality.ts';
import { quorumOf } from '../genesis.ts';
import { blockHash } from '../header.ts';
import type { Genesis } from '../schema.ts';
import { suiteByName } from '../suites/index.ts';
import type { CheckpointFrame } from './snapshotDigest.ts';
import { snapshotMessage } from './snapshotDigest.ts';
import type { SnapshotMeta } from './snapshotFile.ts';

/**
 * Everything in a snapshot's description that can be checked without its entries: the chain,
 * the headers linked up to the claimed block, that block's finality certificate and a quorum of
 * members' signatures over the claimed root, both against the genesis member keys. Returns the
 * frame the entries' root must then be computed under.
 */
export function verifySnapshotMeta(meta: SnapshotMeta, genesis: Genesis): CheckpointFrame {
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
  const keys = new Map(genesis.members.map((m) => [m.dept, m.nodeKey]));
  const members = { quorum: quorumOf(genesis.members.length), nodeKey: (d: string) => keys.get(d) };
  if (meta.cert.height !== meta.height || meta.cert.hash !== meta.hash) throw refuse('SNAPSHOT_NOT_FINAL', `the certificate is for height ${meta.cert.height}, not the snapshot's block`);
  const certIssue = verifyCert(genesis.chain, suite, meta.cert, members);
  if (certIssue) throw refuse('SNAPSHOT_NOT_FINAL', `the block at height ${meta.height} is not certified final: ${certIssue}`);

  const signed = new Set<string>();
  const message = snapshotMessage(genesis.chain, meta.height, meta.hash, meta.root);
  for (const s of meta.sigs) {
    const key = keys.get(s.dept);
    if (!key || signed.has(s.dept) || !suite.verify(key, message, s.sig)) throw refuse('SNAPSHOT_NO_QUORUM', `the signature of ${s.dept} over the snapshot's root does not verify`);
    signed.add(s.dept);
  }
  if (signed.size < members.quorum) throw refuse('SNAPSHOT_NO_QUORUM', `only ${signed.size} members signed the snapshot's root; ${members.quorum} are needed`);
  return { chain: genesis.chain, height: meta.height, hash: meta.hash, finalHeight, lastOffset: top.lastOffset };
}
