export type * from '@shared/wire/admin.ts';
