import type { Role } from '../chain/schema.ts';

/**
 * Who reads the department's feed and manages its webhooks: its administrator, who connects the
 * department's own systems. The feed carries what the department as a whole has a basis for,
 * which is more than any one role of it reads on its pages, so no other staff role is let in.
 */
export const FEED_ROLES: readonly Role[] = ['admin'];
