import { test } from 'node:test';
import { mariaDbFresh } from '../support/mariaDbFresh.ts';
import { backupRestoreRebuild } from './backupSuite.ts';

const maria = mariaDbFresh('tb-backup-maria-');

test('MariaDB: backup in one consistent snapshot while running, restore, rebuild with and without private tables', { timeout: 300_000 }, async () => {
  await backupRestoreRebuild({ fresh: maria.fresh }, maria.dir);
});
