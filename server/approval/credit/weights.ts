import { z } from 'zod';
import type { Genesis } from '../../chain/schema.ts';
import type { StateView } from '../../chain/state.ts';
import { ak } from '../stateKeys.ts';

export const DIMENSIONS = ['licence', 'tax', 'social', 'approvals', 'supervision', 'enforcement', 'subsidy'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DIMENSION_NAMES: Record<Dimension, string> = {
  licence: '证照状态',
  tax: '纳税状况',
  social: '社保缴纳',
  approvals: '审批与承诺履约',
  supervision: '监管检查',
  enforcement: '行政执法',
  subsidy: '政策合规',
};

const Bp = z.number().int().min(0).max(10_000);

/**
 * Weights by dimension and grade bands, in basis points. Weights sum to exactly 10,000 so the
 * total is a weighted mean; a grade is the best band whose floor the total reaches.
 */
export const CreditWeights = z
  .strictObject({
    weights: z.strictObject(Object.fromEntries(DIMENSIONS.map((d) => [d, Bp])) as Record<Dimension, typeof Bp>),
    bands: z.strictObject({ A: Bp, B: Bp, C: Bp }),
  })
  .refine((w) => DIMENSIONS.reduce((s, d) => s + w.weights[d], 0) === 10_000, 'weights must sum to 10000 basis points')
  .refine((w) => w.bands.A > w.bands.B && w.bands.B > w.bands.C, 'bands must descend: A > B > C');
export type CreditWeights = z.infer<typeof CreditWeights>;

export const DEFAULT_WEIGHTS: CreditWeights = {
  weights: { licence: 1500, tax: 1500, social: 1000, approvals: 1500, supervision: 1500, enforcement: 2000, subsidy: 1000 },
  bands: { A: 8500, B: 7000, C: 5500 },
};

export interface StoredWeights extends CreditWeights {
  version: number;
  /** the governance proposal that set them, absent for genesis */
  proposal?: string;
  height: number;
}

export async function loadWeights(state: StateView, genesis: Genesis): Promise<StoredWeights> {
  const stored = await state.get<StoredWeights>(ak.creditWeights());
  if (stored) return stored;
  const fromGenesis = genesis.config.credit ? CreditWeights.parse(genesis.config.credit) : DEFAULT_WEIGHTS;
  return { ...fromGenesis, version: 1, height: 0 };
}
