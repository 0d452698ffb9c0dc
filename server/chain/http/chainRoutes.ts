import type Router from '@koa/router';
import { z } from 'zod';
import { ChainError } from '../errors.ts';
import { keys, type SignerRecord } from '../identity.ts';
import type { CommittedBlock } from '../module.ts';
import type { ChainNode } from '../node.ts';
import type { BlockRow, TxRow } from '../store/chainStore.ts';
import { admissionFor, admitEnterpriseTx } from './enterpriseTx.ts';
import { publicTx } from './publicTx.ts';
import { openEventStream } from '../../http/sse.ts';
import { currentUser } from '../../http/auth.ts';
import type { SessionUser } from '../../../shared/sessionUser.ts';
import { changesFor } from '../../http/stateClasses.ts';
import { auditPurposeOf, enterprisesOf, recordAuditView, txFacts } from '../../http/txReads.ts';
import { purposeWouldHelp, redactTx, txReadBasis, type ReadBasis, type TxFacts } from '../readAccess.ts';
import { RouteKit } from '../../http/routeKit.ts';
import { BlockList } from '../../../shared/wire/responses.ts';

export { publicTx };

const STAFF = ['admin', 'approver', 'inspector', 'enforcer', 'policy', 'expert', 'finance', 'auditor', 'clerk', 'holder'] as const;

const BlocksQuery = z.object({ before: z.coerce.number().int().optional(), limit: z.coerce.number().int().min(1).max(100).default(20) });
const WaitQuery = z.object({ wait: z.enum(['none', 'receipt', 'final']).default('none') });

/** Transactions per batch submission; the body limit (8 MB) bounds their total size too. */
export const MAX_BATCH = 1000;
const TxBatch = z.object({ txs: z.array(z.unknown()).min(1).max(MAX_BATCH) });

const publicBlock = (b: BlockRow) => ({ height: b.height, hash: b.hash, header: b.header });

const REDACTED_NOTE = '无权查看内容 / content not shown: no basis';

/** A transaction as `u` may see it: whole with its basis, or the envelope only (chain/readAccess.ts). */
export function txForReader(t: TxRow, f: TxFacts, basis: ReadBasis, u: SessionUser) {
  if (basis === 'none') return { ...redactTx(t, f), basis, note: REDACTED_NOTE, ...(purposeWouldHelp(u, f) ? { needsPurpose: true } : {}) };
  return { ...publicTx(t), signerDept: f.signerDept, actorDept: f.signerEnterprise ? null : f.signerDept, redacted: false as const, basis };
}

/**
 * A system client's transactions go through its own door (POST /{dept}/api/clients/tx), which holds
 * its reference and its rate limit; the general doors would let it slip both.
 */
async function refuseClientSigned(node: ChainNode, bodies: unknown[]): Promise<void> {
  for (const b of bodies) {
    const signer = (b as { signer?: unknown } | null)?.signer;
    if (typeof signer !== 'string') continue;
    const rec = await node.view().get<SignerRecord>(keys.signer(signer));
    if (rec?.type === 'client') throw new ChainError('CLIENT_DOOR', `a system client submits at POST /${rec.dept}/api/clients/tx, with its own reference and within its rate limit`, { status: 403 });
  }
}

/** How long `GET /tx/:id?wait=receipt` holds the request open for a transaction not yet in a block. */
const TX_WAIT_MS = 10_000;

/** The transaction once this node commits it, or undefined when it has not within `ms`. */
async function committedWithin(node: ChainNode, id: string, ms: number): Promise<TxRow | undefined> {
  try {
    return await node.waitFor(id, 'receipt', ms);
  } catch (e) {
    if (e instanceof ChainError && e.code === 'TIMEOUT') return undefined;
    throw e;
  }
}

