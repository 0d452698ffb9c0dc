import type { Module } from '../chain/module.ts';
import { migrateDataUse, projectDataUse } from './readModel.ts';
import { dataUseRoutes } from './routes.ts';

/**
 * The enterprise's data-use record (数据使用记录): who looked at its records or asked about it,
 * when and why. The record itself is on the chain (dossier.view, privacy.ask, audit.view); this
 * module keeps the audit looks findable by enterprise and answers the enterprise's list.
 */
export function dataUseModule(): Module {
  return {
    name: 'data-use',
    migrate: migrateDataUse,
    project: (trx, block) => projectDataUse(trx, block),
    routes: (node) => dataUseRoutes(node),
  };
}
