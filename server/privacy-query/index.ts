import type { Module } from '../chain/module.ts';
import { privacyContracts, type OnAnswered } from './contracts/index.ts';
import { privacyGovActions } from './govActions.ts';
import { AutoAnswerer } from './holder/autoAnswer.ts';
import { processProver, type ProverSource } from './holder/proverSource.ts';
import { privacyRoutes } from './http/routes.ts';
import type { KeysProgressSource } from './http/keysStatusRoutes.ts';
import { migratePrivacy } from './readModel/migrate.ts';
import { projectPrivacy, projectQueryKeys } from './readModel/project.ts';
import { pq } from './stateKeys.ts';

export interface PrivacyModuleOptions {
  /** where holder nodes get their prover; one per process by default (see proverSource.ts) */
  prover?: ProverSource;
  /** holder nodes answer questions by themselves (default); off, holder staff answer by hand */
  autoAnswer?: boolean;
  /** chain logic run with each verified answer, in its transaction (the same on every node) */
  onAnswered?: OnAnswered;
  /** how far this process is in making keys, while it makes them (embedded start) */
  keysProgress?: KeysProgressSource;
}

/**
 * 智能隐私问询: holders commit figures, departments ask yes/no questions on a legal basis, holders
 * answer with zero-knowledge proofs every node verifies. One instance per node (the answerer is per node).
 */
export function privacyModule(opts: PrivacyModuleOptions = {}): Module {
  const prover = opts.prover ?? processProver;
  let answerer: AutoAnswerer | undefined;
  return {
    name: 'privacy',
    contracts: privacyContracts(opts.onAnswered),
    govActions: privacyGovActions,
    migrate: migratePrivacy,
    project: (trx, block) => projectPrivacy(trx, block),
    projectState: (trx, keys) => projectQueryKeys(trx, keys.filter((k) => k.startsWith(pq.query('')))),
    routes: (node) => privacyRoutes(node, opts.keysProgress),
    async afterBlock(block, node) {
      if (opts.autoAnswer === false) return;
      (answerer ??= new AutoAnswerer(node, prover)).onBlock(block);
    },
  };
}

export { privacyPort } from './approvalAdapter.ts';
export { raiseQuery, effectiveStatus, type QueryRequest, type QueryRecord, type QueryStatus } from './raise.ts';
export { pq } from './stateKeys.ts';
export type { KeysProgressSource } from './http/keysStatusRoutes.ts';
export { privacyGenesisConfig } from './verificationKeys.ts';
