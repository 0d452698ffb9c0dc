import { publicFields, type StateRecordClasses } from '../chain/classification.ts';
import { sha256Hex } from '../chain/hash.ts';
import type { StateView } from '../chain/state.ts';

/**
 * State keys of the privacy-query module, in one place. Everything under `pq/` is public to every
 * member: questions, answers with their proofs, commitments (hiding), rules and verification keys.
 * Raw figures and salts are never in state; they stay in the holder's pq_private_values table.
 */
export const pq = {
  /** QueryRecord by query id (the ask transaction id, or sha256(txId:n) for several per tx) */
  query: (id: string) => `pq/query/${id}`,
  /** the CommitmentBucket holding the current commitment of an enterprise's figure; earlier versions live in state_history */
  commitment: (field: string, period: string, enterprise: string) => `pq/commit/${field}/${period}/${bucketOf(enterprise)}`,
  /** CommitSeries of one figure and period: its version counter */
  series: (field: string, period: string) => `pq/series/${field}/${period}`,
  /**
   * The latest verified answer about one enterprise, figure, period and question (slot: 'gte/100', 'notInSet', ...),
   * under the figure's name and each alias: lets other contracts (approval checks) find it by key.
   */
  latest: (enterprise: string, field: string, period: string, slot: string) => `pq/latest/${enterprise}/${field}/${period}/${slot}`,
  /** Disclosed: the distinct cuts asked so far of one enterprise's figure and period, by every department (disclosure.ts) */
  disclosed: (enterprise: string, field: string, period: string) => `pq/disclosed/${enterprise}/${field}/${period}`,
  /** PrivacyRules set by governance (privacy.setRules); absent: genesis.config.privacy */
  rules: () => 'pq/rules',
  /** StoredKeys set by governance (privacy.setVerificationKeys); absent: genesis.config.privacy.verificationKeys */
  verificationKeys: () => 'pq/vkeys',
  /** CeremonyRecord of a circuit's phase-2 ceremony: its participants, contribution hashes and beacon (ceremony/contracts.ts) */
  ceremony: (circuit: string) => `pq/ceremony/${circuit}`,
};

/**
 * Commitments are kept in 4,096 buckets per figure and period (by the first three hex digits of
 * sha256(credit code)), not one key per enterprise. A load of 100,000 figures, sorted by bucket, then
 * writes about 4,000 state entries instead of 100,000: every node stores each write twice (state and
 * its history), and per-entry cost is what limits a city-wide load, not hashing or proving.
 */
export const bucketOf = (enterprise: string): string => sha256Hex(enterprise).slice(0, 3);

/** One bucket: credit code → that enterprise's current commitment. */
export type CommitmentBucket = Record<string, CommitmentRecord>;

/** The current commitment to one enterprise's figure, if any. */
export async function commitmentOf(state: Pick<StateView, 'get'>, field: string, period: string, enterprise: string): Promise<CommitmentRecord | undefined> {
  return (await state.get<CommitmentBucket>(pq.commitment(field, period, enterprise)))?.[enterprise];
}

/**
 * A holder's commitment to one figure (which figure, period and enterprise: the key and bucket say). `version` is the
 * commit batch of this (field, period) that wrote it, so a correction always carries a higher version than
 * what it replaced; the replaced records stay in state_history. Kept small: 100,000 of these per load.
 */
export interface CommitmentRecord {
  /** Poseidon commitment, canonical decimal field element */
  commitment: string;
  version: number;
  /** the holder staff member (or the holder's node id) who committed it */
  by: string;
  height: number;
}

/** The commit batches of one figure and period: one counter, read once per transaction, not once per item. */
export interface CommitSeries {
  version: number;
  count: number;
  lastTx: string;
  height: number;
}

/** The pointer pq.latest holds. */
export interface LatestAnswer {
  query: string;
  answer: boolean;
  period: string;
  height: number;
  time: number;
  set?: { from: string; to: string };
}

/**
 * The classes of what the privacy-query contracts write to state (server/chain/classification.ts
 * `StateRecordClasses`): all public, as the module's keys say above. Questions and answers are
 * verified by every node; commitments hide their figures; raw figures are never in state.
 */
export const PRIVACY_STATE_CLASSES: readonly StateRecordClasses[] = [
  {
    prefix: 'pq/query/',
    fields: publicFields(
      'id', 'requester', 'enterprise', 'field', 'period', 'predicate', 'purpose', 'basis', 'origin', 'set', 'holder', 'status', 'askedHeight', 'expiresAtHeight', 'answer', 'verified',
      'answerTx', 'declineReason', 'answeredHeight', 'commitment', 'commitmentVersion', 'askedTx', 'askedAt', 'proof', 'answeredAt', 'answeredBy', 'basisText',
    ),
  },
  // a bucket: credit code → that enterprise's commitment
  { prefix: 'pq/commit/', fields: publicFields('*.commitment', '*.version', '*.by', '*.height') },
  { prefix: 'pq/series/', fields: publicFields('version', 'count', 'lastTx', 'height') },
  { prefix: 'pq/latest/', fields: publicFields('query', 'answer', 'period', 'height', 'time', 'set') },
  { prefix: 'pq/disclosed/', fields: publicFields('cuts') },
  { prefix: 'pq/rules', fields: publicFields('*') },
  { prefix: 'pq/vkeys', fields: publicFields('*') },
  { prefix: 'pq/ceremony/', fields: publicFields('*') },
];
