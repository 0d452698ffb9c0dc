import { test } from 'node:test';
import { mariaDbFresh } from '../support/mariaDbFresh.ts';
import { checkpointOffLoop } from './checkpointOffLoopSuite.ts';

const maria = mariaDbFresh('tb-offloop-maria-');

test('MariaDB: blocks are committed while a checkpoint root is worked out from a copy; the root is the state at its height', { timeout: 240_000 }, async () => {
  await checkpointOffLoop({ fresh: maria.fresh }, maria.dir);
});
