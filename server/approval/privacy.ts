import type { Knex } from 'knex';
import type { Genesis } from '../chain/schema.ts';
import type { StateView } from '../chain/state.ts';
import type { SessionUser } from '../../shared/sessionUser.ts';
import type { CheckDef } from './processes.ts';

type PrivacyCheck = Extract<CheckDef, { type: 'privacy' }>;

export interface PrivacyAnswer {
  answer: boolean;
  /** state key or transaction id of the answer with its proof */
  ref: string;
  time: number;
}

/**
 * Whose checks, and as of when: the period a check needs (last year's tax, this month's insured
 * employees, the cases up to this day) follows from the application's block time, never a clock.
 */
export interface CheckSubject {
  code: string;
  /** the application's submission time (block time) */
  at: number;
  genesis: Genesis;
}

/**
 * What this module needs from privacy queries (智能隐私问询), built elsewhere. Kept to two
 * calls so the dependency stays small: the contract side reads answers from state only
 * (deterministic); the read side lists the answers a viewer may see in the dossier.
 * Until that module plugs an adapter in, checks are recorded as "pending privacy query".
 */
export interface PrivacyPort {
  answer(state: StateView, subject: CheckSubject, check: PrivacyCheck): Promise<PrivacyAnswer | undefined>;
  answersFor(db: Knex, code: string, viewer: SessionUser): Promise<unknown[]>;
}

export const pendingPrivacy: PrivacyPort = {
  answer: async () => undefined,
  answersFor: async () => [],
};

export type { PrivacyCheck };
