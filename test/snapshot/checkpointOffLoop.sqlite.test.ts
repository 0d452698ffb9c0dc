import { test } from 'node:test';
import { sqliteFresh } from '../support/sqliteFresh.ts';
import { checkpointOffLoop } from './checkpointOffLoopSuite.ts';

const sqlite = sqliteFresh('tb-offloop-sqlite-');

test('SQLite: blocks are committed while a checkpoint root is worked out from a copy; the root is the state at its height', { timeout: 120_000 }, async () => {
  await checkpointOffLoop({ fresh: sqlite.fresh }, sqlite.dir);
});
