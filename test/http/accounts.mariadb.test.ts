import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { checkPassword } from '../../server/http/password.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { makeConsortium, silentLogger } from '../support/fixtures.ts';
import { startMariaDb, type MariaDb } from '../../deploy/mariadb.ts';
import { login, TEST_PASSWORD } from '../support/platform.ts';

const NEW_PASSWORD = 'Harbour-lantern-blue-42';

/**
 * Password change and reset on MariaDB, where the flag a reset sets is a TINYINT and the account
 * log an AUTO_INCREMENT table; ten changes at once with the same current password leave one
 * password, one that was answered 200.
 */
describe('staff accounts on MariaDB', () => {
  let server: MariaDb;
  let p: Platform;

  before(async () => {
    server = await startMariaDb();
    const keys = makeConsortium(['market', 'tax', 'audit', 'service']);
    const log = new LocalLog(':memory:');
    const specs = await Promise.all(keys.genesis.members.map(async (m) => ({ dept: m.dept, db: openDb({ client: 'mysql', connection: await server.createDatabase(m.dept) }), orderer: log })));
    p = await createPlatform({ keys, specs, logger: silentLogger });
    await seedDemo(p, { password: TEST_PASSWORD });
  });
  after(async () => {
    await p?.stop();
    await server?.stop();
  });

  test('a reset: the one-time password must be changed first, and the log names who reset whose', async () => {
    const admin = await login(p, 'market', 'admin');
    const reset = await admin.post('/market/api/admin/users/holder1/password-reset', {});
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    const users = await admin.get('/market/api/admin/users').expect(200);
    assert.equal(users.body.items.find((u: { id: string }) => u.id === 'holder1').mustChangePassword, true);
    const s = await login(p, 'market', 'holder1', reset.body.oneTimePassword);
    assert.equal((await s.get('/market/api/blocks')).body.code, 'PASSWORD_CHANGE_REQUIRED');
    assert.equal((await s.post('/market/api/auth/password', { current: reset.body.oneTimePassword, next: NEW_PASSWORD })).status, 200);
    assert.equal((await s.get('/market/api/blocks')).status, 200);
    assert.equal((await admin.get('/market/api/admin/users').expect(200)).body.items.find((u: { id: string }) => u.id === 'holder1').mustChangePassword, false);
    const trail = await admin.get('/market/api/admin/account-events?user=holder1').expect(200);
    assert.deepEqual(trail.body.items.map((e: { action: string; actor: string }) => [e.action, e.actor]), [['password.change', 'holder1'], ['password.reset', 'admin']]);
  });

  test('ten changes at once from ten sessions: every answer is a 200 or a clear 4xx, and one new password holds', async () => {
    const sessions = await Promise.all(Array.from({ length: 10 }, () => login(p, 'market', 'approver1')));
    const answers = await Promise.all(sessions.map((s, i) => s.post('/market/api/auth/password', { current: TEST_PASSWORD, next: `${NEW_PASSWORD}-${i}` })));
    assert.ok(answers.every((a) => a.status === 200 || (a.status >= 400 && a.status < 500)), JSON.stringify(answers.map((a) => a.status)));
    // asked through the sign-in door, nine wrong passwords would lock the user: read the stored hash instead
    const { hash } = await p.node('market').db('auth_passwords').where({ user_id: 'approver1' }).first('hash');
    const matches = await Promise.all(Array.from({ length: 10 }, (_, i) => checkPassword(`${NEW_PASSWORD}-${i}`, hash)));
    assert.equal(matches.filter(Boolean).length, 1, 'exactly one of the new passwords is the password');
    assert.equal(await checkPassword(TEST_PASSWORD, hash), false);
    const winner = matches.indexOf(true);
    assert.equal(answers[winner].status, 200, 'the password that holds is one whose change was answered 200');
  });
});
