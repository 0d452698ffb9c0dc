import type Router from '@koa/router';
import type { Context } from 'koa';
import { ChainError } from '../../chain/errors.ts';
import { keys, type MemberRecord, type UserRecord } from '../../chain/identity.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { suiteByName } from '../../chain/suites/index.ts';
import { PEER_HEADER, PEER_WINDOW_MS, readPeerHeader, SeenNonces, verifyPeerSignature } from '../peers/peerRequest.ts';
import { DOSSIER_SECTIONS } from './access.ts';

import { MIME } from './materialsStore.ts';
import * as q from '../readModel/queries.ts';
import { notFound, RouteKit } from '../../http/routeKit.ts';

const refuse = (code: string, message: string, status = 401) => new ChainError(code, message, { status });

/**
 * The holder's side of a material fetch between nodes. No session: the requesting node signs
 * the request with its node key (peers/peerRequest.ts), checked against that member's current
 * key in state, within a minute of this node's clock and never twice. The staff member it acts
 * for must be allowed materials by the dossier's own rule (DOSSIER_SECTIONS), and the look must
 * be on the chain: the request names its dossier.view transaction, which this node waits to see
 * committed, signed by that node for that person about this file, before it sends a byte.
 */
export function peerMaterialRoutes(node: ModulePort, clock: () => number = Date.now): Router {
  const r = new RouteKit('/approval');
  const seen = new SeenNonces();

  async function authorise(ctx: Context, hash: string) {
    const signed = readPeerHeader(ctx.get(PEER_HEADER));
    if (!signed) throw refuse('PEER_UNSIGNED', `a node's request carries its signed ${PEER_HEADER} header`);
    const { req, sig } = signed;
    if (req.chain !== node.genesis.chain || req.path !== ctx.path || req.hash !== hash) throw refuse('PEER_BAD_REQUEST', 'the signed request is for another chain, path or file');
    if (Math.abs(req.time - clock()) > PEER_WINDOW_MS) throw refuse('PEER_STALE', `the request was signed more than ${PEER_WINDOW_MS / 1000} s from this node's clock`);
    const member = await node.view().get<MemberRecord>(keys.member(req.dept));
    if (!member?.active) throw refuse('PEER_NOT_MEMBER', `${req.dept} is not an active member`, 403);
    if (!verifyPeerSignature(req, sig, member.nodeKey, suiteByName(node.genesis.suite))) throw refuse('PEER_BAD_SIGNATURE', `the signature is not ${req.dept}'s current node key's`);
    if (!seen.add(req.dept, req.nonce, clock())) throw refuse('PEER_REPLAY', 'this request was heard before');
    const user = await node.view().get<UserRecord>(keys.user(req.dept, req.user));
    if (!user?.active || !DOSSIER_SECTIONS[user.role]?.includes('materials')) throw refuse('PEER_NO_BASIS', `${req.dept}/${req.user} has no basis to open materials`, 403);
    return { req, member };
  }

  async function recordedLook(req: { viewTx: string; user: string; hash: string }, member: MemberRecord, code: string) {
    const tx = await node.waitFor(req.viewTx, 'receipt', 20_000).catch(() => undefined);
    const payload = tx ? (JSON.parse(tx.raw) as { payload?: { code?: string; item?: string } }).payload : undefined;
    const ok = tx && tx.status === 'ok' && tx.kind === 'dossier.view' && tx.signer === member.nodeKey && tx.actor === req.user && payload?.code === code && payload.item === `material:${req.hash}`;
    if (!ok) throw refuse('PEER_LOOK_NOT_RECORDED', 'the request does not name a committed dossier view of this file by this person', 403);
  }

  r.get('/peer/materials/:hash', { summary: `A material file for another member's node: signed with that node's key (${PEER_HEADER}), for a staff member allowed materials, after the look is on the chain.`, roles: 'public' }, async (ctx, { params }) => {
    const hash = params.hash;
    if (!/^[0-9a-f]{64}$/.test(hash)) throw notFound('material');
    const { req, member } = await authorise(ctx, hash);
    const filed = await q.materialFiler(node.db, hash);
    if (!filed) throw notFound('material');
    await recordedLook(req, member, filed);
    const blob = await q.blob(node.db, hash);
    if (!blob) throw new ChainError('MATERIAL_NOT_HERE', 'this node does not hold that file', { status: 404 });
    node.log.info({ peer: req.dept, user: req.user, hash, viewTx: req.viewTx }, 'material file sent to a member node');
    ctx.type = MIME[blob.type as keyof typeof MIME];
    ctx.set('x-material-type', blob.type);
    ctx.body = blob.content;
  });

  return r.router;
}
