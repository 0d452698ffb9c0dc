import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { PayoutAdvance } from '../schema.ts';
import { pk } from '../stateKeys.ts';
import { emitRecords, loadApplication, loadPolicy, requirePolicyDept } from './common.ts';
import { progress } from './progress.ts';
import { topUpReview } from './recuse.ts';

/**
 * Re-reads an application's privacy answers and moves it on. The policy department's node submits
 * it when an answer to one of its questions lands (or a question expires); an officer may too, and
 * also to fill a review left short of experts by a recusal once a member of the policy's panel can
 * be drawn again (experts registered after publication are not on it).
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
    if (app.status === 'reviewing' && app.review && app.review.experts.length < policy.review.experts) {
      // a review short of experts after a recusal: draw again from the panel (a member may be back)
      const added = await topUpReview(state, policy, app);
      if (!added.length) reject('CHECKS_PENDING', app.waiting ?? 'no eligible expert yet', 409);
      state.put(pk.app(app.id), app);
      emitRecords(ctx, 'payout.expertRecused', { application: app.id, dept: app.dept, replacedBy: added, experts: app.review.experts }, [pk.app(app.id)]);
      return;
    }
    if (app.status !== 'checking') reject('NOT_CHECKING', `application ${app.id} is ${app.status}, past its checks`, 409);
    if (!(await progress(ctx, state, policy, app))) {
      reject('CHECKS_PENDING', app.waiting ?? 'nothing to move on yet', 409);
    }
  },
});
