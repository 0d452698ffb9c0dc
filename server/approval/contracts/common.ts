import type { TxContext } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import type { StateView } from '../../chain/state.ts';
import { assertCreditCode } from '../../../shared/creditCode.ts';
import type { By, EnterpriseRecord } from '../records.ts';
import { ak } from '../stateKeys.ts';

/** Small rules every handler shares. Each throws a ChainError with a code; none writes. */

export const byOf = (ctx: TxContext): By => (ctx.actor.dept ? { dept: ctx.actor.dept, user: ctx.actor.id } : { user: ctx.actor.id });

/** Emits a domain event naming the state records it changed, so the read models can follow. */
export function emitRecord(ctx: TxContext, type: string, data: Record<string, unknown>, records: string[]): void {
  ctx.emit(type, { ...data, records });
}

export async function mustGet<T>(state: StateView, key: string, what: string): Promise<T> {
  const v = await state.get<T>(key);
  if (v === undefined) reject('NOT_FOUND', `no ${what} ${key.slice(key.indexOf('/') + 1)}`, 404);
  return v;
}

export async function requireEnterprise(state: StateView, code: string): Promise<EnterpriseRecord> {
  assertCreditCode(code);
  const e = await state.get<EnterpriseRecord>(ak.enterprise(code));
  if (!e) reject('UNKNOWN_ENTERPRISE', `no enterprise ${code} is registered`, 404);
  return e;
}

/** An enterprise acts only for itself. */
export function requireSelf(ctx: TxContext, code: string): void {
  if (ctx.actor.role !== 'enterprise' || ctx.actor.id !== code) reject('NOT_YOUR_RECORD', 'an enterprise may act only on its own records', 403);
}

/** Staff act only on what their own department owns. */
export function requireDept(ctx: TxContext, dept: string, what: string): void {
  if (ctx.actor.dept !== dept) reject('WRONG_DEPT', `${what} belongs to department ${dept}, not ${ctx.actor.dept ?? 'none'}`, 403);
}
