import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../server/http/app.ts';
import { AuthService } from '../../server/http/auth.ts';
import { ChallengeStore } from '../../server/http/challengeStore.ts';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from '../../server/http/loginLimiter.ts';
import { checkPassword, DUMMY_HASH, hashPassword } from '../../server/http/password.ts';
import { PASSWORD_POLICY, passwordProblem } from '../../shared/passwordPolicy.ts';
import type { Platform } from '../../server/platform.ts';
import { silentLogger } from '../support/fixtures.ts';
import { login, startTestPlatform, TEST_PASSWORD } from '../support/platform.ts';

const MINUTE = 60_000;

/** A clock the test moves by hand, so lockouts run out without sleeping. */
function manualClock() {
  const c = { now: Date.UTC(2026, 11, 3, 8), read: () => c.now, advance: (ms: number) => void (c.now += ms) };
  return c;
}

async function failures(p: Platform, reason: string): Promise<number> {
  const m = await p.metrics.registry.getSingleMetric('tongban_login_failures_total')!.get();
  return m.values.filter((v) => v.labels.dept === 'market' && v.labels.reason === reason).reduce((a, v) => a + v.value, 0);
}

const signIn = (p: Platform, user: string, password: string) => request(p.app.callback()).post('/market/api/auth/login').send({ user, password });

describe('staff sign-in: lockout per user and per address, metrics, one scrypt on every path', () => {
  const clock = manualClock();
  const verified: string[] = [];
  const logLines: string[] = [];
  let p: Platform;
  const limits: LoginLimits = { ...DEFAULT_LOGIN_LIMITS, address: { ...DEFAULT_LOGIN_LIMITS.address, max: 30 } };

  before(async () => {
    p = await startTestPlatform({
      depts: ['market', 'tax'],
      auth: {
        clock: clock.read,
        limits,
        logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
        verifyPassword: (pw, stored) => {
          verified.push(stored);
          return checkPassword(pw, stored);
        },
      },
    });
  });
  after(() => p.stop());

  test('five wrong passwords lock the user with 429 and Retry-After; the lock doubles; it runs out', async () => {
    const before = await failures(p, 'WRONG_PASSWORD');
    for (let i = 0; i < 5; i++) {
      const r = await signIn(p, 'approver1', `wrong-password-${i}`);
      assert.equal(r.status, 401, `attempt ${i + 1}`);
      assert.equal(r.body.code, 'BAD_CREDENTIALS');
    }
    assert.equal((await failures(p, 'WRONG_PASSWORD')) - before, 5, 'each wrong password is counted');

    const locked = await signIn(p, 'approver1', TEST_PASSWORD);
    assert.equal(locked.status, 429, 'even the right password waits out the lock');
    assert.equal(locked.body.code, 'TOO_MANY_ATTEMPTS');
    assert.match(locked.body.message, /登录失败次数过多.*too many failed sign-ins/);
    assert.equal(locked.headers['retry-after'], '60');
    assert.equal(await failures(p, 'TOO_MANY_ATTEMPTS'), 1);

    // Another user from the same address is not locked by approver1's failures.
    await signIn(p, 'inspector1', TEST_PASSWORD).expect(200);

    clock.advance(MINUTE + 1);
    for (let i = 0; i < 5; i++) assert.equal((await signIn(p, 'approver1', 'wrong-again-xx')).status, 401);
    const second = await signIn(p, 'approver1', TEST_PASSWORD);
    assert.equal(second.status, 429);
    assert.equal(second.headers['retry-after'], '120', 'the second lock is twice the first');

    clock.advance(30 * MINUTE);
    await signIn(p, 'approver1', TEST_PASSWORD).expect(200);
  });

  test('a successful sign-in resets the user’s count', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await signIn(p, 'holder1', 'not-it-at-all')).status, 401);
    await signIn(p, 'holder1', TEST_PASSWORD).expect(200);
    for (let i = 0; i < 4; i++) assert.equal((await signIn(p, 'holder1', 'not-it-at-all')).status, 401, 'four more are allowed again');
    await signIn(p, 'holder1', TEST_PASSWORD).expect(200);
  });

  test('the counts live in the node’s database: another service over it (a restart, a second worker) sees the lock', async () => {
    for (let i = 0; i < 5; i++) await signIn(p, 'admin', 'wrong-password-admin');
    const fresh = new AuthService(p.node('market'), { clock: clock.read, limits });
    await assert.rejects(fresh.login('admin', TEST_PASSWORD, '::ffff:127.0.0.1'), (e: Error & { code?: string }) => e.code === 'TOO_MANY_ATTEMPTS');
    clock.advance(2 * MINUTE);
    await fresh.login('admin', TEST_PASSWORD, '::ffff:127.0.0.1');
  });

  test('an unknown user, or one without a password here, costs one scrypt against the dummy hash, and the same answer', async () => {
    verified.length = 0;
    const unknown = await signIn(p, 'nobody-here', 'whatever-password-1');
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.code, 'BAD_CREDENTIALS');
    assert.deepEqual(verified, [DUMMY_HASH]);
    assert.equal(await failures(p, 'UNKNOWN_USER'), 1);

    verified.length = 0;
    await p.node('market').db('auth_passwords').where({ user_id: 'inspector1' }).delete();
    const noPassword = await signIn(p, 'inspector1', TEST_PASSWORD);
    assert.deepEqual([noPassword.status, noPassword.body.code], [401, 'BAD_CREDENTIALS']);
    assert.deepEqual(verified, [DUMMY_HASH]);
    assert.equal(await failures(p, 'NO_PASSWORD'), 1);

    verified.length = 0;
    await signIn(p, 'holder1', 'wrong-password-9').expect(401);
    assert.equal(verified.length, 1);
    assert.notEqual(verified[0], DUMMY_HASH, 'a known user is checked against their own hash');
  });

  test('the address has a larger budget of its own, across user ids', async () => {
    clock.advance(60 * MINUTE); // earlier tests' failures fall out of the window
    // Six guessed user ids, five tries each: no user reaches a lock before the address does.
    for (let i = 0; i < limits.address.max; i++) {
      const r = await signIn(p, `guess${i % 6}`, 'wrong-password-x');
      assert.equal(r.status, 401, `attempt ${i + 1}`);
    }
    const r = await signIn(p, 'finance1', TEST_PASSWORD);
    assert.equal(r.status, 429, 'a user without failures is refused from a locked address');
    assert.ok(Number(r.headers['retry-after']) > 0);
    clock.advance(61 * MINUTE);
  });

  test('a failure is logged with user, address and reason, never the password; the metric is on /metrics', async () => {
    logLines.length = 0;
    await signIn(p, 'policy1', 'Secret-Guess-42').expect(401);
    assert.equal(logLines.length, 1);
    const line = JSON.parse(logLines[0]);
    assert.deepEqual([line.user, line.reason, line.msg], ['policy1', 'UNKNOWN_USER', 'sign-in failed']);
    assert.match(line.address, /127\.0\.0\.1/);
    assert.ok(!logLines[0].includes('Secret-Guess-42'));
    const text = (await request(p.app.callback()).get('/metrics').expect(200)).text;
    assert.match(text, /tongban_login_failures_total\{dept="market",reason="WRONG_PASSWORD"\} \d+/);
  });
});

