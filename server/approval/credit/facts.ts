import type { TxContext } from '../../chain/contract.ts';
import type { StateView } from '../../chain/state.ts';
import { ak } from '../stateKeys.ts';
import { emptyFacts, scoreFacts, type CreditFacts } from './score.ts';
import type { CreditScoreRecord } from '../../../shared/wire/credit.ts';

export type { CreditScoreRecord };
import { loadWeights } from './weights.ts';


/**
 * Updates an enterprise's credit facts and recomputes its score in the same transaction, so the
 * score on the chain is always the one its records imply. Other modules (privacy answers,
 * subsidy compliance) call this from their own handlers.
 */
export async function updateCredit(
  ctx: TxContext,
  state: StateView,
  code: string,
  trigger: { kind: string; ref: string },
  mutate: (f: CreditFacts) => void = () => {},
): Promise<CreditScoreRecord> {
  const facts = (await state.get<CreditFacts>(ak.creditFacts(code))) ?? emptyFacts(code);
  mutate(facts);
  state.put(ak.creditFacts(code), facts);
  const w = await loadWeights(state, ctx.genesis);
  const rec: CreditScoreRecord = { code, ...scoreFacts(facts, w, ctx.time), weightsVersion: w.version, computedAt: ctx.time, height: ctx.height, txId: ctx.txId, trigger };
  state.put(ak.creditScore(code), rec);
  ctx.emit('credit.scored', { code, total: rec.total, grade: rec.grade, trigger: trigger.ref, records: [ak.creditScore(code)] });
  return rec;
}

/** For the privacy-query module: a tax or social-insurance standing answered with a proof. */
export const recordPrivacyStanding = (ctx: TxContext, state: StateView, code: string, which: 'tax' | 'social', answer: boolean, ref: string) =>
  updateCredit(ctx, state, code, { kind: `privacy.${which}`, ref }, (f) => {
    f.privacy[which] = { answer, ref };
  });

/** For the policy-payout module: whether an award was used as the policy requires. */
export const recordSubsidyCompliance = (ctx: TxContext, state: StateView, code: string, ref: string, compliant: boolean) =>
  updateCredit(ctx, state, code, { kind: 'subsidy', ref }, (f) => {
    f.subsidy[ref] = { compliant };
  });

export async function currentScore(state: StateView, code: string): Promise<CreditScoreRecord | undefined> {
  return state.get<CreditScoreRecord>(ak.creditScore(code));
}
