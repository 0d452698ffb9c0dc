import type { TxContext } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import type { StateView } from '../../chain/state.ts';
import { payoutConfig } from '../config.ts';
import type { ApplicationRecord, AwardRecord, By, PolicyRecord } from '../records.ts';
import { pk } from '../stateKeys.ts';

/** Small rules every handler shares. Each throws a ChainError with a code; none writes. */

export const byOf = (ctx: TxContext): By => (ctx.actor.dept ? { dept: ctx.actor.dept, user: ctx.actor.id } : { user: ctx.actor.id });

/** Emits a domain event naming the state records it changed, so the read models can follow. */
export function emitRecords(ctx: TxContext, type: string, data: Record<string, unknown>, records: string[]): void {
  ctx.emit(type, { ...data, records });
}

export async function loadPolicy(state: StateView, id: string): Promise<PolicyRecord> {
  const p = await state.get<PolicyRecord>(pk.policy(id));
  if (!p) reject('UNKNOWN_POLICY', `no policy ${id}`, 404);
  return p;
}

export async function loadApplication(state: StateView, id: string): Promise<ApplicationRecord> {
  const a = await state.get<ApplicationRecord>(pk.app(id));
  if (!a) reject('UNKNOWN_APPLICATION', `no application ${id}`, 404);
  return a;
}

export async function loadAward(state: StateView, id: string): Promise<AwardRecord> {
  const a = await state.get<AwardRecord>(pk.award(id));
  if (!a) reject('UNKNOWN_AWARD', `no award ${id}`, 404);
  return a;
}

/** Decisions on a policy are its own department's: a policy officer there (or its node). */
export function requirePolicyDept(ctx: TxContext, policy: PolicyRecord): void {
  if (ctx.actor.dept !== policy.dept) {
    reject('WRONG_DEPT', `policy ${policy.id} belongs to ${policy.dept}; ${ctx.actor.dept ?? 'an enterprise'} may not act on it`, 403);
  }
}

/** Money moves only on the finance office's word. */
export function requireFinance(ctx: TxContext): void {
  const dept = payoutConfig(ctx.genesis).financeDept;
  if (ctx.actor.role !== 'finance' || ctx.actor.dept !== dept) reject('NOT_FINANCE', `only finance officers of ${dept} trigger payments and record settlements`, 403);
}

export function note(ctx: TxContext, event: string, extra: { amountFen?: string; note?: string } = {}) {
  return { time: ctx.time, txId: ctx.txId, event, ...extra };
}