describe('enterprise sign-in and its challenges', () => {
  const clock = manualClock();
  let p: Platform;

  before(async () => {
    p = await startTestPlatform({
      depts: ['market', 'tax'],
      auth: { clock: clock.read, maxChallenges: 3, limits: { ...DEFAULT_LOGIN_LIMITS, address: { ...DEFAULT_LOGIN_LIMITS.address, max: 4 } } },
    });
  });
  after(() => p.stop());

  test('the challenge store is bounded: past the bound 503 with a code and Retry-After; expired ones are swept', async () => {
    const http = request(p.app.callback());
    for (let i = 0; i < 3; i++) await http.get('/market/api/auth/challenge').expect(200);
    const full = await http.get('/market/api/auth/challenge');
    assert.equal(full.status, 503);
    assert.equal(full.body.code, 'TOO_MANY_CHALLENGES');
    assert.equal(full.headers['retry-after'], '300');
    clock.advance(5 * MINUTE + 1);
    await http.get('/market/api/auth/challenge').expect(200);
  });

  test('failed enterprise sign-ins count against the address: 429 after the budget, challenges refused too', async () => {
    const http = request(p.app.callback());
    const key = randomBytes(32).toString('hex');
    const before = await failures(p, 'BAD_CHALLENGE');
    for (let i = 0; i < 4; i++) {
      const r = await http.post('/market/api/auth/enterprise').send({ publicKey: key, challenge: `made-up-${i}`, signature: 'ab' });
      assert.equal(r.status, 401);
      assert.equal(r.body.code, 'BAD_CHALLENGE');
    }
    assert.equal((await failures(p, 'BAD_CHALLENGE')) - before, 4);
    const locked = await http.post('/market/api/auth/enterprise').send({ publicKey: key, challenge: 'made-up', signature: 'ab' });
    assert.equal(locked.status, 429);
    assert.equal(locked.body.code, 'TOO_MANY_ATTEMPTS');
    assert.equal(locked.headers['retry-after'], '60');
    assert.equal((await http.get('/market/api/auth/challenge')).status, 429);
    clock.advance(MINUTE + 1);
    await http.get('/market/api/auth/challenge').expect(200);
  });

  test('behind a trusted proxy the address is the one the proxy appended, not one a client made up', async () => {
    const proxied = request(createApp({ nodes: p.nodes, auths: p.auths, logger: silentLogger, metrics: p.metrics, trustProxy: true }).callback());
    const attempt = (forwarded: string) => proxied.post('/market/api/auth/enterprise').set('X-Forwarded-For', forwarded).send({ publicKey: 'ab'.repeat(32), challenge: 'made-up', signature: 'ab' });
    for (let i = 0; i < 4; i++) assert.equal((await attempt('10.0.0.1')).status, 401);
    assert.equal((await attempt('10.0.0.1')).status, 429);
    assert.equal((await attempt('10.0.0.9, 10.0.0.1')).status, 429, 'a forged first hop changes nothing');
    assert.equal((await attempt('10.0.0.2')).status, 401, 'another client has its own budget');
  });

  test('ChallengeStore: one attempt per challenge, expiry, and the bound', () => {
    const c = manualClock();
    const s = new ChallengeStore(c.read, 2, 1000);
    const a = s.issue();
    assert.equal(s.take(a), true);
    assert.equal(s.take(a), false, 'used once');
    const b = s.issue();
    s.issue();
    assert.throws(() => s.issue(), /too many sign-in challenges/);
    c.advance(1001);
    assert.equal(s.take(b), false, 'expired');
    s.issue();
    assert.equal(s.size, 1, 'the expired ones were swept');
  });
});