/** The ledger's own API: submit, read transactions and blocks, status, and a live block stream. */
export function chainRoutes(node: ChainNode): Router {
  const r = new RouteKit();

  const admissions = node.modules.flatMap((m) => (m.admission ? [m.admission] : []));
  const claimed = admissions.flatMap((a) => a.kinds);
  r.post(
    '/tx',
    {
      summary: `Submit a signed transaction. ?wait=receipt|final waits for it. The kinds enterprises sign in their browser (${claimed.join(', ')}) are checked against state before they are ordered and answered with their receipt (a rejection in the block is a 409), with the ids of what they created.`,
      roles: 'public',
      query: WaitQuery,
    },
    async (ctx, { query: { wait } }) => {
      await refuseClientSigned(node, [ctx.request.body]);
      const a = admissionFor(admissions, ctx.request.body);
      if (a) return admitEnterpriseTx(node.modulePort(), a, ctx.request.body, wait === 'final' ? 'final' : 'receipt');
      const bytes = Buffer.byteLength((ctx.request as any).rawBody ?? JSON.stringify(ctx.request.body ?? ''));
      const { id } = await node.submit(ctx.request.body, bytes);
      if (wait === 'none') {
        ctx.status = 202;
        return { id };
      }
      const row = await node.waitFor(id, wait);
      return { id, receipt: publicTx(row), final: row.height <= node.finalHeight };
    },
  );

  r.post('/txs', { summary: `Submit up to ${MAX_BATCH} signed transactions as {txs: [...]}: all are ordered, in the order given, or none (the error names the first bad one by index). ?wait=receipt|final waits for all.`, roles: 'public', query: WaitQuery }, async (ctx, { query: { wait } }) => {
    const body = TxBatch.safeParse(ctx.request.body);
    if (!body.success) {
      throw new ChainError('BAD_BATCH', `the body must be {"txs": [...]} with 1 to ${MAX_BATCH} signed transactions`);
    }
    await refuseClientSigned(node, body.data.txs);
    const items = await node.submitMany(body.data.txs);
    const ids = items.map((t) => t.id);
    if (wait === 'none') {
      ctx.status = 202;
      ctx.body = { ids };
      return;
    }
    const rows = await Promise.all(ids.map((id) => node.waitFor(id, wait)));
    ctx.body = { ids, receipts: rows.map(publicTx), final: rows.every((row) => row.height <= node.finalHeight) };
  });

  r.get('/tx/:id', { summary: 'A transaction with its receipt and the state it changed (?wait=receipt holds the request up to 10 s for one not yet committed, then answers {id, pending: true}), for the signing department (its administrator and the person who acted), the parties (the enterprise itself) and auditors who give ?purpose= (recorded on the chain as audit.view); everyone else gets the envelope only.', roles: [...STAFF, 'enterprise'] }, async (ctx) => {
    const u = currentUser(ctx);
    const id = String(ctx.params.id);
    const wait = ctx.query.wait === 'receipt' && /^[0-9a-f]{64}$/.test(id);
    const row = (await node.store.tx(id)) ?? (wait ? await committedWithin(node, id, TX_WAIT_MS) : undefined);
    if (!row && wait) {
      // A page following its own submission asks again: "not yet" is an answer, not a failed request.
      ctx.body = { id, pending: true };
      return;
    }
    if (!row) throw new ChainError('NOT_FOUND', 'no such transaction on this node (it may not be committed yet)', { status: 404 });
    const facts = (await txFacts(node, [row])).get(row.id)!;
    const purpose = auditPurposeOf(ctx);
    const basis = txReadBasis(u, facts, !!purpose);
    const auditViewTx = basis === 'audit' ? await recordAuditView(node, u, `tx:${row.id}`, purpose!, enterprisesOf(facts)) : undefined;
    const block = await node.store.blockByHeight(row.height);
    ctx.body = {
      ...txForReader(row, facts, basis, u),
      time: block?.header.time ?? null,
      blockHash: block?.hash ?? null,
      final: row.height <= node.finalHeight,
      ...(basis === 'none' ? {} : { changes: changesFor(u, basis, await node.store.historyOfTx(row.id)) }),
      ...(auditViewTx ? { auditViewTx } : {}),
    };
  });

  r.get('/blocks', { summary: 'Latest blocks, newest first; ?before=height&limit=n', roles: STAFF, response: BlockList, query: BlocksQuery }, async (ctx, { query: q }) => {
    const rows = await node.store.latestBlocks(q.limit, q.before);
    ctx.body = { items: rows.map(publicBlock), finalHeight: node.finalHeight, height: node.height };
  });

  r.get('/blocks/:ref', { summary: 'A block by height or hash, with its transactions, each whole or as its envelope by the same rule as /tx/{id} (an auditor\'s ?purpose= is recorded once for the block).', roles: STAFF }, async (ctx) => {
    const u = currentUser(ctx);
    const ref = String(ctx.params.ref);
    const block = /^\d+$/.test(ref) ? await node.store.blockByHeight(Number(ref)) : await node.store.blockByHash(ref);
    if (!block) throw new ChainError('NOT_FOUND', `no block ${ref}`, { status: 404 });
    const txs = await node.store.txsOfBlock(block.height);
    const facts = await txFacts(node, txs);
    const purpose = auditPurposeOf(ctx);
    const bases = txs.map((t) => txReadBasis(u, facts.get(t.id)!, !!purpose));
    const audited = txs.filter((_, i) => bases[i] === 'audit');
    const auditViewTx = audited.length
      ? await recordAuditView(node, u, `block:${block.height}`, purpose!, audited.flatMap((t) => enterprisesOf(facts.get(t.id)!)))
      : undefined;
    ctx.body = {
      ...publicBlock(block),
      final: block.height <= node.finalHeight,
      txs: txs.map((t, i) => txForReader(t, facts.get(t.id)!, bases[i], u)),
      ...(auditViewTx ? { auditViewTx } : {}),
    };
  });

  r.get('/chain/status', { summary: 'Height, finalized height, and every member\'s last attested height.', roles: 'public' }, async (ctx) => {
    ctx.body = await node.status();
  });

  r.get('/chain/encKeys', { summary: 'Every member department\'s current X25519 encryption key (public), to seal fields to.', roles: 'public' }, async (ctx) => {
    ctx.body = { keys: node.encKeys() };
  });

  r.get('/chain/stream', { summary: 'Server-sent events: block, final, alarm.', roles: 'signedIn' }, async (ctx) => {
    const { send, closed } = openEventStream(ctx);
    const onBlock = (b: CommittedBlock) =>
      send('block', { height: b.header.height, hash: b.hash, time: b.header.time, txCount: b.header.txCount, kinds: b.txs.map((t) => t.tx?.kind) });
    const onFinal = (h: number) => send('final', { height: h });
    const onAlarm = (a: unknown) => send('alarm', a);
    node.on('block', onBlock);
    node.on('final', onFinal);
    node.on('alarm', onAlarm);
    void closed.then(() => {
      node.off('block', onBlock);
      node.off('final', onFinal);
      node.off('alarm', onAlarm);
    });
  });

  return r.router;
}
