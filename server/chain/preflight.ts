import { ChainError } from './errors.ts';
import type { Logger } from 'pino';
import type { ContractRegistry } from './registry.ts';
import type { Genesis, Tx } from './schema.ts';
import type { StateReader, StateView } from './state.ts';
import type { BlockRow, TxRow } from './store/chainStore.ts';
import type { CryptoSuite } from './suites/suite.ts';

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
  submit(raw: unknown, byteLength?: number, opts?: { check?: boolean }): Promise<{ id: string; tx: Tx }>;
  admit(raws: unknown[], byteLengths?: number[], opts?: { check?: boolean }): Promise<{ id: string; tx: Tx }[]>;
  waitFor(id: string, mode: 'receipt' | 'final', timeoutMs?: number): Promise<TxRow>;
}

/**
 * The admission door as a dry run: every rule a submission meets (admitTxs), the contract's own
 * check included, against the latest committed state, then every write discarded and nothing
 * ordered. A race with another transaction can still make it fail in its block; that is
 * recorded, never lost.
 */
export async function preflight(node: PreflightNode, raw: unknown): Promise<{ tx: Tx; id: string }> {
  const [one] = await node.admit([raw], undefined, { check: true });
  return one;
}

/**
 * Admit (with the contract's check), order, and wait for the receipt, in one pass through the
 * door; a rejection in the block (a lost race) is a 409 with its code.
 */
export async function submitChecked(node: PreflightNode, raw: unknown): Promise<TxRow> {
  const { id } = await node.submit(raw, undefined, { check: true });
  const row = await node.waitFor(id, 'receipt');
  if (row.status === 'rejected') throw new ChainError(row.code ?? 'REJECTED', row.reason ?? 'rejected in its block', { status: 409, data: { tx: id } });
  return row;
}

/** Signs for a staff user (the node signs, the user's id is in the transaction), then as above. */
export const actAs = (node: PreflightNode, user: string, kind: string, payload: Record<string, unknown>): Promise<TxRow> =>
  submitChecked(node, node.signAs(user, kind, payload));

export { recordsOf } from './modulePort.ts';