describe('password policy', () => {
  let p: Platform;
  before(async () => {
    p = await startTestPlatform({ depts: ['market', 'tax'] });
  });
  after(() => p.stop());

  test('rules: length, classes or a passphrase, not the user id, not a common one', () => {
    assert.equal(passwordProblem('u1', 'Sh0rt!'), 'TOO_SHORT');
    assert.equal(passwordProblem('u1', 'abcdefghijk1'), 'TOO_FEW_CLASSES');
    assert.equal(passwordProblem('u1', 'abcdefghijklmnop'), undefined, 'a 16-character passphrase needs no mix');
    assert.equal(passwordProblem('u1', 'Abcdefghijk1'), undefined);
    assert.equal(passwordProblem('longuserid-9ab', 'LONGUSERID-9AB'), 'EQUALS_USER_ID');
    assert.equal(passwordProblem('u1', 'Password1234'), 'TOO_COMMON');
    assert.equal(passwordProblem('u1', TEST_PASSWORD), undefined, 'the tests’ password');
    for (let i = 0; i < 200; i++) assert.equal(passwordProblem('admin', randomBytes(12).toString('base64url')), undefined, 'a generated demo password');
  });

  test('readable without a session', async () => {
    const r = await request(p.app.callback()).get('/market/api/auth/password-policy').expect(200);
    assert.equal(r.body.minLength, PASSWORD_POLICY.minLength);
    assert.equal(r.body.minClasses, 3);
    assert.ok(r.body.common.includes('password1234'));
  });

  test('enforced where an administrator sets a password: 400 in both languages, nothing written', async () => {
    const admin = await login(p, 'market', 'admin');
    const height = p.node('market').height;
    for (const [password, problem] of [
      ['Short1!x', 'TOO_SHORT'],
      ['abcdefghijk1', 'TOO_FEW_CLASSES'],
      ['newclerk-2026', undefined],
      ['P@ssword1234', 'TOO_COMMON'],
    ] as const) {
      const id = 'newclerk-2026';
      const r = await admin.post('/market/api/admin/users', { id, name: '新人', role: 'clerk', password: password === 'newclerk-2026' ? id : password });
      assert.equal(r.status, 400, password);
      assert.equal(r.body.code, 'WEAK_PASSWORD');
      assert.equal(r.body.data.problem, problem ?? 'EQUALS_USER_ID');
      assert.match(r.body.message, /[\u4e00-\u9fff].* \/ [a-z]/);
    }
    assert.equal(p.node('market').height, height, 'no transaction for a refused password');
    assert.equal(await p.auths.get('market')!.hasPassword('newclerk-2026'), false);
    await assert.rejects(p.auths.get('market')!.setPassword('x1', 'short'), /at least 12/);
  });

  test('checkPassword answers false (not a crash) for a stored key of the wrong length', async () => {
    const h = await hashPassword('Abcdefghijk1');
    assert.equal(await checkPassword('Abcdefghijk1', h), true);
    assert.equal(await checkPassword('Abcdefghijk1', h.slice(0, -2)), false);
  });
});
