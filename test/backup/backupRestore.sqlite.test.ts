import { test } from 'node:test';
import { sqliteFresh } from '../support/sqliteFresh.ts';
import { backupRestoreRebuild } from './backupSuite.ts';

const sqlite = sqliteFresh('tb-backup-');

test('SQLite: backup while running, restore, rebuild with and without private tables', { timeout: 240_000 }, async () => {
  await backupRestoreRebuild({ fresh: sqlite.fresh }, sqlite.dir);
});
