import { createHash, randomBytes } from 'node:crypto';
import type { Context, Next } from 'koa';
import { ChainError } from '../chain/errors.ts';
import { keys, type SignerRecord, type UserRecord } from '../chain/identity.ts';
import type { ChainNode } from '../chain/node.ts';
import { isAuditor } from '../chain/readAccess.ts';
import type { Role } from '../chain/schema.ts';
import { checkPassword, hashPassword } from './password.ts';

export interface SessionUser {
  dept: string;
  id: string;
  role: Role;
  name: string;
  /** set for enterprises: the public key they signed in with */
  publicKey?: string;
}

const SESSION_MS = 8 * 60 * 60 * 1000;
const CHALLENGE_MS = 5 * 60 * 1000;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
export const loginMessage = (chain: string, dept: string, challenge: string) => Buffer.from(`tongban/login/v1:${chain}:${dept}:${challenge}`);

/**
 * Portal sessions of one node. Staff roles live on the chain (so every node can check a
 * staff transaction); passwords and sessions stay in this node's own database. Sessions are
 * re-checked against the chain on every request, so disabling a user ends all their sessions.
 */
export class AuthService {
  private readonly challenges = new Map<string, number>();

  constructor(readonly node: ChainNode) {}

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
  }

  async setPassword(userId: string, password: string): Promise<void> {
    if (password.length < 8) throw new ChainError('WEAK_PASSWORD', 'a password needs at least 8 characters');
    const hash = await hashPassword(password);
    await this.node.db('auth_passwords').insert({ user_id: userId, hash }).onConflict('user_id').merge();
  }

  async hasPassword(userId: string): Promise<boolean> {
    return !!(await this.node.db('auth_passwords').where({ user_id: userId }).first());
  }

  async login(userId: string, password: string) {
    const row = await this.node.db('auth_passwords').where({ user_id: userId }).first();
    const user = await this.node.view().get<UserRecord>(keys.user(this.node.dept, userId));
    // One message for every failure, so the form does not reveal which user ids exist.
    if (!row || !user?.active || !(await checkPassword(password, row.hash))) {
      throw new ChainError('BAD_CREDENTIALS', '用户名或密码错误 / wrong user id or password', { status: 401 });
    }
    return this.open({ dept: user.dept, id: user.id, role: user.role, name: user.name });
  }

  challenge(): { challenge: string; message: string } {
    const now = Date.now();
    for (const [c, exp] of this.challenges) if (exp < now) this.challenges.delete(c);
    const challenge = randomBytes(24).toString('hex');
    this.challenges.set(challenge, now + CHALLENGE_MS);
    return { challenge, message: loginMessage(this.node.genesis.chain, this.node.dept, challenge).toString() };
  }

  /** An enterprise signs in by signing a one-time challenge with the key it registered. */
  async enterpriseLogin(publicKey: string, challenge: string, signature: string) {
    const exp = this.challenges.get(challenge);
    this.challenges.delete(challenge); // one attempt per challenge
    if (!exp || exp < Date.now()) throw new ChainError('BAD_CHALLENGE', 'the sign-in challenge is unknown or expired; ask for a new one', { status: 401 });
    const signer = await this.node.view().get<SignerRecord>(keys.signer(publicKey));
    if (!signer || signer.type !== 'enterprise') throw new ChainError('UNKNOWN_SIGNER', 'this key is not registered to an enterprise', { status: 401 });
    if (!this.node.suite.verify(publicKey, loginMessage(this.node.genesis.chain, this.node.dept, challenge), signature)) {
      throw new ChainError('BAD_SIGNATURE', 'the signature does not match the challenge and key', { status: 401 });
    }
    return this.open({ dept: this.node.dept, id: signer.code, role: 'enterprise', name: signer.code, publicKey });
  }

  private async open(user: SessionUser) {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    await this.node.db('auth_sessions').insert({
      token_hash: sha(token),
      user_id: user.role === 'enterprise' ? `ent:${user.id}` : user.id,
      role: user.role,
      public_key: user.publicKey ?? null,
      csrf,
      expires: Date.now() + SESSION_MS,
    });
    return { token, csrf, user };
  }

  async resolve(token: string): Promise<{ user: SessionUser; csrf: string } | undefined> {
    const row = await this.node.db('auth_sessions').where({ token_hash: sha(token) }).first();
    if (!row || Number(row.expires) < Date.now()) return undefined;
    if (row.role === 'enterprise') {
      const signer = await this.node.view().get<SignerRecord>(keys.signer(row.public_key));
      if (!signer || signer.type !== 'enterprise') return undefined; // key rotated away
      return { user: { dept: this.node.dept, id: signer.code, role: 'enterprise', name: signer.code, publicKey: row.public_key }, csrf: row.csrf };
    }
    const user = await this.node.view().get<UserRecord>(keys.user(this.node.dept, row.user_id));
    if (!user?.active || user.role !== row.role) return undefined;
    return { user: { dept: user.dept, id: user.id, role: user.role, name: user.name }, csrf: row.csrf };
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
 */
export function sessionMiddleware(auth: AuthService) {
  return async (ctx: Context, next: Next) => {
    const token = ctx.cookies.get(auth.cookieName);
    if (token) {
      const s = await auth.resolve(token);
      if (s) {
        if (UNSAFE.has(ctx.method) && ctx.get('x-csrf-token') !== s.csrf) {
          throw new ChainError('CSRF', 'missing or wrong x-csrf-token header; reload the page', { status: 403 });
        }
        ctx.state.user = s.user;
        ctx.state.sessionToken = token;
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
