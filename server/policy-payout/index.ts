import { payoutAdmission } from './http/admission.ts';
import type { Module } from '../chain/module.ts';
import { payoutAutomation } from './automation.ts';
import { payoutContracts } from './contracts/index.ts';
import { payoutRoutes } from './http/routes.ts';
import { migratePayout } from './readModel/migrate.ts';
import { projectPayout, projectPayoutKeys } from './readModel/project.ts';

/**
 * Policy payout (政策兑现): publish a policy, apply with the one-form filing, automatic checks by
 * privacy queries and the credit grade, expert review of encrypted materials, decision,
 * publication (公示) with objections, and disbursement exactly once within the budget.
 */
export function payoutModule(): Module {
  return {
    name: 'payout',
    contracts: payoutContracts,
    migrate: migratePayout,
    project: (trx, block, node) => projectPayout(trx, block, node.keyring),
    projectState: (trx, keys, node) => projectPayoutKeys(trx, keys.filter((k) => k.startsWith('pay/')), node.keyring),
    afterBlock: payoutAutomation(),
    routes: payoutRoutes,
    admission: payoutAdmission,
  };
}
