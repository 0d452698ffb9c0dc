import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { publicTx } from '../chain/http/chainRoutes.ts';
import { ChainError, isChainError, reject } from '../chain/errors.ts';
import { keys, type ClientRecord, type SignerRecord } from '../chain/identity.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import { suiteByName } from '../chain/suites/index.ts';
import type { TxRow } from '../chain/store/chainStore.ts';
import { checkTxStateless } from '../chain/tx.ts';
import { covers } from '../events/feedAccess.ts';
import { eventsOfTx } from '../events/feedQueries.ts';
import { FEED_ROLES } from '../events/roles.ts';
import { RouteKit } from '../http/routeKit.ts';
import { clientOr } from './clientAuth.ts';
import { inclusionProofOf } from './inclusionProof.ts';
import type { RateLimiter } from './rateLimiter.ts';
import { submitOnce } from './submitOnce.ts';

export const ClientSubmission = z.strictObject({
  ref: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'ref is the client\'s own reference id: 1-100 letters, digits, _ . : -'),
  tx: z.record(z.string(), z.unknown()),
});

/** The receipt as the submitter gets it, first time or replayed; a rejection in its block is a 409 either way. */
function answer(node: ModulePort, ref: string, row: TxRow) {
  if (row.status === 'rejected') throw new ChainError(row.code ?? 'REJECTED', row.reason ?? 'rejected in its block', { status: 409, data: { tx: row.id, ref } });
  return { id: row.id, ref, receipt: publicTx(row), final: row.height <= node.finalHeight };
}

/** The client whose key signed `tx`, at this department, in standing: the door's early answer (the contract decides again). */
async function signingClient(node: ModulePort, signer: string): Promise<ClientRecord> {
  const s = await node.view().get<SignerRecord>(keys.signer(signer));
  if (s?.type !== 'client' || s.dept !== node.dept) return reject('NOT_A_CLIENT', `the signing key is not a client of ${node.dept}; clients submit at their own department's node`, 403);
  const c = (await node.view().get<ClientRecord>(keys.client(s.dept, s.id)))!;
  if (!c.active) reject('CLIENT_DISABLED', `client ${c.id} is disabled`, 403);
  if (c.key !== signer) reject('KEY_ROTATED', `this key of client ${c.id} was replaced; sign with its current key`, 403);
  return c;
}

/** What a department's integration clients call: submit once per reference, and prove a transaction's inclusion. */
export function clientRoutes(node: ModulePort, limiter: RateLimiter): Router {
  const r = new RouteKit();
  const suite = suiteByName(node.genesis.suite);

  // parsed here, not by the kit: a refusal says what the body should be
  r.post('/clients/tx', { summary: "An integration client's signed transaction with its own reference id, {ref, tx}: the same ref never makes two transactions (the same body again answers the first one's receipt; a different body is 409 IDEMPOTENCY_CONFLICT). Waits for the receipt; 429 RATE_LIMITED with Retry-After past the client's rate.", roles: 'public' }, async (ctx: Context) => {
    const body = ClientSubmission.safeParse(ctx.request.body);
    if (!body.success) {
      const i = body.error.issues[0];
      reject('BAD_REQUEST', `${i.path.join('.') || 'body'}: ${i.message} (the body is {"ref": "<your reference>", "tx": <signed transaction>})`);
    }
    const { ref } = body.data!;
    const { tx, id } = checkTxStateless(body.data!.tx, { chain: node.genesis.chain, suite, maxTxBytes: node.genesis.limits.maxTxBytes });
    const c = await signingClient(node, tx.signer);
    try {
      limiter.take(c.id);
    } catch (e) {
      if (isChainError(e)) ctx.set('Retry-After', String(e.data?.retryAfter ?? 1));
      throw e;
    }
    ctx.body = answer(node, ref, await submitOnce(node, c, ref, tx, id));
  });

  r.get(
    '/clients/proof/:txId',
    {
      summary:
        "A final transaction's inclusion proof (the receipt's RFC 6962 audit path, the headers up to the certified block, the finality certificate), checked offline by sdk/ against the members' keys. For the department's clients (a transaction it signed, or one with an event of the types it reads in the department's feed) and its administrator.",
      roles: FEED_ROLES,
      guard: clientOr(node, ...FEED_ROLES),
    },
    async (ctx, { params }) => {
    const id = params.txId;
    if (!/^[0-9a-f]{64}$/.test(id)) reject('BAD_TX_ID', 'a transaction id is 64 lowercase hex characters');
    const row = await node.tx(id);
    const c = ctx.state.client as ClientRecord | undefined;
    const events = row ? await eventsOfTx(node.db, id, node.finalHeight) : [];
    const own = !!row && !!c && [c.key, ...(c.keysOld ?? [])].includes(row.signer);
    const visible = c ? own || events.some((e) => c.events.some((g) => covers(g, e.type))) : events.length > 0;
    // one answer for "no such transaction" and "not yours": a client learns nothing of others' transactions
    if (!row || !visible) reject('NOT_FOUND', `no transaction ${id} in ${node.dept}'s feed for this reader`, 404);
    ctx.body = await inclusionProofOf(node, row!);
    },
  );

  r.get('/clients/genesis', { summary: "The chain's genesis (public: its members' node keys are the trust root an inclusion proof is checked against). Prefer the file the consortium handed out.", roles: 'public' }, (ctx) => {
    ctx.body = node.genesis;
  });

  return r.router;
}
