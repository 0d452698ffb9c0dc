export type * from '@shared/wire/payout.ts';
