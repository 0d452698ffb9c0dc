import { approvalAdmission } from './http/admission.ts';
import type { CommittedBlock, Module } from '../chain/module.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import { approvalContracts } from './contracts/index.ts';
import { approvalGovActions } from './govActions.ts';
import { approvalRoutes } from './http/routes.ts';
import { pendingPrivacy, type PrivacyPort } from './privacy.ts';
import { migrateApproval } from './readModel/migrate.ts';
import { projectApproval, writeRecords } from './readModel/project.ts';
import { enterpriseCodes } from './readModel/queries.ts';
import { loadRules } from './rules.ts';
import { shareWithAuditAfterBlock } from './auditShares.ts';
import { shareAfterBlock } from './sealSharing.ts';

export interface ApprovalModuleOptions {
  /** the privacy-query adapter; until that module exists, checks stay "pending privacy query" */
  privacy?: PrivacyPort;
}

/**
 * One form once (一表申报), approvals (审批), supervision and enforcement (审管执), the one-click
 * dossier and the credit score, as one module of a department node.
 */
export function approvalModule(opts: ApprovalModuleOptions = {}): Module {
  const privacy = opts.privacy ?? pendingPrivacy;
  return {
    name: 'approval',
    contracts: approvalContracts(privacy),
    govActions: approvalGovActions,
    migrate: migrateApproval,
    project: (trx, block, node) => projectApproval(trx, block, node.keyring, node.dept),
    projectState: (trx, keys, node) => writeRecords(trx, keys, node.keyring, node.dept),
    routes: (node) => approvalRoutes(node, privacy),
    admission: approvalAdmission,
    afterBlock: async (block, node) => {
      await rescoreAfterWeightChange(block, node);
      await shareAfterBlock(block, node);
      await shareWithAuditAfterBlock(block, node);
    },
  };
}

const SWEEP = 200;

/**
 * After the consortium changes the credit weights, the credit department's node re-scores every
 * enterprise under the new weights, in batches (the contract does the arithmetic; this only
 * decides when). Other nodes do nothing, so each enterprise is re-scored once.
 */
async function rescoreAfterWeightChange(block: CommittedBlock, node: ModulePort): Promise<void> {
  const changed = block.receipts.some((r) => r.status === 'ok' && r.events.some((e) => e.type === 'credit.weightsSet'));
  if (!changed) return;
  const rules = await loadRules(node.view(), node.genesis);
  if (rules.creditDept !== node.dept) return;
  const codes = await enterpriseCodes(node.db);
  for (let i = 0; i < codes.length; i += SWEEP) {
    await node.submitAs(undefined, 'credit.recompute', { codes: codes.slice(i, i + SWEEP) }, 'none');
  }
  node.log.info({ enterprises: codes.length }, 'credit weights changed; re-scoring submitted');
}

export { pendingPrivacy, type PrivacyPort };
