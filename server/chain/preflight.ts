import { ChainError } from './errors.ts';
import type { ChainNode } from './node.ts';
import type { Tx } from './schema.ts';
import type { TxRow } from './store/chainStore.ts';

/**
 * The admission door as a dry run: every rule a submission meets (admitTxs), the contract's own
 * check included, against the latest committed state, then every write discarded and nothing
 * ordered. A race with another transaction can still make it fail in its block; that is
 * recorded, never lost.
 */
export async function preflight(node: ChainNode, raw: unknown): Promise<{ tx: Tx; id: string }> {
  const [one] = await node.admit([raw], undefined, { check: true });
  return one;
}

/**
 * Admit (with the contract's check), order, and wait for the receipt, in one pass through the
 * door; a rejection in the block (a lost race) is a 409 with its code.
 */
export async function submitChecked(node: ChainNode, raw: unknown): Promise<TxRow> {
  const { id } = await node.submit(raw, undefined, { check: true });
  const row = await node.waitFor(id, 'receipt');
  if (row.status === 'rejected') throw new ChainError(row.code ?? 'REJECTED', row.reason ?? 'rejected in its block', { status: 409, data: { tx: id } });
  return row;
}

/** Signs for a staff user (the node signs, the user's id is in the transaction), then as above. */
export const actAs = (node: ChainNode, user: string, kind: string, payload: Record<string, unknown>): Promise<TxRow> =>
  submitChecked(node, node.signAs(user, kind, payload));

/** The state records a committed transaction created or changed, from its events: ids for the response. */
export const recordsOf = (row: TxRow): string[] => row.events.flatMap((e) => ((e.data as { records?: string[] }).records ?? []));
