import type { Role } from '../server/chain/schema.ts';

/**
 * Who is signed in to a node's portal: staff (their id and role on the chain) or an enterprise
 * (its credit code and the key it signed in with). Sessions make it (server/http/auth.ts); read
 * models and routes only read it, and the portal receives it from `/auth/me`.
 */
export interface SessionUser {
  dept: string;
  id: string;
  role: Role;
  name: string;
  /** set for enterprises: the public key they signed in with */
  publicKey?: string;
  /** signed in with a one-time password from a reset: the session may only change it */
  mustChangePassword?: true;
}

export type { Role };
