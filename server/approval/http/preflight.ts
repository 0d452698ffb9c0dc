import type { TxContext } from '../../chain/contract.ts';
import { ChainError, isChainError } from '../../chain/errors.ts';
import { resolveActor } from '../../chain/identity.ts';
import type { ChainNode } from '../../chain/node.ts';
import type { Tx } from '../../chain/schema.ts';
import { BlockState } from '../../chain/state.ts';
import { checkTxStateless } from '../../chain/tx.ts';
import type { TxRow } from '../../chain/store/chainStore.ts';

/**
 * Runs a transaction's own handler against the latest committed state and throws its error, then
 * discards every write. The HTTP layer thus refuses bad input with exactly the rule the executor
 * will apply (no second copy of the rule to drift), before anything reaches the log. A race with
 * another transaction can still make it fail in its block; that is recorded, never lost.
 */
export async function preflight(node: ChainNode, raw: unknown): Promise<Tx> {
  const { tx, id } = checkTxStateless(raw, { chain: node.genesis.chain, suite: node.suite, maxTxBytes: node.genesis.limits.maxTxBytes });
  const def = node.registry.get(tx.kind);
  const parsed = def.payload.safeParse(tx.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ChainError('BAD_PAYLOAD', `payload.${issue.path.join('.')}: ${issue.message}`);
  }
  const actor = await resolveActor(node.view().get, tx, def);
  const state = new BlockState(node.store);
  const view = state.begin(id);
  // Only an early answer for the person at the form: the real time is the block's, and the
  // executor decides again there. The wall clock is the best guess of that block time.
  const ctx: TxContext = { chain: node.genesis.chain, height: node.height + 1, time: Date.now(), txId: id, index: 0, signer: tx.signer, actor, genesis: node.genesis, emit: () => {} };
  try {
    await def.apply(ctx, view, parsed.data);
  } catch (e) {
    if (isChainError(e)) throw e;
    node.log.error({ err: e, kind: tx.kind }, 'contract failed in preflight');
    throw new ChainError('CONTRACT_FAILURE', 'the contract failed on this transaction', { status: 500 });
  } finally {
    state.rollbackTx();
  }
  return tx;
}

/** Preflight, order, and wait for the receipt; a rejection in the block (a lost race) is a 409. */
export async function submitChecked(node: ChainNode, raw: unknown): Promise<TxRow> {
  const tx = await preflight(node, raw);
  const { id } = await node.submit(tx);
  const row = await node.waitFor(id, 'receipt');
  if (row.status === 'rejected') throw new ChainError(row.code ?? 'REJECTED', row.reason ?? 'rejected in its block', { status: 409, data: { tx: id } });
  return row;
}

/** Signs for a staff user (the node signs, the user's id is in the transaction), then as above. */
export const actAs = (node: ChainNode, user: string, kind: string, payload: Record<string, unknown>): Promise<TxRow> =>
  submitChecked(node, node.signAs(user, kind, payload));

/** The records a committed transaction created or changed, from its events: ids for the response. */
export function recordsOf(row: TxRow): string[] {
  return row.events.flatMap((e) => ((e.data as { records?: string[] }).records ?? []));
}
