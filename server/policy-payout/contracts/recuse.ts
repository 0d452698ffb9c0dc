import type { TxContext } from '../../chain/contract.ts';
import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import type { StateView } from '../../chain/state.ts';
import { checkSealedTo } from '../deptSeal.ts';
import { nextExpert } from '../review/experts.ts';
import type { ApplicationRecord, PolicyRecord } from '../records.ts';
import { PayoutRecuse } from '../schema.ts';
import { pk } from '../stateKeys.ts';
import { emitRecords, loadApplication, loadPolicy } from './common.ts';

const tooFew = (need: number, have: number) => `可选评审专家不足（需 ${need} 名，现 ${have} 名；专家组在政策发布时确定）/ not enough eligible experts on the policy's panel`;

/**
 * Brings an application's review back to the number of experts its policy asks for, drawing each
 * newcomer by the same ranking as the first draw, from the policy's panel. Returns who was added;
 * when the panel runs dry the application waits (with why) until an officer advances it after a
 * panel member can be drawn again (re-enabled, say); experts registered later never join it.
 */
export async function topUpReview(state: StateView, policy: PolicyRecord, app: ApplicationRecord): Promise<string[]> {
  const review = app.review!;
  const added: string[] = [];
  while (review.experts.length < policy.review.experts) {
    const next = await nextExpert(state, policy, app);
    if (!next) break;
    review.experts.push(next);
    added.push(next);
  }
  if (review.experts.length < policy.review.experts) app.waiting = tooFew(policy.review.experts, review.experts.length);
  else delete app.waiting;
  return added;
}

/**
 * A drawn expert who finds a conflict of interest only after the draw steps back (回避) before
 * scoring: they leave the review, their reason stays on the record, and the next expert in the
 * draw's ranking takes the place. The policy department's node then seals the materials to the
 * newcomer's key (automation.ts, on 'payout.expertRecused').
 */
export const payoutRecuse = defineContract({
  kind: 'payout.recuse',
  payload: PayoutRecuse,
  roles: ['expert'],
  async apply(ctx: TxContext, state, p) {
    const app = await loadApplication(state, p.application);
    if (app.status !== 'reviewing' || !app.review) reject('NOT_REVIEWING', `application ${app.id} is ${app.status}, not in expert review`, 409);
    if (ctx.actor.dept !== app.dept || !app.review.experts.includes(ctx.actor.id)) reject('NOT_ASSIGNED', 'only an expert drawn for this application can step back from it', 403);
    if (app.review.scores.some((s) => s.expert === ctx.actor.id)) reject('ALREADY_REVIEWED', 'you have already scored this application; a score cannot be withdrawn', 409);
    const policy = await loadPolicy(state, app.policy);
    await checkSealedTo(state, p.reason, [app.dept], 'the reason', 'the application\'s department');
    app.review.experts = app.review.experts.filter((id) => id !== ctx.actor.id);
    // the public line says who stepped back and when; the expert's words are sealed beside it
    app.review.excluded.push({ expert: ctx.actor.id, reason: `回避 / recused at ${ctx.txId}`, recused: true, reasonSealed: p.reason });
    const added = await topUpReview(state, policy, app);
    state.put(pk.app(app.id), app);
    emitRecords(ctx, 'payout.expertRecused', { application: app.id, dept: app.dept, expert: ctx.actor.id, replacedBy: added, experts: app.review.experts }, [pk.app(app.id)]);
  },
});
