import type { ContractDef, TxContext } from '../../chain/contract.ts';
import type { StateView } from '../../chain/state.ts';
import { payoutAdvance } from './advance.ts';
import { payoutApply } from './apply.ts';
import { payoutDecide } from './decide.ts';
import { payoutExpertConflicts, payoutExpertRegister } from './experts.ts';
import { payoutObject } from './object.ts';
import { payoutPublicise } from './publicise.ts';
import { payoutPublish } from './publish.ts';
import { payoutRelease } from './release.ts';
import { payoutResolve } from './resolve.ts';
import { payoutReview } from './review.ts';
import { payoutRun, runnable } from './run.ts';
import { payoutSettle } from './settle.ts';

export const payoutContracts: ContractDef[] = [
  payoutPublish,
  payoutApply,
  payoutAdvance,
  payoutExpertRegister,
  payoutExpertConflicts,
  payoutReview,
  payoutDecide,
  payoutPublicise,
  payoutObject,
  payoutResolve,
  payoutRelease,
  payoutRun,
  payoutSettle,
];

/**
 * Validity checks without the effect, for kinds whose effect is too heavy to run twice: the HTTP
 * layer uses these instead of a full dry run (every other kind is dry-run whole).
 */
export const PRECHECKS: Record<string, (ctx: TxContext, state: StateView, payload: never) => Promise<unknown>> = {
  'payout.run': runnable as never,
};

/** Kinds an enterprise signs itself (accepted by the module's signed-transaction endpoint). */
export const ENTERPRISE_KINDS = ['payout.apply', 'payout.object'] as const;
