import { createHash } from 'node:crypto';
import { ChainError } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { suiteByName } from '../../chain/suites/index.ts';
import { sniff, storeBlob } from '../http/materialsStore.ts';
import { peerLinksOf } from './peerConfig.ts';
import { PEER_HEADER, signPeerRequest } from './peerRequest.ts';

export interface Filed {
  hash: string;
  code: string;
  type: string;
  size: number;
}

/**
 * A material file this node does not hold, from the member nodes that may: each is asked in
 * turn with a signed request, and what comes back is kept only if its SHA-256 is the hash on
 * the chain and it is the type and size the filing says. Then it is cached in ap_blobs like an
 * upload. An altered copy is never returned or kept (MATERIAL_ALTERED); no holder at all is
 * MATERIAL_UNAVAILABLE; a holder that refused says why (its code).
 */
export async function fetchMaterial(node: ModulePort, f: Filed, look: { user: string; viewTx: string }, now = Date.now): Promise<{ type: string; content: Buffer }> {
  const links = peerLinksOf(node);
  const peers = [...(links?.urls ?? new Map<string, string>())].filter(([dept]) => dept !== node.dept);
  let altered: string | undefined;
  let refused: { code: string; message: string; status: number } | undefined;
  for (const [dept, base] of peers) {
    const path = `/${dept}/api/approval/peer/materials/${f.hash}`;
    const header = signPeerRequest({ chain: node.genesis.chain, method: 'GET', path, hash: f.hash, dept: node.dept, user: look.user, viewTx: look.viewTx }, links!.privateKey, suiteByName(node.genesis.suite), now());
    let res: Response;
    try {
      res = await fetch(base + path, { headers: { [PEER_HEADER]: header }, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      node.log.warn({ err, peer: dept }, 'material fetch: peer unreachable');
      continue;
    }
    if (res.status === 404) continue;
    if (res.status !== 200) {
      const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
      refused = { code: body.code ?? 'PEER_REFUSED', message: `${dept}: ${body.message ?? res.statusText}`, status: res.status === 401 || res.status === 403 ? 403 : 502 };
      continue;
    }
    const content = Buffer.from(await res.arrayBuffer());
    const got = createHash('sha256').update(content).digest('hex');
    if (got !== f.hash || content.length !== Number(f.size) || sniff(content) !== f.type) {
      altered = dept;
      node.log.error({ peer: dept, hash: f.hash, got }, 'material fetch: the copy does not match the hash on the chain');
      continue;
    }
    await storeBlob(node.db, { body: content, type: f.type as never, owner: f.code, uploadedBy: `peer:${dept}` });
    return { type: f.type, content };
  }
  if (altered) throw new ChainError('MATERIAL_ALTERED', `the copy held by ${altered} does not match the hash on the chain; it was not shown or kept`, { status: 502, data: { hash: f.hash, holder: altered } });
  if (refused) throw new ChainError(refused.code, refused.message, { status: refused.status });
  throw new ChainError('MATERIAL_UNAVAILABLE', 'no member node answered with this file', { status: 404, data: { hash: f.hash } });
}
