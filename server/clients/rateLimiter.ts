import { ChainError } from '../chain/errors.ts';

/** Submissions a client may make: a burst of `burst`, refilled at `perSecond`. */
export interface RateRule {
  perSecond: number;
  burst: number;
}

export const DEFAULT_RATE: RateRule = { perSecond: 20, burst: 40 };

/**
 * A token bucket per client at the door of one node. In memory: it protects this node's
 * admission from one runaway system, which a restart does not make worse; what a client may do
 * at all is the chain's rule, not this.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly rule: RateRule = DEFAULT_RATE) {}

  /** Takes one token for `client`, or throws 429 RATE_LIMITED with the seconds until the next one (data.retryAfter). */
  take(client: string, now = Date.now()): void {
    const b = this.buckets.get(client) ?? { tokens: this.rule.burst, at: now };
    b.tokens = Math.min(this.rule.burst, b.tokens + ((now - b.at) / 1000) * this.rule.perSecond);
    b.at = now;
    this.buckets.set(client, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / this.rule.perSecond));
    throw new ChainError('RATE_LIMITED', `client ${client} sends more than ${this.rule.perSecond} submissions a second; try again in ${retryAfter} s`, { status: 429, data: { retryAfter } });
  }
}
