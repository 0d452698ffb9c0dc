import Router from '@koa/router';
import { z } from 'zod';
import { ChainError } from '../errors.ts';
import type { CommittedBlock } from '../module.ts';
import type { ChainNode } from '../node.ts';
import type { BlockRow, TxRow } from '../store/chainStore.ts';
import { apiDocs } from '../../http/openapi.ts';
import { openEventStream } from '../../http/sse.ts';
import { requireRole } from '../../http/auth.ts';

const STAFF = ['admin', 'approver', 'inspector', 'enforcer', 'policy', 'expert', 'finance', 'auditor', 'clerk', 'holder'] as const;

const WaitQuery = z.enum(['none', 'receipt', 'final']).default('none');

/** Transactions per batch submission; the body limit (8 MB) bounds their total size too. */
export const MAX_BATCH = 1000;
const TxBatch = z.object({ txs: z.array(z.unknown()).min(1).max(MAX_BATCH) });

export const publicTx = (t: TxRow) => ({
  id: t.id,
  height: t.height,
  index: t.index,
  offset: t.offset,
  kind: t.kind,
  signer: t.signer,
  actor: t.actor,
  status: t.status,
  code: t.code,
  reason: t.reason,
  events: t.events,
  tx: safeParse(t.raw),
});

const safeParse = (raw: string) => {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
};

const publicBlock = (b: BlockRow) => ({ height: b.height, hash: b.hash, header: b.header });

/** The ledger's own API: submit, read transactions and blocks, status, and a live block stream. */
export function chainRoutes(node: ChainNode): Router {
  const r = new Router();

  apiDocs.add({ method: 'post', path: '/{dept}/api/tx', summary: 'Submit a signed transaction. ?wait=receipt|final waits for it.' });
  r.post('/tx', async (ctx) => {
    const wait = WaitQuery.parse(ctx.query.wait ?? 'none');
    const bytes = Buffer.byteLength((ctx.request as any).rawBody ?? JSON.stringify(ctx.request.body ?? ''));
    const { id } = await node.submit(ctx.request.body, bytes);
    if (wait === 'none') {
      ctx.status = 202;
      ctx.body = { id };
      return;
    }
    const row = await node.waitFor(id, wait);
    ctx.body = { id, receipt: publicTx(row), final: row.height <= node.finalHeight };
  });

  apiDocs.add({
    method: 'post',
    path: '/{dept}/api/txs',
    summary: `Submit up to ${MAX_BATCH} signed transactions as {txs: [...]}: all are ordered, in the order given, or none (the error names the first bad one by index). ?wait=receipt|final waits for all.`,
  });
  r.post('/txs', async (ctx) => {
    const wait = WaitQuery.parse(ctx.query.wait ?? 'none');
    const body = TxBatch.safeParse(ctx.request.body);
    if (!body.success) {
      throw new ChainError('BAD_BATCH', `the body must be {"txs": [...]} with 1 to ${MAX_BATCH} signed transactions`);
    }
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

  apiDocs.add({ method: 'get', path: '/{dept}/api/tx/{id}', summary: 'A transaction with its receipt and the state it changed.', roles: [...STAFF] });
  r.get('/tx/:id', requireRole(...STAFF), async (ctx) => {
    const row = await node.store.tx(String(ctx.params.id));
    if (!row) throw new ChainError('NOT_FOUND', 'no such transaction on this node (it may not be committed yet)', { status: 404 });
    ctx.body = { ...publicTx(row), final: row.height <= node.finalHeight, changes: await node.store.historyOfTx(row.id) };
  });

  apiDocs.add({ method: 'get', path: '/{dept}/api/blocks', summary: 'Latest blocks, newest first; ?before=height&limit=n', roles: [...STAFF] });
  r.get('/blocks', requireRole(...STAFF), async (ctx) => {
    const q = z.object({ before: z.coerce.number().int().optional(), limit: z.coerce.number().int().min(1).max(100).default(20) }).parse(ctx.query);
    const rows = await node.store.latestBlocks(q.limit, q.before);
    ctx.body = { items: rows.map(publicBlock), finalHeight: node.finalHeight, height: node.height };
  });

  apiDocs.add({ method: 'get', path: '/{dept}/api/blocks/{ref}', summary: 'A block by height or hash, with its transactions.', roles: [...STAFF] });
  r.get('/blocks/:ref', requireRole(...STAFF), async (ctx) => {
    const ref = String(ctx.params.ref);
    const block = /^\d+$/.test(ref) ? await node.store.blockByHeight(Number(ref)) : await node.store.blockByHash(ref);
    if (!block) throw new ChainError('NOT_FOUND', `no block ${ref}`, { status: 404 });
    const txs = await node.store.txsOfBlock(block.height);
    ctx.body = { ...publicBlock(block), final: block.height <= node.finalHeight, txs: txs.map(publicTx) };
  });

  apiDocs.add({ method: 'get', path: '/{dept}/api/chain/status', summary: 'Height, finalized height, and every member\'s last attested height.' });
  r.get('/chain/status', async (ctx) => {
    ctx.body = await node.status();
  });

  apiDocs.add({ method: 'get', path: '/{dept}/api/chain/encKeys', summary: 'Every member department\'s current X25519 encryption key (public), to seal fields to.' });
  r.get('/chain/encKeys', async (ctx) => {
    ctx.body = { keys: node.encKeys() };
  });

  apiDocs.add({ method: 'get', path: '/{dept}/api/chain/stream', summary: 'Server-sent events: block, final, alarm.', roles: [...STAFF, 'enterprise'] });
  r.get('/chain/stream', requireRole(), async (ctx) => {
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

  return r;
}
