import type { Module } from '../chain/module.ts';
import { importRoutes } from './importRoutes.ts';
import { migrateImports } from './jobStore.ts';

/**
 * Bulk import of a department's historical records (历史数据导入, server/imports/README.md): a
 * CSV or XLSX file of past licences becomes `licence.import` transactions signed for the
 * importing person, idempotent by each record's origin and resumable by importing again.
 */
export function importsModule(): Module {
  let stopped = false;
  return {
    name: 'imports',
    migrate: migrateImports,
    routes(node) {
      const off = node.onChange((what) => {
        if (what !== 'stopped') return;
        stopped = true;
        off();
      });
      return importRoutes(node, () => stopped);
    },
  };
}
