/**
 * The ledger's envelope, header and events as the portal uses them. Their source of truth is the
 * zod schema in server/chain/schema.ts (the server validates with it); this is the portal's door to
 * it, type-only, so nothing of the server is bundled.
 */
export type { ChainEvent, Header, Role, Tx, UnsignedTx } from '../server/chain/schema.ts';
