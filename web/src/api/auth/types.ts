import type { Role } from '../../../../server/chain/schema.ts';

export type { Role };

export interface SessionUser {
  dept: string;
  id: string;
  role: Role;
  name: string;
  /** enterprises only: the key they signed in with */
  publicKey?: string;
}

export interface LoginBody {
  user: string;
  password: string;
}

export type { PasswordPolicy } from '../../../../server/http/passwordPolicy.ts';

/** `/auth/me`: who is signed in, and the session's CSRF token for a tab that does not have it yet. */
export interface MeResult {
  user: SessionUser;
  csrfToken: string;
}

/** GET /auth/session: the same, or nulls when nobody is signed in (always a 200). */
export type SessionResult = MeResult | { user: null; csrfToken: null };

export interface LoginResult {
  user: SessionUser;
  csrfToken: string;
}

export interface Challenge {
  challenge: string;
  /** the exact text to sign: `tongban/login/v1:<chain>:<dept>:<challenge>` */
  message: string;
}

export interface EnterpriseLoginBody {
  publicKey: string;
  challenge: string;
  signature: string;
}

export interface Department {
  dept: string;
  name: string;
  nameEn: string;
}
