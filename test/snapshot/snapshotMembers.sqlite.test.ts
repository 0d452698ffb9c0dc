import { test } from 'node:test';
import { sqliteFresh } from '../support/sqliteFresh.ts';
import { snapshotAcrossRotation } from './snapshotMembersSuite.ts';

const sqlite = sqliteFresh('tb-snapshot-members-sqlite-');

test('SQLite: a snapshot above a node key rotation carries it and is accepted; its evidence forged or left out, or a root signed by the old key, is refused', { timeout: 180_000 }, async () => {
  await snapshotAcrossRotation({ fresh: sqlite.fresh }, sqlite.dir);
});
