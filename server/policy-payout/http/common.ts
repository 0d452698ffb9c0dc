import { ChainError } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { seal, type Sealed } from '../../chain/sealing/envelope.ts';
import type { TxRow } from '../../chain/store/chainStore.ts';
import { deptSealRecipients } from '../deptSeal.ts';

export { notFound, parseWith } from '../../http/routeKit.ts';

export { actAs, recordsOf } from '../../chain/modulePort.ts';

/** The first event of a type in a receipt, for ids to answer with. */
export const eventOf = (row: TxRow, type: string) => row.events.find((e) => e.type === type)?.data as Record<string, unknown> | undefined;

/**
 * Staff text sealed by this node, before it signs, to the current keys of the departments named
 * (the contract checks them: SEAL_RECIPIENTS).
 */
export async function sealFor(node: ModulePort, depts: string[], value: string, what: string): Promise<Sealed> {
  const to = await deptSealRecipients(node.view(), depts);
  if (to.length < new Set(depts).size) throw new ChainError('SEAL_RECIPIENTS', `${depts.join(', ')} need a current encryption key to seal ${what} to`, { status: 409 });
  return seal(value, to);
}

/** Up to this many rows in a CSV export (the list's filters apply). */
export const EXPORT_LIMIT = 5000;

/** A staff action's payload with one text field sealed, before signing, to the acting officer's own department. */
export const sealedToOwnDept =
  (node: ModulePort, field: string, what: string) =>
  async (body: Record<string, unknown>, _ctx: unknown, user: { dept: string }): Promise<Record<string, unknown>> => ({ ...body, [field]: await sealFor(node, [user.dept], String(body[field]), what) });
