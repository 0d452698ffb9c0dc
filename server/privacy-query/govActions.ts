import { cls } from '../chain/classification.ts';
import type { GovAction } from '../chain/contracts/governance.ts';
import { PrivacyRules } from './config.ts';
import { pq } from './stateKeys.ts';
import { setVerificationKeys } from './verificationKeys.ts';

/** The figures, their holders, the statutes and the expiry change only when a quorum of departments agrees. */
export const setPrivacyRules: GovAction<PrivacyRules> = {
  type: 'privacy.setRules',
  params: cls(PrivacyRules, 'public'),
  async apply(ctx, state, params) {
    state.put(pq.rules(), params);
    ctx.emit('privacy.rulesSet', { fields: params.fields.length, statutes: params.statutes.length });
  },
};

export const privacyGovActions: GovAction[] = [setPrivacyRules, setVerificationKeys];
