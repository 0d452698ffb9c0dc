import { defineContract } from '../../chain/contract.ts';
import { updateCredit } from '../credit/facts.ts';
import { CreditRecompute } from '../schema.ts';
import { ak } from '../stateKeys.ts';
import { requireEnterprise } from './common.ts';

/** Re-scores enterprises under the current weights (the credit department's node sweeps after a change). */
export const creditRecompute = defineContract({
  kind: 'credit.recompute',
  payload: CreditRecompute,
  roles: ['node', 'admin'],
  async apply(ctx, state, p) {
    for (const code of [...new Set(p.codes)].sort()) {
      await requireEnterprise(state, code);
      await updateCredit(ctx, state, code, { kind: 'credit.recompute', ref: ak.creditWeights() });
    }
  },
});
