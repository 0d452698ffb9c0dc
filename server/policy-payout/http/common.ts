import type { Context } from 'koa';
import type { z } from 'zod';
import type { TxContext } from '../../chain/contract.ts';
import { ChainError, isChainError } from '../../chain/errors.ts';
import { resolveActor } from '../../chain/identity.ts';
import type { ChainNode } from '../../chain/node.ts';
import type { Tx } from '../../chain/schema.ts';
import { BlockState } from '../../chain/state.ts';
import type { TxRow } from '../../chain/store/chainStore.ts';
import { checkTxStateless } from '../../chain/tx.ts';
import { apiDocs, type RouteDoc } from '../../http/openapi.ts';
import { PRECHECKS } from '../contracts/index.ts';

export const doc = (method: RouteDoc['method'], path: string, summary: string, roles?: string[], body?: z.ZodType) =>
  apiDocs.add({ method, path: `/{dept}/api/payout${path}`, summary, roles, body });

export const param = (ctx: Context, name: string): string => String((ctx.params as Record<string, string>)[name] ?? '');

export const notFound = (what: string) => new ChainError('NOT_FOUND', `no such ${what}`, { status: 404 });

/**
 * Parses input with a zod schema; a failure is a 400 whose code says what is wrong. Issues that
 * carry their own code (amounts: NEGATIVE_AMOUNT, FRACTIONAL_AMOUNT, AMOUNT_TOO_LARGE, ...) keep it.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, where = 'body'): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const code = (issue.code === 'custom' && (issue.params?.code as string | undefined)) || 'BAD_REQUEST';
  throw new ChainError(code, `${[where, ...issue.path].join('.')}: ${issue.message}`);
}

/** The latest block's time: the read side's clock, the same on every node at one height. */
export async function headTime(node: ChainNode): Promise<number> {
  return (await node.store.blockByHeight(node.height))?.header.time ?? 0;
}

/**
 * Runs a transaction's own handler against the latest committed state and throws its error,
 * discarding every write, so bad input is refused with exactly the rule the block will apply
 * and nothing reaches the log. The time is the later of the head block's and this machine's.
 */
async function preflight(node: ChainNode, tx: Tx, id: string): Promise<void> {
  const def = node.registry.get(tx.kind);
  const payload = parseWith(def.payload, tx.payload, 'payload');
  const actor = await resolveActor(node.view().get, tx, def);
  const state = new BlockState(node.store);
  const view = state.begin(id);
  const time = Math.max(await headTime(node), Date.now());
  const ctx: TxContext = { chain: node.genesis.chain, height: node.height + 1, time, txId: id, index: 0, signer: tx.signer, actor, genesis: node.genesis, emit: () => {} };
  try {
    const precheck = PRECHECKS[tx.kind];
    await (precheck ? precheck(ctx, view, payload as never) : def.apply(ctx, view, payload));
  } catch (e) {
    if (isChainError(e)) throw e;
    node.log.error({ err: e, kind: tx.kind }, 'contract failed in preflight');
    throw new ChainError('CONTRACT_FAILURE', 'the contract failed on this transaction', { status: 500 });
  } finally {
    state.rollbackTx();
  }
}

/** Preflight, order, wait for the receipt; a rejection in the block (a lost race) is a 409 with its code. */
export async function submitSigned(node: ChainNode, raw: unknown): Promise<TxRow> {
  const { tx, id } = checkTxStateless(raw, { chain: node.genesis.chain, suite: node.suite, maxTxBytes: node.genesis.limits.maxTxBytes });
  await preflight(node, tx, id);
  await node.submit(tx);
  const row = await node.waitFor(id, 'receipt');
  if (row.status === 'rejected') throw new ChainError(row.code ?? 'REJECTED', row.reason ?? 'rejected in its block', { status: 409, data: { tx: id } });
  return row;
}

/** Signs for a staff user (the node signs; the user's id is in the transaction), then as above. */
export const actAs = (node: ChainNode, user: string, kind: string, payload: Record<string, unknown>): Promise<TxRow> =>
  submitSigned(node, node.signAs(user, kind, payload));

/** The state records a committed transaction changed, from its events. */
export const recordsOf = (row: TxRow): string[] => row.events.flatMap((e) => ((e.data as { records?: string[] }).records ?? []));

/** The first event of a type in a receipt, for ids to answer with. */
export const eventOf = (row: TxRow, type: string) => row.events.find((e) => e.type === type)?.data as Record<string, unknown> | undefined;
