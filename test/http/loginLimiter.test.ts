import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { openDb } from '../../server/chain/store/openDb.ts';
import { DEFAULT_LOGIN_LIMITS, LoginLimiter } from '../../server/http/loginLimiter.ts';
import { startMariaDb, type MariaDb } from '../../deploy/mariadb.ts';

const MINUTE = 60_000;

/**
 * The failure counts in the node's database: concurrent failures (a node's workers, each with its
 * own limiter over one database) are each counted, and a limiter made later (a restart) sees them.
 */
for (const engine of ['sqlite', 'mariadb'] as const) {
  describe(`sign-in failure counts on ${engine}`, () => {
    let server: MariaDb | undefined;
    let db: Knex;
    let now = Date.UTC(2026, 11, 3, 8);
    const clock = () => now;
    const rows = (key: string) => db('auth_login_limits').where({ limit_key: key }).first();

    before(async () => {
      if (engine === 'mariadb') {
        server = await startMariaDb();
        db = openDb({ client: 'mysql', connection: await server.createDatabase('limits') });
      } else {
        db = openDb({ client: 'sqlite', filename: ':memory:' });
      }
      await LoginLimiter.migrate(db);
      await LoginLimiter.migrate(db); // a second start finds the table
    });
    after(async () => {
      await db?.destroy();
      await server?.stop();
    });

    test('concurrent failures from several limiters over one database are all counted', async () => {
      const workers = [0, 1, 2, 3].map(() => new LoginLimiter(db, DEFAULT_LOGIN_LIMITS, clock));
      await Promise.all(Array.from({ length: 12 }, (_, i) => workers[i % 4].fail({ user: 'racer', address: '10.1.1.1' })));
      const addr = await rows('addr:10.1.1.1');
      assert.equal(Number(addr.failures), 12);
      const user = await rows('user:racer');
      assert.equal(Number(user.lockouts), 1, 'one lock, not one per worker that saw the fifth failure');
      assert.equal(Number(user.locked_until), now + MINUTE);

      const restarted = new LoginLimiter(db, DEFAULT_LOGIN_LIMITS, clock);
      await assert.rejects(restarted.check({ user: 'racer', address: '10.1.1.2' }), (e: Error & { code?: string; data?: { retryAfter: number } }) => e.code === 'TOO_MANY_ATTEMPTS' && e.data?.retryAfter === 60);
      await restarted.check({ user: 'someone-else', address: '10.1.1.2' });
      await restarted.reset('racer');
      await restarted.check({ user: 'racer', address: '10.1.1.2' });
    });

    test('a key silent past the forget time is swept', async () => {
      const l = new LoginLimiter(db, DEFAULT_LOGIN_LIMITS, clock);
      await l.fail({ user: 'old', address: '10.2.2.2' });
      now += DEFAULT_LOGIN_LIMITS.forgetMs + 2 * MINUTE;
      await l.fail({ address: '10.3.3.3' });
      assert.equal(await rows('user:old'), undefined);
      assert.ok(await rows('addr:10.3.3.3'));
    });
  });
}
