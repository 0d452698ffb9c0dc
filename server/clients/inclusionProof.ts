import { canonicalJson } from '../chain/canonical.ts';
import { reject } from '../chain/errors.ts';
import { chainVersionOf } from '../chain/genesis.ts';
import { sha256Hex } from '../chain/hash.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import type { Cert } from '../chain/schema.ts';
import type { TxRow } from '../chain/store/chainStore.ts';
import { leafHash, leafText, levels, proofFrom } from '../../shared/verify/merkleProof.ts';
import type { TxInclusion } from '../../shared/verify/inclusion.ts';

/** How many blocks past a transaction's block the node looks for the certificate that makes it final. */
const CERT_SEARCH = 1000;

/**
 * The proof that a committed transaction is in its block and that block is final: the receipt's
 * audit path in the block's transaction tree, the headers from that block up to the first
 * certified one, and that certificate (carried by a later block). shared/verify/inclusion.ts
 * checks it offline against the consortium's member keys.
 */
export async function inclusionProofOf(node: ModulePort, row: TxRow): Promise<TxInclusion> {
  if (row.height > node.finalHeight) reject('NOT_FINAL', `block ${row.height} is not final yet (final: ${node.finalHeight}); ask again when it is`, 409);
  const version = chainVersionOf(node.genesis);
  const txs = await node.blockTxs(row.height);
  const leaves = txs.map((t) => leafHash(leafText(t.id, t.status, t.code, sha256Hex(canonicalJson(t.events))), version));
  const proof = proofFrom(levels(leaves, version), row.index);
  const headers: TxInclusion['headers'] = [];
  const proofWith = (cert: Cert): TxInclusion => ({
    tx: JSON.parse(row.raw) as TxInclusion['tx'],
    receipt: { id: row.id, height: row.height, index: row.index, status: row.status, code: row.code, events: row.events },
    proof,
    headers: headers.filter((x) => x.height <= cert.height),
    cert,
  });
  const firstAbove = (certs: readonly Cert[]) => certs.filter((c) => c.height >= row.height).sort((a, b) => a.height - b.height)[0];
  for (let h = row.height; h <= Math.min(node.height, row.height + CERT_SEARCH); h++) {
    const b = await node.block(h);
    if (!b) break;
    headers.push({ height: b.height, hash: b.hash, header: b.header as unknown as TxInclusion['headers'][number]['header'] });
    // the first certificate at or above the block, carried by this one
    const cert = firstAbove(b.header.certs);
    if (cert) return proofWith(cert);
  }
  // the newest finality rides with the next block; until one comes, the node's own copy of it
  const pending = firstAbove(node.uncarriedCerts());
  if (pending && headers.some((x) => x.height === pending.height)) return proofWith(pending);
  return reject('NOT_CERTIFIED', `no block after ${row.height} carries its finality certificate yet; ask again after the next block`, 409);
}
