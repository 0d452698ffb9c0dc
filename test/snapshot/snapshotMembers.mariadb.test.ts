import { test } from 'node:test';
import { mariaDbFresh } from '../support/mariaDbFresh.ts';
import { snapshotAcrossRotation } from './snapshotMembersSuite.ts';

const maria = mariaDbFresh('tb-snapshot-members-maria-');

test('MariaDB: a snapshot above a node key rotation carries it and is accepted; its evidence forged or left out, or a root signed by the old key, is refused', { timeout: 300_000 }, async () => {
  await snapshotAcrossRotation({ fresh: maria.fresh }, maria.dir);
});
