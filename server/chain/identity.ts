import type { ContractDef, Actor } from './contract.ts';
import { ChainError } from './errors.ts';
import type { Role, Tx } from './schema.ts';
import type { UserRecord } from '../../shared/wire/admin.ts';

/** State keys of the consortium's own records. One place, so no module spells them twice. */
export const keys = {
  member: (dept: string) => `member/${dept}`,
  members: () => 'members',
  signer: (publicKey: string) => `key/${publicKey}`,
  user: (dept: string, id: string) => `user/${dept}/${id}`,
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

export type SignerRecord = { type: 'node'; dept: string } | { type: 'enterprise'; code: string };

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
  } else {
    if (tx.actor !== undefined) throw new ChainError('UNKNOWN_ACTOR', 'an enterprise signs for itself; actor must be absent', { status: 403 });
    actor = { id: signer.code, role: 'enterprise' };
  }
  if (!def.roles.includes(actor.role)) {
    throw new ChainError('FORBIDDEN_KIND', `role ${actor.role} may not submit ${tx.kind}`, { status: 403 });
  }
  return actor;
}
