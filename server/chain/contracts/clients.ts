import { z } from 'zod';
import { clsAll } from '../classification.ts';
import { defineContract, type ContractDef, type TxContext } from '../contract.ts';
import { reject } from '../errors.ts';
import { clientActorId, keys, type ClientRecord, type SignerRecord } from '../identity.ts';
import { AUDIT_DEPT } from '../readAccess.ts';
import { Role, TX_KIND } from '../schema.ts';
import type { StateView } from '../state.ts';
import { suiteByName } from '../suites/index.ts';
import { refuseControl } from '../text.ts';

/**
 * Integration clients (system accounts): a department's own systems, each with its own key,
 * registered, disabled and re-keyed by the department's administrator. A client acts in one
 * staff role and only for the kinds it was granted, each of which that role may submit: it can
 * never do what the department's staff could not. Administration (users, clients, governance)
 * stays with people, so a client never holds the administrator's role.
 */
export const ClientRole = Role.exclude(['node', 'enterprise', 'admin']);
export const ClientId = z.string().regex(/^[a-z0-9][a-z0-9_.-]{1,23}$/, 'a client id is 2-24 lowercase letters, digits, dots, dashes or underscores');
/** An event type, or a prefix ending in `.*`, as the feed's `kinds=` takes them (server/events). */
export const EventPattern = z.string().max(64).regex(/^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+)*(\.\*)?$/, 'an event type like approval.decided, or a prefix like approval.*');
const PublicKey = z.string().regex(/^[0-9a-f]{64,130}$/, 'a public key in lowercase hex');

export const ClientRegister = z.strictObject(clsAll({
  id: ClientId,
  name: z.string().min(1).max(64).superRefine(refuseControl(false)),
  publicKey: PublicKey,
  role: ClientRole,
  kinds: z.array(z.string().max(64).regex(TX_KIND, 'a transaction kind like approval.decide')).min(1).max(50),
  events: z.array(EventPattern).max(20).default([]),
}, 'public'));
export const ClientDisable = z.strictObject(clsAll({ id: ClientId }, 'public'));
export const ClientRotateKey = z.strictObject(clsAll({ id: ClientId, publicKey: PublicKey }, 'public'));

/** The roles each kind's contract accepts, or undefined for a kind no contract handles. */
export type RolesOfKind = (kind: string) => readonly Role[] | undefined;

async function freeKey(ctx: TxContext, state: StateView, publicKey: string): Promise<void> {
  const want = suiteByName(ctx.genesis.suite).publicKeyHexLength;
  if (publicKey.length !== want) reject('MALFORMED_KEY', `a ${ctx.genesis.suite} public key has ${want} hex characters`);
  if (await state.get(keys.signer(publicKey))) reject('KEY_IN_USE', 'that key is already registered on this chain (a key, once used, is never used again)', 409);
}

async function requireClient(ctx: TxContext, state: StateView, id: string): Promise<ClientRecord> {
  const c = await state.get<ClientRecord>(keys.client(ctx.actor.dept!, id));
  if (!c) reject('NOT_FOUND', `no client ${id} in ${ctx.actor.dept}`, 404);
  if (!c!.active) reject('CLIENT_DISABLED', `client ${id} is disabled; register a new one`, 409);
  return c!;
}

/** An administrator's change to an enabled client of the department. */
function clientChange<S extends z.ZodType<{ id: string }>>(kind: string, payload: S, change: (ctx: TxContext, state: StateView, c: ClientRecord, p: z.infer<S>) => Promise<void>) {
  return defineContract({
    kind,
    payload,
    roles: ['admin'],
    async apply(ctx, state, p) {
      await change(ctx, state, await requireClient(ctx, state, p.id), p);
    },
  });
}

export function clientContracts(rolesOf: RolesOfKind): ContractDef[] {
  const register = defineContract({
    kind: 'client.register',
    payload: ClientRegister,
    roles: ['admin'],
    async apply(ctx, state, p) {
      const dept = ctx.actor.dept!;
      if (p.role === 'auditor' && dept !== AUDIT_DEPT) reject('AUDITOR_OUTSIDE_AUDIT', `the auditor role exists only in the ${AUDIT_DEPT} department`, 403);
      const kinds = [...new Set(p.kinds)].sort();
      for (const k of kinds) {
        const roles = rolesOf(k);
        if (!roles) reject('UNKNOWN_KIND', `no contract handles transactions of kind "${k}"`);
        if (!roles!.includes(p.role)) reject('KIND_NOT_FOR_ROLE', `${k} is for ${roles!.join(', ')}; a client in the role ${p.role} may not be granted it`, 403);
      }
      if (await state.get(keys.client(dept, p.id))) reject('CLIENT_EXISTS', `client ${p.id} already exists in ${dept}; ids are never reused`, 409);
      await freeKey(ctx, state, p.publicKey);
      const rec: ClientRecord = { id: p.id, dept, name: p.name, role: p.role, kinds, events: [...new Set(p.events)].sort(), key: p.publicKey, active: true };
      state.put(keys.client(dept, p.id), rec);
      state.put(keys.signer(p.publicKey), { type: 'client', dept, id: p.id } satisfies SignerRecord);
      const ids = (await state.get<string[]>(keys.clients(dept))) ?? [];
      state.put(keys.clients(dept), [...ids, p.id].sort());
      ctx.emit('client.registered', { dept, id: p.id, actor: clientActorId(dept, p.id), role: p.role, kinds: rec.kinds, events: rec.events });
    },
  });

  // The key record stays: a disabled client's key, or a replaced one, is refused by name
  // (identity.ts) and can never be registered again for anyone else.
  const disable = clientChange('client.disable', ClientDisable, async (ctx, state, c) => {
    state.put(keys.client(c.dept, c.id), { ...c, active: false });
    ctx.emit('client.disabled', { dept: c.dept, id: c.id });
  });

  const rotateKey = clientChange('client.rotateKey', ClientRotateKey, async (ctx, state, c, p) => {
    await freeKey(ctx, state, p.publicKey);
    state.put(keys.client(c.dept, c.id), { ...c, key: p.publicKey, keysOld: [...(c.keysOld ?? []), c.key] });
    state.put(keys.signer(p.publicKey), { type: 'client', dept: c.dept, id: c.id } satisfies SignerRecord);
    ctx.emit('client.keyRotated', { dept: c.dept, id: c.id });
  });

  return [register, disable, rotateKey] as ContractDef[];
}
