import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createModules } from '../../server/modules.ts';
import type { Platform } from '../../server/platform.ts';
import { adoptVerificationKeys } from '../../server/privacy-query/bootstrap.ts';
import { TEST_PASSWORD, login, startTestPlatform } from '../support/platform.ts';

/* A consortium that has adopted no verification keys says so with a code, rather than failing later. */

let p: Platform;
before(async () => {
  p = await startTestPlatform({ depts: ['market', 'tax', 'hrss', 'housing'], modules: createModules, demo: false });
  await p.auths.get('tax')!.setPassword('admin', TEST_PASSWORD);
});
after(() => p.stop());

test('GET /privacy/keys: 409 PQ_NO_KEYS until governance adopts keys, then their hashes and source', async () => {
  const admin = await login(p, 'tax', 'admin');
  const none = await admin.get('/tax/api/privacy/keys');
  assert.equal(none.status, 409);
  assert.equal(none.body.code, 'PQ_NO_KEYS');
  // the portal reads the same from the configuration, without a refused request
  assert.equal((await admin.get('/tax/api/privacy/config').expect(200)).body.keys.source, 'none');
  await adoptVerificationKeys(p.nodes);
  assert.equal((await admin.get('/tax/api/privacy/config').expect(200)).body.keys.source, 'governance');
  const some = await admin.get('/tax/api/privacy/keys');
  assert.equal(some.status, 200, JSON.stringify(some.body));
  assert.equal(some.body.source, 'governance');
  assert.match(some.body.hashes.equality, /^[0-9a-f]{64}$/);
  assert.equal(some.body.records.equality, null, 'no multi-party ceremony recorded for these keys');
});
