import type { Grade } from '../approval.ts';

/**
 * The credit score as the chain records it and the routes serve it. Defined here, once: the
 * contract's scoring (server/approval/credit/score.ts, facts.ts) imports these, and the portal
 * reads them without pulling in the state layer.
 */

export type Dimension = 'licence' | 'tax' | 'social' | 'approvals' | 'supervision' | 'enforcement' | 'subsidy';

export interface ScoreItem {
  /** state key of the record, or null for the dimension's base */
  ref: string | null;
  kind: string;
  delta: number;
  note: string;
}

export interface DimensionScore {
  dim: Dimension;
  name: string;
  weight: number;
  /** 0..10000 basis points */
  score: number;
  /** weight × score / 10000, rounded down; the total is their sum */
  contribution: number;
  items: ScoreItem[];
}

export interface ScoreResult {
  total: number;
  grade: Grade;
  dimensions: DimensionScore[];
}

export interface CreditScoreRecord extends ScoreResult {
  code: string;
  weightsVersion: number;
  computedAt: number;
  height: number;
  txId: string;
  /** the record whose landing caused this recomputation */
  trigger: { kind: string; ref: string };
}

/** Weights per dimension in basis points (they sum to 10000) and the grade bands (server/approval/credit/weights.ts checks them). */
export interface CreditWeights {
  weights: Record<Dimension, number>;
  bands: { A: number; B: number; C: number };
}

export interface StoredWeights extends CreditWeights {
  version: number;
  /** the governance proposal that set them, absent for genesis */
  proposal?: string;
  height: number;
}
