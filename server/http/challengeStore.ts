import { randomBytes } from 'node:crypto';
import { ChainError } from '../chain/errors.ts';

export const CHALLENGE_MS = 5 * 60 * 1000;
export const MAX_CHALLENGES = 10_000;

/**
 * Outstanding enterprise sign-in challenges of one node, in memory (a challenge lives minutes and
 * a restart only asks the enterprise to click again). Bounded: anyone may ask for a challenge, so
 * past `max` outstanding ones a new request is refused until the oldest expire, rather than
 * evicting challenges that enterprises are signing right now.
 */
export class ChallengeStore {
  // Every entry lives the same time, so insertion order is expiry order.
  private readonly open = new Map<string, number>();

  constructor(
    private readonly clock: () => number = Date.now,
    readonly max = MAX_CHALLENGES,
    readonly ttlMs = CHALLENGE_MS,
  ) {}

  get size(): number {
    return this.open.size;
  }

  issue(): string {
    const now = this.clock();
    this.sweep(now);
    if (this.open.size >= this.max) {
      const oldest = this.open.values().next().value as number;
      const retryAfter = Math.max(1, Math.ceil((oldest - now) / 1000));
      throw new ChainError('TOO_MANY_CHALLENGES', `待签名的登录挑战过多，请 ${retryAfter} 秒后再试 / too many sign-in challenges outstanding; try again in ${retryAfter} s`, {
        status: 503,
        data: { retryAfter },
      });
    }
    const challenge = randomBytes(24).toString('hex');
    this.open.set(challenge, now + this.ttlMs);
    return challenge;
  }

  /** True once for a challenge issued here and not yet expired; every challenge is good for one attempt. */
  take(challenge: string): boolean {
    const exp = this.open.get(challenge);
    this.open.delete(challenge);
    return exp !== undefined && exp >= this.clock();
  }

  private sweep(now: number) {
    for (const [c, exp] of this.open) {
      if (exp >= now) break;
      this.open.delete(c);
    }
  }
}
