import { defineContract } from '../../chain/contract.ts';
import { keys, type SignerRecord } from '../../chain/identity.ts';
import { EnterpriseRotateKey } from '../schema.ts';
import { checkStaffSeal } from '../staffSeal.ts';
import { ak } from '../stateKeys.ts';
import { byOf, emitRecord, requireEnterprise } from './common.ts';
import { requireFreeKey, requireRegistrationDesk } from './enterpriseRegister.ts';

/**
 * Key rotation through the window: the old key stops signing at once (its sessions end too,
 * since sessions are re-checked against key/<pub>), the new key takes over, and the record keeps
 * every key with when and why it was removed.
 */
export const enterpriseRotateKey = defineContract({
  kind: 'enterprise.rotateKey',
  payload: EnterpriseRotateKey,
  roles: ['clerk'],
  async apply(ctx, state, p) {
    await requireRegistrationDesk(ctx, state);
    const ent = await requireEnterprise(state, p.code);
    await requireFreeKey(ctx, state, p.publicKey);
    await checkStaffSeal(ctx, state, 'enterprise.rotateKey', p);
    const by = byOf(ctx);
    state.del(keys.signer(ent.currentKey));
    state.put(keys.signer(p.publicKey), { type: 'enterprise', code: p.code } satisfies SignerRecord);
    state.put(ak.enterprise(p.code), {
      ...ent,
      currentKey: p.publicKey,
      keys: [
        ...ent.keys.map((k) => (k.publicKey === ent.currentKey && !k.removedAt ? { ...k, removedAt: ctx.time, removedBy: by, reason: p.reason, ...(p.note ? { note: p.note } : {}) } : k)),
        { publicKey: p.publicKey, addedAt: ctx.time, addedBy: by },
      ],
    });
    emitRecord(ctx, 'enterprise.keyRotated', { code: p.code, reason: p.reason }, [ak.enterprise(p.code)]);
  },
});
