import { test } from 'node:test';
import { sqliteFresh } from '../support/sqliteFresh.ts';
import { snapshotSync } from './snapshotSuite.ts';

const sqlite = sqliteFresh('tb-snapshot-sqlite-');

test('SQLite: a node starts from a verified snapshot and follows the log to the same head; tampered snapshots write nothing', { timeout: 240_000 }, async () => {
  await snapshotSync({ fresh: sqlite.fresh }, sqlite.dir);
});
