export type * from '@shared/wire/audit.ts';
