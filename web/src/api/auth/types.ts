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
