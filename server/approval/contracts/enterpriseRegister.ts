import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { keys, type SignerRecord } from '../../chain/identity.ts';
import type { StateView } from '../../chain/state.ts';
import { suiteByName } from '../../chain/suites/index.ts';
import type { TxContext } from '../../chain/contract.ts';
import { assertCreditCode } from '../../../shared/creditCode.ts';
import { updateCredit } from '../credit/facts.ts';
import type { EnterpriseRecord } from '../records.ts';
import { loadRules } from '../rules.ts';
import { EnterpriseRegister } from '../schema.ts';
import { checkStaffSeal } from '../staffSeal.ts';
import { ak } from '../stateKeys.ts';
import { byOf, emitRecord } from './common.ts';

/** Only the one window registers enterprises and keys, after seeing who is at the counter. */
export async function requireRegistrationDesk(ctx: TxContext, state: StateView): Promise<void> {
  const rules = await loadRules(state, ctx.genesis);
  if (!rules.registrationDepts.includes(ctx.actor.dept ?? '')) {
    reject('WRONG_DEPT', `enterprises and their keys are registered at ${rules.registrationDepts.join(', ')}, not ${ctx.actor.dept}`, 403);
  }
}

/** A fresh key for an enterprise: right length for the chain's suite and not anyone's key yet. */
export async function requireFreeKey(ctx: TxContext, state: StateView, publicKey: string): Promise<void> {
  const want = suiteByName(ctx.genesis.suite).publicKeyHexLength;
  if (publicKey.length !== want) reject('MALFORMED_KEY', `a ${ctx.genesis.suite} public key has ${want} hex characters`);
  if (await state.get(keys.signer(publicKey))) reject('KEY_IN_USE', 'that key is already registered on this chain', 409);
}

/**
 * The service-centre clerk registers an enterprise's code and the public key it made in its
 * own browser. From then on the chain knows the key (key/<pub> → enterprise), so the
 * enterprise signs its own filings; the node never holds the enterprise's private key.
 */
export const enterpriseRegister = defineContract({
  kind: 'enterprise.register',
  payload: EnterpriseRegister,
  roles: ['clerk'],
  async apply(ctx, state, p) {
    await requireRegistrationDesk(ctx, state);
    assertCreditCode(p.code);
    if (await state.get(ak.enterprise(p.code))) reject('ALREADY_REGISTERED', `enterprise ${p.code} is already registered; rotate its key instead`, 409);
    await requireFreeKey(ctx, state, p.publicKey);
    await checkStaffSeal(ctx, state, 'enterprise.register', p);
    const by = byOf(ctx);
    const rec: EnterpriseRecord = {
      code: p.code,
      name: p.name,
      status: 'active',
      currentKey: p.publicKey,
      keys: [{ publicKey: p.publicKey, addedAt: ctx.time, addedBy: by }],
      registeredAt: ctx.time,
      registeredBy: by,
      verification: p.verification,
    };
    state.put(ak.enterprise(p.code), rec);
    state.put(keys.signer(p.publicKey), { type: 'enterprise', code: p.code } satisfies SignerRecord);
    emitRecord(ctx, 'enterprise.registered', { code: p.code }, [ak.enterprise(p.code)]);
    await updateCredit(ctx, state, p.code, { kind: 'enterprise.register', ref: ak.enterprise(p.code) });
  },
});
