export type * from '@shared/wire/chain.ts';
