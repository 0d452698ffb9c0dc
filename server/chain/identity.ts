import type { ContractDef, Actor } from './contract.ts';
import { ChainError } from './errors.ts';
import type { ClientRecord } from '../../shared/wire/clients.ts';
import type { Role, Tx } from './schema.ts';
import type { UserRecord } from '../../shared/wire/admin.ts';

/** State keys of the consortium's own records. One place, so no module spells them twice. */
export const keys = {
  member: (dept: string) => `member/${dept}`,
  members: () => 'members',
  signer: (publicKey: string) => `key/${publicKey}`,
  user: (dept: string, id: string) => `user/${dept}/${id}`,
  client: (dept: string, id: string) => `client/${dept}/${id}`,
  /** a department's client ids, sorted: what its administrator lists */
  clients: (dept: string) => `clients/${dept}`,
};

export interface MemberRecord {
  dept: string;
  name: string;
  nameEn: string;
  nodeKey: string;
  /** X25519 public key sealed fields are wrapped to now (absent: the member receives nothing sealed) */
  encKey?: string;
  /** earlier encryption keys, oldest first, so a record sealed to one can still be told apart */
  encKeysOld?: string[];
  active: boolean;
}

export type SignerRecord = { type: 'node'; dept: string } | { type: 'enterprise'; code: string } | { type: 'client'; dept: string; id: string };

/** The department a signer acts for: a node's, or the one that registered a client; none for an enterprise. */
export const signerDeptOf = (s: SignerRecord | undefined): string | null => (s?.type === 'node' || s?.type === 'client' ? s.dept : null);

export type { ClientRecord };

/** How a client is named as the actor of its transactions (the envelope's `actor`). */
export const clientActorId = (dept: string, id: string): string => `client:${dept}:${id}`;

export type { UserRecord };

type Get = <T>(key: string) => Promise<T | undefined>;

/**
 * Who a transaction acts for, and whether that role may submit its kind. The HTTP layer calls
 * this against the latest state to reject early; the executor calls it again inside the block.
 */
export async function resolveActor(get: Get, tx: Tx, def: ContractDef): Promise<Actor> {
  const signer = await get<SignerRecord>(keys.signer(tx.signer));
  if (!signer) throw new ChainError('UNKNOWN_SIGNER', 'the signing key is not registered on this chain', { status: 403 });
  let actor: Actor;
  if (signer.type === 'node') {
    const member = await get<MemberRecord>(keys.member(signer.dept));
    if (!member?.active || member.nodeKey !== tx.signer) {
      throw new ChainError('NOT_A_MEMBER', `department ${signer.dept} is not an active member with this key`, { status: 403 });
    }
    if (tx.actor === undefined) {
      actor = { id: signer.dept, role: 'node', dept: signer.dept };
    } else {
      const user = await get<UserRecord>(keys.user(signer.dept, tx.actor));
      if (!user?.active) throw new ChainError('UNKNOWN_ACTOR', `user ${tx.actor} is not an active user of ${signer.dept}`, { status: 403 });
      actor = { id: user.id, role: user.role, dept: signer.dept };
    }
  } else if (signer.type === 'client') {
    actor = await clientActor(get, tx, signer.dept, signer.id);
  } else {
    if (tx.actor !== undefined) throw new ChainError('UNKNOWN_ACTOR', 'an enterprise signs for itself; actor must be absent', { status: 403 });
    actor = { id: signer.code, role: 'enterprise' };
  }
  if (!def.roles.includes(actor.role)) {
    throw new ChainError('FORBIDDEN_KIND', `role ${actor.role} may not submit ${tx.kind}`, { status: 403 });
  }
  return actor;
}

/**
 * A client acts only while its department is a member, the client is enabled and the key is its
 * current one, only for kinds it was granted, and (checked by the caller against the contract's
 * roles) only in a staff role that may submit the kind: never more than its department's staff.
 */
async function clientActor(get: Get, tx: Tx, dept: string, id: string): Promise<Actor> {
  const member = await get<MemberRecord>(keys.member(dept));
  if (!member?.active) throw new ChainError('NOT_A_MEMBER', `department ${dept} is not an active member`, { status: 403 });
  const c = await get<ClientRecord>(keys.client(dept, id));
  if (!c?.active) throw new ChainError('CLIENT_DISABLED', `client ${id} of ${dept} is disabled`, { status: 403 });
  if (c.key !== tx.signer) throw new ChainError('KEY_ROTATED', `this key of client ${id} was replaced; sign with its current key`, { status: 403 });
  if (tx.actor !== clientActorId(dept, id)) throw new ChainError('UNKNOWN_ACTOR', `a client names itself as actor: ${clientActorId(dept, id)}`, { status: 403 });
  if (!c.kinds.includes(tx.kind)) throw new ChainError('KIND_NOT_GRANTED', `client ${id} was not granted ${tx.kind}; its department's administrator grants kinds`, { status: 403 });
  return { id: clientActorId(dept, id), role: c.role, dept };
}
