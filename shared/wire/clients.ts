/** What the integration clients' administration routes answer (server/clients/adminClientRoutes.ts). */
import type { Role } from '../chain.ts';
import type { ActionResult } from './admin.ts';

/**
 * An integration client (system account) of a department: a system that signs its own
 * transactions with `key`, in one staff `role`, of the `kinds` it was granted, and reads the
 * feed's `events`. Keys it had before are kept in `keysOld`, so they stay refused.
 */
export interface ClientRecord {
  id: string;
  dept: string;
  name: string;
  role: Role;
  kinds: string[];
  events: string[];
  key: string;
  keysOld?: string[];
  active: boolean;
}


/** A client as its administrator sees it: the record with its actor name and every key it had. */
export interface ClientView extends ClientRecord {
  actor: string;
  keysOld: string[];
}

export interface ClientAction extends ActionResult {
  client: ClientView | null;
}

export interface ClientRegistration {
  id: string;
  name: string;
  publicKey: string;
  role: string;
  kinds: string[];
  events: string[];
}
