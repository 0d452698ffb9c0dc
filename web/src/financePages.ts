import type { PageEntry } from './menus.ts';

/** The policy payout pages of the expert and the finance officer (评审, 资金拨付). Spread into `pages`. */
export const financePages: PageEntry[] = [];
