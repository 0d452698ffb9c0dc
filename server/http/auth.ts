import { createHash, randomBytes } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { ChainError } from '../chain/errors.ts';
import { keys, type SignerRecord, type UserRecord } from '../chain/identity.ts';
import type { Metrics } from '../chain/metrics.ts';
import type { ChainNode } from '../chain/node.ts';
import { isAuditor } from '../chain/readAccess.ts';
import type { Role } from '../chain/schema.ts';
import type { SessionUser } from '../../shared/sessionUser.ts';
import { ChallengeStore, MAX_CHALLENGES } from './challengeStore.ts';
import { DEFAULT_LOGIN_LIMITS, LoginLimiter, type LimitKeys, type LoginLimits } from './loginLimiter.ts';
import { checkPassword, DUMMY_HASH, hashPassword, oneTimePassword } from './password.ts';
import { AccountEvents } from './accountEvents.ts';
import { PASSWORD_PROBLEM_TEXT, passwordProblem } from '../../shared/passwordPolicy.ts';

export type { SessionUser };

export interface AuthOptions {
  clock?: () => number;
  limits?: LoginLimits;
  maxChallenges?: number;
  /** counts failed sign-ins as tongban_login_failures_total{dept,reason} */
  metrics?: Pick<Metrics, 'loginFailures'>;
  /** defaults to the node's logger */
  logger?: Logger;
  /** the password check, replaceable so a test can see that every path runs it */
  verifyPassword?: (password: string, stored: string) => Promise<boolean>;
}

const SESSION_MS = 8 * 60 * 60 * 1000;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
export const loginMessage = (chain: string, dept: string, challenge: string) => Buffer.from(`tongban/login/v1:${chain}:${dept}:${challenge}`);
const BAD_CREDENTIALS = () => new ChainError('BAD_CREDENTIALS', '用户名或密码错误 / wrong user id or password', { status: 401 });

/**
 * Portal sessions of one node. Staff roles live on the chain (so every node can check a
 * staff transaction); passwords, sessions and sign-in failure counts stay in this node's own
 * database. Sessions are re-checked against the chain on every request, so disabling a user
 * ends all their sessions.
 */
export class AuthService {
  private readonly clock: () => number;
  private readonly challenges: ChallengeStore;
  private readonly limiter: LoginLimiter;
  private readonly verify: (password: string, stored: string) => Promise<boolean>;
  private readonly log: Logger;
  readonly accountEvents: AccountEvents;

  constructor(
    readonly node: ChainNode,
    private readonly o: AuthOptions = {},
  ) {
    this.clock = o.clock ?? Date.now;
    this.challenges = new ChallengeStore(this.clock, o.maxChallenges ?? MAX_CHALLENGES);
    this.limiter = new LoginLimiter(node.db, o.limits ?? DEFAULT_LOGIN_LIMITS, this.clock);
    this.verify = o.verifyPassword ?? checkPassword;
    this.log = o.logger ?? node.log;
    this.accountEvents = new AccountEvents(node.db);
  }

  get cookieName(): string {
    return `tb_session_${this.node.dept}`;
  }

  async migrate(): Promise<void> {
    const db = this.node.db;
    if (!(await db.schema.hasTable('auth_passwords'))) {
      await db.schema.createTable('auth_passwords', (t) => {
        t.string('user_id', 64).primary();
        t.string('hash', 200).notNullable();
      });
    }
    if (!(await db.schema.hasTable('auth_sessions'))) {
      await db.schema.createTable('auth_sessions', (t) => {
        t.string('token_hash', 64).primary();
        t.string('user_id', 64).notNullable();
        t.string('role', 16).notNullable();
        t.string('public_key', 130).nullable();
        t.string('csrf', 64).notNullable();
        t.bigInteger('expires').notNullable();
        t.index(['user_id']);
      });
    }
    // a password set by a reset must be replaced at the next sign-in, and that session may do nothing else
    for (const table of ['auth_passwords', 'auth_sessions']) {
      if (!(await db.schema.hasColumn(table, 'must_change'))) await db.schema.alterTable(table, (t) => t.boolean('must_change').notNullable().defaultTo(false));
    }
    await LoginLimiter.migrate(db);
    await AccountEvents.migrate(db);
  }

