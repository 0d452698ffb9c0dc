import { z } from 'zod';
import { clsAll } from '../classification.ts';
import { defineContract } from '../contract.ts';
import { ChainError } from '../errors.ts';
import { keys, type UserRecord } from '../identity.ts';
import { AUDIT_DEPT } from '../readAccess.ts';
import { Role } from '../schema.ts';
import { refuseControl } from '../text.ts';

const StaffRole = Role.exclude(['node', 'enterprise']);

/**
 * A department administrator registers (or updates) one of the department's staff. An auditor
 * reads every department's records, so that role exists only in the audit department: another
 * department's administrator cannot mint a reader of everyone else.
 */
export const userRegister = defineContract({
  kind: 'user.register',
  // public: staff act in their official capacity and every action is attributable to them
  payload: z.strictObject(clsAll({ id: z.string().regex(/^[a-z0-9_.-]{2,64}$/), name: z.string().min(1).max(64).superRefine(refuseControl(false)), role: StaffRole }, 'public')),
  roles: ['admin', 'node'],
  async apply(ctx, state, p) {
    const dept = ctx.actor.dept!;
    if (p.role === 'auditor' && dept !== AUDIT_DEPT) {
      throw new ChainError('AUDITOR_OUTSIDE_AUDIT', `the auditor role is granted only in the ${AUDIT_DEPT} department, not in ${dept}`, { status: 403 });
    }
    // another administrator may change it; so a department always keeps one who can
    if (p.id === ctx.actor.id && ctx.actor.role === 'admin' && p.role !== 'admin') {
      throw new ChainError('SELF_DEMOTE', 'an administrator cannot take the administrator role from themselves', { status: 403 });
    }
    const user: UserRecord = { id: p.id, dept, name: p.name, role: p.role, active: true };
    state.put(keys.user(dept, p.id), user);
    ctx.emit('user.registered', { dept, id: p.id, role: p.role });
  },
});

/** Disabling a user stops every later transaction in their name (sessions end too). */
export const userDisable = defineContract({
  kind: 'user.disable',
  payload: z.strictObject(clsAll({ id: z.string() }, 'public')),
  roles: ['admin'],
  async apply(ctx, state, p) {
    const dept = ctx.actor.dept!;
    const user = await state.get<UserRecord>(keys.user(dept, p.id));
    if (!user) throw new ChainError('NOT_FOUND', `no user ${p.id} in ${dept}`, { status: 404 });
    if (p.id === ctx.actor.id) throw new ChainError('SELF_DISABLE', 'an administrator cannot disable their own account');
    state.put(keys.user(dept, p.id), { ...user, active: false });
    ctx.emit('user.disabled', { dept, id: p.id });
  },
});
