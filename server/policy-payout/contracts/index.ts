import type { ContractDef } from '../../chain/contract.ts';
import { payoutAdvance } from './advance.ts';
import { payoutApply } from './apply.ts';
import { payoutDecide } from './decide.ts';
import { payoutExpertConflicts, payoutExpertRegister } from './experts.ts';
import { payoutObject } from './object.ts';
import { payoutPublicise } from './publicise.ts';
import { payoutPublish } from './publish.ts';
import { payoutRecuse } from './recuse.ts';
import { payoutRelease } from './release.ts';
import { payoutResolve } from './resolve.ts';
import { payoutReview } from './review.ts';
import { payoutRun } from './run.ts';
import { payoutRunApprove, payoutRunReject } from './runReview.ts';
import { payoutSettle } from './settle.ts';

export const payoutContracts: ContractDef[] = [
  payoutPublish,
  payoutApply,
  payoutAdvance,
  payoutExpertRegister,
  payoutExpertConflicts,
  payoutReview,
  payoutRecuse,
  payoutDecide,
  payoutPublicise,
  payoutObject,
  payoutResolve,
  payoutRelease,
  payoutRun,
  payoutRunApprove,
  payoutRunReject,
  payoutSettle,
];

/** Kinds an enterprise signs itself (accepted by the module's signed-transaction endpoint). */
export const ENTERPRISE_KINDS = ['payout.apply', 'payout.object'] as const;