  /** Refuses (400 WEAK_PASSWORD, both languages) a password the policy does not allow for this user. */
  checkPolicy(userId: string, password: string): void {
    const problem = passwordProblem(userId, password);
    if (!problem) return;
    const text = PASSWORD_PROBLEM_TEXT[problem];
    throw new ChainError('WEAK_PASSWORD', `${text.zh} / ${text.en}`, { data: { problem } });
  }

  async setPassword(userId: string, password: string, o: { mustChange?: boolean } = {}): Promise<void> {
    this.checkPolicy(userId, password);
    const hash = await hashPassword(password);
    await this.node.db('auth_passwords').insert({ user_id: userId, hash, must_change: o.mustChange ? 1 : 0 }).onConflict('user_id').merge();
  }

  /** Users of this node who signed in with a one-time password from a reset and have not replaced it. */
  async mustChangeIds(): Promise<Set<string>> {
    return new Set(await this.node.db('auth_passwords').where({ must_change: 1 }).pluck('user_id'));
  }

  /**
   * A signed-in user replaces their password: the current one first (a wrong one counts as a failed
   * sign-in, so a session left open is no oracle for guessing it), then the new one against the
   * policy. Every other session of theirs on this node ends; the one that asked goes on, free of a
   * reset's limit.
   */
  async changePassword(userId: string, current: string, next: string, keepToken: string, address = 'unknown'): Promise<{ sessionsEnded: number }> {
    const limit: LimitKeys = { user: userId, address };
    await this.guard('staff', limit);
    const row = await this.node.db('auth_passwords').where({ user_id: userId }).first();
    if (!(await this.verify(current, row?.hash ?? DUMMY_HASH)) || !row) {
      await this.failed('staff', limit, 'WRONG_CURRENT_PASSWORD');
      throw new ChainError('WRONG_CURRENT_PASSWORD', '当前口令不正确 / the current password is wrong', { status: 400 });
    }
    this.checkPolicy(userId, next);
    if (next === current) throw new ChainError('SAME_PASSWORD', '新口令不能与当前口令相同 / the new password must differ from the current one', { status: 400 });
    const hash = await hashPassword(next);
    const ended = await this.node.db.transaction(async (trx) => {
      await trx('auth_passwords').where({ user_id: userId }).update({ hash, must_change: 0 });
      await trx('auth_sessions').where({ token_hash: sha(keepToken) }).update({ must_change: 0 });
      const n = await trx('auth_sessions').where({ user_id: userId }).whereNot({ token_hash: sha(keepToken) }).delete();
      await this.accountEvents.record({ time: this.clock(), action: 'password.change', actor: userId, target: userId, address }, trx);
      return n;
    });
    await this.limiter.reset(userId);
    this.log.info({ dept: this.node.dept, user: userId, address, sessionsEnded: ended }, 'password changed');
    return { sessionsEnded: ended };
  }

  /**
   * The department administrator resets a colleague's password: a one-time password, answered once
   * to the administrator, that the colleague must replace at the next sign-in. Every session of
   * theirs ends and a sign-in lock on their id is lifted. Who reset whose is kept in the node's
   * account events and log.
   */
  async resetPassword(adminId: string, userId: string, address = 'unknown'): Promise<{ oneTimePassword: string; sessionsEnded: number }> {
    if (adminId === userId) throw new ChainError('SELF_RESET', '不能重置自己的口令，请使用“修改口令” / an administrator changes their own password, not resets it', { status: 400 });
    const user = await this.node.view().get<UserRecord>(keys.user(this.node.dept, userId));
    if (!user) throw new ChainError('NOT_FOUND', `本部门没有用户 ${userId} / no user ${userId} in ${this.node.dept}`, { status: 404 });
    const password = oneTimePassword();
    const hash = await hashPassword(password);
    const ended = await this.node.db.transaction(async (trx) => {
      await trx('auth_passwords').insert({ user_id: userId, hash, must_change: 1 }).onConflict('user_id').merge();
      const n = await trx('auth_sessions').where({ user_id: userId }).delete();
      await this.accountEvents.record({ time: this.clock(), action: 'password.reset', actor: adminId, target: userId, address }, trx);
      return n;
    });
    await this.limiter.reset(userId);
    this.log.warn({ dept: this.node.dept, by: adminId, user: userId, address, sessionsEnded: ended }, 'password reset by an administrator');
    return { oneTimePassword: password, sessionsEnded: ended };
  }

