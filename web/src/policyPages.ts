import type { PageEntry } from './menus.ts';

/** The policy payout pages of the policy officer and the enterprise (政策兑现). Spread into `pages`. */
export const policyPages: PageEntry[] = [];
