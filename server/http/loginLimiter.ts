import type { Knex } from 'knex';
import { ChainError } from '../chain/errors.ts';
import { isMysql } from '../chain/store/migrate.ts';

/** How many failures a key may have within a window before it is locked, and for how long. */
export interface LimitRule {
  max: number;
  windowMs: number;
  /** the first lock; each further lock doubles it, up to maxLockMs */
  baseLockMs: number;
  maxLockMs: number;
}

export interface LoginLimits {
  /** failures for one user id, from anywhere */
  user: LimitRule;
  /** failures from one client address, for any user (staff) or key (enterprise) */
  address: LimitRule;
  /** a key with no failure for this long starts again from the first lock */
  forgetMs: number;
}

const MINUTE = 60_000;
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  user: { max: 5, windowMs: 15 * MINUTE, baseLockMs: MINUTE, maxLockMs: 60 * MINUTE },
  address: { max: 50, windowMs: 15 * MINUTE, baseLockMs: MINUTE, maxLockMs: 60 * MINUTE },
  forgetMs: 24 * 60 * MINUTE,
};

const TABLE = 'auth_login_limits';

export interface LimitKeys {
  user?: string;
  address: string;
}

interface Row {
  limit_key: string;
  failures: number;
  window_start: number;
  locked_until: number;
  lockouts: number;
  last_failure: number;
}

/**
 * Sign-in failures counted per user id and per client address in the node's own database, so a
 * restart forgets nothing and every worker of a node sees the same counts. A key that reaches its
 * rule's maximum within the window is locked for a time that doubles with each lock.
 */
export class LoginLimiter {
  private lastSweep = 0;

  constructor(
    private readonly db: Knex,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly clock: () => number = Date.now,
  ) {}

  static async migrate(db: Knex): Promise<void> {
    if (await db.schema.hasTable(TABLE)) return;
    await db.schema.createTable(TABLE, (t) => {
      t.string('limit_key', 120).primary();
      t.integer('failures').notNullable();
      t.bigInteger('window_start').notNullable();
      t.bigInteger('locked_until').notNullable();
      t.integer('lockouts').notNullable();
      t.bigInteger('last_failure').notNullable().index();
    });
  }

  /** Refuses with 429 TOO_MANY_ATTEMPTS while the user or the address is locked. */
  async check(k: LimitKeys): Promise<void> {
    const now = this.clock();
    const rows: Row[] = await this.db(TABLE).whereIn('limit_key', entries(k).map((e) => e.key));
    const until = Math.max(0, ...rows.map((r) => Number(r.locked_until)));
    if (until > now) throw tooMany(Math.ceil((until - now) / 1000));
  }

  /** Counts one failure against each key; the one that reaches its maximum is locked. */
  async fail(k: LimitKeys): Promise<void> {
    const now = this.clock();
    for (const { key, scope } of entries(k)) {
      const rule = this.limits[scope];
      // The row is made on its own first: two transactions inserting the same key and then both
      // locking it would deadlock on InnoDB. Then one locked read-modify-write per failure, so
      // concurrent failures (other workers of the node) are each counted.
      await this.db(TABLE).insert({ limit_key: key, failures: 0, window_start: now, locked_until: 0, lockouts: 0, last_failure: now }).onConflict('limit_key').ignore();
      await this.db.transaction(async (trx) => {
        const q = trx(TABLE).where({ limit_key: key }).first();
        const row: Row = await (isMysql(this.db) ? q.forUpdate() : q);
        let failures = Number(row.failures);
        let windowStart = Number(row.window_start);
        let lockouts = now - Number(row.last_failure) > this.limits.forgetMs ? 0 : Number(row.lockouts);
        let lockedUntil = Number(row.locked_until);
        // A new window after the old one ran out, or after a lock has been served.
        if (now - windowStart >= rule.windowMs || (failures >= rule.max && lockedUntil <= now)) {
          failures = 0;
          windowStart = now;
        }
        failures += 1;
        if (failures >= rule.max && lockedUntil <= now) {
          lockedUntil = now + Math.min(rule.baseLockMs * 2 ** Math.min(lockouts, 30), rule.maxLockMs);
          lockouts += 1;
        }
        await trx(TABLE).where({ limit_key: key }).update({ failures, window_start: windowStart, locked_until: lockedUntil, lockouts, last_failure: now });
      });
    }
    await this.sweep(now);
  }

  /** A successful sign-in clears the user's count (the address keeps its own). */
  async reset(user: string): Promise<void> {
    await this.db(TABLE).where({ limit_key: userKey(user) }).delete();
  }

  /** Keys silent for longer than the forget time go, so guessed user ids do not pile up. */
  private async sweep(now: number): Promise<void> {
    if (now - this.lastSweep < MINUTE) return;
    this.lastSweep = now;
    await this.db(TABLE).where('last_failure', '<', now - this.limits.forgetMs).andWhere('locked_until', '<', now).delete();
  }
}

const userKey = (user: string) => `user:${user}`;

function entries(k: LimitKeys): { key: string; scope: 'user' | 'address' }[] {
  const out: { key: string; scope: 'user' | 'address' }[] = [{ key: `addr:${k.address}`, scope: 'address' }];
  if (k.user !== undefined) out.push({ key: userKey(k.user), scope: 'user' });
  return out;
}

export function tooMany(retryAfterSeconds: number): ChainError {
  return new ChainError(
    'TOO_MANY_ATTEMPTS',
    `登录失败次数过多，请 ${retryAfterSeconds} 秒后再试 / too many failed sign-ins; try again in ${retryAfterSeconds} s`,
    { status: 429, data: { retryAfter: retryAfterSeconds } },
  );
}