  async hasPassword(userId: string): Promise<boolean> {
    return !!(await this.node.db('auth_passwords').where({ user_id: userId }).first());
  }

  async login(userId: string, password: string, address = 'unknown') {
    const limit: LimitKeys = { user: userId, address };
    await this.guard('staff', limit);
    const row = await this.node.db('auth_passwords').where({ user_id: userId }).first();
    const user = await this.node.view().get<UserRecord>(keys.user(this.node.dept, userId));
    const missing = !user ? 'UNKNOWN_USER' : !user.active ? 'INACTIVE_USER' : !row ? 'NO_PASSWORD' : undefined;
    // One scrypt on every path, so the answer's timing does not tell which user ids exist.
    const ok = await this.verify(password, missing ? DUMMY_HASH : row.hash);
    if (missing || !ok) {
      await this.failed('staff', limit, missing ?? 'WRONG_PASSWORD');
      // One message for every failure, so the form does not reveal which user ids exist.
      throw BAD_CREDENTIALS();
    }
    await this.limiter.reset(userId);
    return this.open({ dept: user!.dept, id: user!.id, role: user!.role, name: user!.name, ...(row.must_change ? { mustChangePassword: true as const } : {}) });
  }

  async challenge(address = 'unknown'): Promise<{ challenge: string; message: string }> {
    await this.guard('enterprise', { address });
    const challenge = this.challenges.issue();
    return { challenge, message: loginMessage(this.node.genesis.chain, this.node.dept, challenge).toString() };
  }

  /** An enterprise signs in by signing a one-time challenge with the key it registered. */
  async enterpriseLogin(publicKey: string, challenge: string, signature: string, address = 'unknown') {
    const limit: LimitKeys = { address };
    await this.guard('enterprise', limit);
    const refuse = async (code: string, message: string): Promise<never> => {
      await this.failed('enterprise', limit, code, { publicKey });
      throw new ChainError(code, message, { status: 401 });
    };
    if (!this.challenges.take(challenge)) return refuse('BAD_CHALLENGE', 'the sign-in challenge is unknown or expired; ask for a new one');
    const signer = await this.node.view().get<SignerRecord>(keys.signer(publicKey));
    if (!signer || signer.type !== 'enterprise') return refuse('UNKNOWN_SIGNER', 'this key is not registered to an enterprise');
    if (!this.node.suite.verify(publicKey, loginMessage(this.node.genesis.chain, this.node.dept, challenge), signature)) {
      return refuse('BAD_SIGNATURE', 'the signature does not match the challenge and key');
    }
    return this.open({ dept: this.node.dept, id: signer.code, role: 'enterprise', name: signer.code, publicKey });
  }

  /** Refuses a locked user or address before any work, and counts the refusal. */
  private async guard(kind: 'staff' | 'enterprise', limit: LimitKeys) {
    try {
      await this.limiter.check(limit);
    } catch (e) {
      this.report(kind, limit, 'TOO_MANY_ATTEMPTS');
      throw e;
    }
  }

  private async failed(kind: 'staff' | 'enterprise', limit: LimitKeys, reason: string, extra: Record<string, unknown> = {}) {
    this.report(kind, limit, reason, extra);
    await this.limiter.fail(limit);
  }

  // Never the password: only who, from where, and why.
  private report(kind: 'staff' | 'enterprise', limit: LimitKeys, reason: string, extra: Record<string, unknown> = {}) {
    this.o.metrics?.loginFailures.inc({ dept: this.node.dept, reason });
    this.log.warn({ dept: this.node.dept, kind, user: limit.user, address: limit.address, reason, ...extra }, 'sign-in failed');
  }

  private async open(user: SessionUser) {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    await this.node.db('auth_sessions').insert({
      token_hash: sha(token),
      user_id: user.role === 'enterprise' ? `ent:${user.id}` : user.id,
      role: user.role,
      public_key: user.publicKey ?? null,
      must_change: user.mustChangePassword ? 1 : 0,
      csrf,
      expires: this.clock() + SESSION_MS,
    });
    return { token, csrf, user };
  }

