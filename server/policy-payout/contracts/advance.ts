import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { PayoutAdvance } from '../schema.ts';
import { loadApplication, loadPolicy, requirePolicyDept } from './common.ts';
import { progress } from './progress.ts';

/**
 * Re-reads an application's privacy answers and moves it on. The policy department's node submits
 * it when an answer to one of its questions lands (or a question expires); an officer may too.
 * It only reads the chain, so whoever submits it, the outcome is the same.
 */
export const payoutAdvance = defineContract({
  kind: 'payout.advance',
  payload: PayoutAdvance,
  roles: ['node', 'policy'],
  async apply(ctx, state, p) {
    const app = await loadApplication(state, p.application);
    const policy = await loadPolicy(state, app.policy);
    requirePolicyDept(ctx, policy);
    if (app.status !== 'checking') reject('NOT_CHECKING', `application ${app.id} is ${app.status}, past its checks`, 409);
    if (!(await progress(ctx, state, policy, app))) {
      reject('CHECKS_PENDING', app.waiting ?? 'nothing to move on yet', 409);
    }
  },
});
