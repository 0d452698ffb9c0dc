import { parsePayload } from './parsePayload.ts';
import type { TxContext } from './contract.ts';
import { ChainError, isChainError } from './errors.ts';
import { resolveActor } from './identity.ts';
import type { Logger } from 'pino';
import type { ContractRegistry } from './registry.ts';
import type { Genesis, Tx } from './schema.ts';
import { BlockState, type StateReader, type StateView } from './state.ts';
import type { BlockRow, TxRow } from './store/chainStore.ts';
import type { CryptoSuite } from './suites/suite.ts';
import { checkTxStateless } from './tx.ts';

/** What a pre-check reads of a node (the node's own members; written out so this file does not import the node). */
export interface PreflightNode {
  readonly genesis: Genesis;
  readonly suite: CryptoSuite;
  readonly registry: ContractRegistry;
  readonly height: number;
  readonly log: Logger;
  readonly store: StateReader & { blockByHeight(height: number): Promise<BlockRow | undefined> };
  view(): StateView;
  signAs(actor: string | undefined, kind: string, payload: Record<string, unknown>): Tx;
  submit(raw: unknown): Promise<{ id: string; tx: Tx }>;
  waitFor(id: string, mode: 'receipt' | 'final', timeoutMs?: number): Promise<TxRow>;
}

/**
 * Runs a transaction's own rule (its contract's `precheck`, or else `apply`) against the latest
 * committed state and throws its error, then discards every write. The HTTP layer thus refuses
 * bad input with exactly the rule the executor will apply (no second copy of the rule to drift),
 * before anything reaches the log. A race with another transaction can still make it fail in its
 * block; that is recorded, never lost.
 */
export async function preflight(node: PreflightNode, raw: unknown): Promise<{ tx: Tx; id: string }> {
  const { tx, id } = checkTxStateless(raw, { chain: node.genesis.chain, suite: node.suite, maxTxBytes: node.genesis.limits.maxTxBytes });
  const def = node.registry.get(tx.kind);
  const payload = parsePayload(def, tx.payload, true);
  const actor = await resolveActor(node.view().get, tx, def);
  const state = new BlockState(node.store);
  const view = state.begin(id);
  // Only an early answer for the person at the form: the executor decides again with the block's
  // time. The best guess of that time is the later of the head block's and this machine's clock.
  const head = (await node.store.blockByHeight(node.height))?.header.time ?? 0;
  const ctx: TxContext = {
    chain: node.genesis.chain, height: node.height + 1, time: Math.max(head, Date.now()), txId: id, index: 0,
    signer: tx.signer, actor, genesis: node.genesis, emit: () => {},
  };
  try {
    await (def.precheck ?? def.apply)(ctx, view, payload);
  } catch (e) {
    if (isChainError(e)) throw e;
    node.log.error({ err: e, kind: tx.kind }, 'contract failed in preflight');
    throw new ChainError('CONTRACT_FAILURE', 'the contract failed on this transaction', { status: 500 });
  } finally {
    state.rollbackTx();
  }
  return { tx, id };
}

/** Preflight, order, and wait for the receipt; a rejection in the block (a lost race) is a 409 with its code. */
export async function submitChecked(node: PreflightNode, raw: unknown): Promise<TxRow> {
  const { tx, id } = await preflight(node, raw);
  await node.submit(tx);
  const row = await node.waitFor(id, 'receipt');
  if (row.status === 'rejected') throw new ChainError(row.code ?? 'REJECTED', row.reason ?? 'rejected in its block', { status: 409, data: { tx: id } });
  return row;
}

/** Signs for a staff user (the node signs, the user's id is in the transaction), then as above. */
export const actAs = (node: PreflightNode, user: string, kind: string, payload: Record<string, unknown>): Promise<TxRow> =>
  submitChecked(node, node.signAs(user, kind, payload));

export { recordsOf } from './modulePort.ts';
