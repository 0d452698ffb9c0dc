import type { SessionUser } from '@shared/sessionUser.ts';

export type { Role, SessionUser } from '@shared/sessionUser.ts';

export interface LoginBody {
  user: string;
  password: string;
}

export type { PasswordPolicy } from '@shared/passwordPolicy.ts';

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
