import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { keys, type UserRecord } from '../../chain/identity.ts';
import type { ExpertRecord } from '../records.ts';
import { ExpertConflicts, ExpertRegister } from '../schema.ts';
import { pk } from '../stateKeys.ts';
import { emitRecords } from './common.ts';

const uniq = (xs: string[]) => [...new Set(xs)].sort();

/**
 * An expert registers the X25519 key that application materials are encrypted to (the private
 * key never leaves the expert's device) and declares conflicts of interest (回避). Registering
 * again replaces the key and the declaration; conflicts the department added stay.
 */
export const payoutExpertRegister = defineContract({
  kind: 'payout.expertRegister',
  payload: ExpertRegister,
  roles: ['expert'],
  async apply(ctx, state, p) {
    const dept = ctx.actor.dept!;
    const prev = await state.get<ExpertRecord>(pk.expert(dept, ctx.actor.id));
    const rec: ExpertRecord = {
      dept,
      id: ctx.actor.id,
      encKey: p.encKey,
      declared: { enterprises: uniq(p.conflicts.enterprises), industries: uniq(p.conflicts.industries) },
      configured: prev?.configured ?? { enterprises: [], industries: [] },
      updatedAt: ctx.time,
    };
    state.put(pk.expert(dept, rec.id), rec);
    const pool = (await state.get<string[]>(pk.expertPool(dept))) ?? [];
    if (!pool.includes(rec.id)) state.put(pk.expertPool(dept), uniq([...pool, rec.id]));
    emitRecords(ctx, 'payout.expertRegistered', { dept, expert: rec.id }, [pk.expert(dept, rec.id)]);
  },
});

/** The policy department adds conflicts it knows of to one of its experts (it can't remove the expert's own). */
export const payoutExpertConflicts = defineContract({
  kind: 'payout.expertConflicts',
  payload: ExpertConflicts,
  roles: ['policy'],
  async apply(ctx, state, p) {
    const dept = ctx.actor.dept!;
    const user = await state.get<UserRecord>(keys.user(dept, p.expert));
    if (user?.role !== 'expert') reject('UNKNOWN_EXPERT', `${p.expert} is not an expert of ${dept}`, 404);
    const rec = await state.get<ExpertRecord>(pk.expert(dept, p.expert));
    if (!rec) reject('EXPERT_NOT_REGISTERED', `${p.expert} has not registered an encryption key yet`, 409);
    rec.configured = { enterprises: uniq([...rec.configured.enterprises, ...p.enterprises]), industries: uniq([...rec.configured.industries, ...p.industries]) };
    rec.updatedAt = ctx.time;
    state.put(pk.expert(dept, rec.id), rec);
    emitRecords(ctx, 'payout.expertConflictsSet', { dept, expert: rec.id }, [pk.expert(dept, rec.id)]);
  },
});