  async resolve(token: string): Promise<{ user: SessionUser; csrf: string } | undefined> {
    const row = await this.node.db('auth_sessions').where({ token_hash: sha(token) }).first();
    if (!row || Number(row.expires) < this.clock()) return undefined;
    if (row.role === 'enterprise') {
      const signer = await this.node.view().get<SignerRecord>(keys.signer(row.public_key));
      if (!signer || signer.type !== 'enterprise') return undefined; // key rotated away
      return { user: { dept: this.node.dept, id: signer.code, role: 'enterprise', name: signer.code, publicKey: row.public_key }, csrf: row.csrf };
    }
    const user = await this.node.view().get<UserRecord>(keys.user(this.node.dept, row.user_id));
    if (!user?.active || user.role !== row.role) return undefined;
    return { user: { dept: user.dept, id: user.id, role: user.role, name: user.name, ...(row.must_change ? { mustChangePassword: true as const } : {}) }, csrf: row.csrf };
  }

  async logout(token: string): Promise<void> {
    await this.node.db('auth_sessions').where({ token_hash: sha(token) }).delete();
  }

  async logoutEverywhere(userId: string): Promise<void> {
    await this.node.db('auth_sessions').where({ user_id: userId }).delete();
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Reads the session cookie into `ctx.state.user`. State-changing requests made with a
 * session must echo its CSRF token in `x-csrf-token`, which a page of another site can't read.
 * Signing in and out do not act as the session: there a missing or stale token only means the
 * request goes on without it (`ctx.state.staleSessionToken`), so a tab that lost the token can
 * still sign in again, and signing out still clears the cookie.
 */
export function sessionMiddleware(auth: AuthService) {
  const withoutSession = new Set(['/auth/login', '/auth/enterprise', '/auth/logout'].map((p) => `/${auth.node.dept}/api${p}`));
  // what a session signed in with a one-time password may do: see itself, change it, leave; and
  // follow the chain's pulse that every portal page shows (the status is public anyway)
  const whileMustChange = new Set(['/auth/me', '/auth/session', '/auth/logout', '/auth/password', '/auth/password-policy', '/chain/status', '/chain/stream'].map((p) => `/${auth.node.dept}/api${p}`));
  return async (ctx: Context, next: Next) => {
    const token = ctx.cookies.get(auth.cookieName);
    if (token) {
      const s = await auth.resolve(token);
      if (s) {
        if (UNSAFE.has(ctx.method) && ctx.get('x-csrf-token') !== s.csrf) {
          if (!withoutSession.has(ctx.path)) throw new ChainError('CSRF', 'missing or wrong x-csrf-token header; reload the page', { status: 403 });
          ctx.state.staleSessionToken = token;
        } else {
          ctx.state.user = s.user;
          ctx.state.sessionToken = token;
          ctx.state.csrf = s.csrf;
          if (s.user.mustChangePassword && !whileMustChange.has(ctx.path)) {
            throw new ChainError('PASSWORD_CHANGE_REQUIRED', '请先修改一次性口令 / change the one-time password before anything else', { status: 403 });
          }
        }
      }
    }
    await next();
  };
}

export function currentUser(ctx: Context): SessionUser {
  const u = ctx.state.user as SessionUser | undefined;
  if (!u) throw new ChainError('UNAUTHENTICATED', '请先登录 / please sign in', { status: 401 });
  return u;
}

/**
 * Route guard: signed in, and in one of the roles. The portal hiding a button is not security; this is.
 * The auditor role counts only in the audit department (an auditor recorded elsewhere before the
 * chain refused that has no auditor's reach).
 */
export function requireRole(...roles: Role[]) {
  return async (ctx: Context, next: Next) => {
    const u = currentUser(ctx);
    if (roles.length > 0 && (!roles.includes(u.role) || (u.role === 'auditor' && !isAuditor(u)))) {
      throw new ChainError('FORBIDDEN', `role ${u.role} may not do this`, { status: 403 });
    }
    await next();
  };
}
