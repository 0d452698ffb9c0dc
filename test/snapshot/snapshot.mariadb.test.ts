import { test } from 'node:test';
import { mariaDbFresh } from '../support/mariaDbFresh.ts';
import { snapshotSync } from './snapshotSuite.ts';

const maria = mariaDbFresh('tb-snapshot-maria-');

test('MariaDB: a node starts from a verified snapshot and follows the log to the same head; tampered snapshots write nothing', { timeout: 300_000 }, async () => {
  await snapshotSync({ fresh: maria.fresh }, maria.dir);
});
