import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { checkSealedTo } from '../deptSeal.ts';
import { PayoutReview } from '../schema.ts';
import { pk } from '../stateKeys.ts';
import { emitRecords, loadApplication } from './common.ts';

/**
 * An assigned expert scores the application and gives an opinion, once. When every assigned
 * expert has scored, the application goes to the department's decision with the mean score.
 */
export const payoutReview = defineContract({
  kind: 'payout.review',
  payload: PayoutReview,
  roles: ['expert'],
  async apply(ctx, state, p) {
    const app = await loadApplication(state, p.application);
    if (app.status !== 'reviewing' || !app.review) reject('NOT_REVIEWING', `application ${app.id} is ${app.status}, not in expert review`, 409);
    if (ctx.actor.dept !== app.dept || !app.review.experts.includes(ctx.actor.id)) reject('NOT_ASSIGNED', 'only the experts drawn for this application review it', 403);
    if (app.review.scores.some((s) => s.expert === ctx.actor.id)) reject('ALREADY_REVIEWED', 'you have already scored this application', 409);
    // the expert's node seals the opinion to the deciding department; the chain checks to whom
    await checkSealedTo(state, p.opinion, [app.dept], 'the opinion', 'the department that decides');
    if (p.recommendFen) await checkSealedTo(state, p.recommendFen, [app.dept], 'the recommended amount', 'the department that decides');
    app.review.scores.push({ expert: ctx.actor.id, score: p.score, opinion: p.opinion, ...(p.recommendFen ? { recommendFen: p.recommendFen } : {}), time: ctx.time, txId: ctx.txId });
    const done = app.review.scores.length === app.review.experts.length;
    if (done) {
      const sum = app.review.scores.reduce((s, x) => s + x.score, 0);
      app.review.meanScoreX100 = Math.floor((sum * 100) / app.review.scores.length);
      app.status = 'deciding';
    }
    state.put(pk.app(app.id), app);
    emitRecords(ctx, done ? 'payout.reviewed' : 'payout.scored', { application: app.id, expert: ctx.actor.id }, [pk.app(app.id)]);
  },
});
