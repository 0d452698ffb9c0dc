import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { DEFAULT_STATUTES, PrivacyRules } from '../../server/privacy-query/config.ts';
import { DEFAULT_BUILD_DIR } from '../../server/privacy-query/zk/keys.ts';
import type { CircuitInput } from '../../server/privacy-query/zk/prover.ts';
import type { CircuitName, QueryBinding } from '../../server/privacy-query/zk/publicSignals.ts';

/*
 * Shared vectors and a direct witness calculator for the privacy-query tests. The circuits must have been
 * built first (`npx tsx circuits/build.ts`); nothing here is skipped when they are missing, it fails.
 */

const vectors = (name: string) => JSON.parse(readFileSync(new URL(`../vectors/privacy/${name}.json`, import.meta.url), 'utf8'));

export interface OpeningVector {
  note: string;
  enterprise: string;
  field: string;
  period: string;
  value: string;
  salt: string;
  enterpriseField: string;
  fieldId: string;
  commitment: string;
}
export interface CaseVector {
  name: string;
  opening: number;
  predicate: unknown;
  set?: string[];
  answer: boolean;
}

export const commitmentVectors: { poseidon: { inputs: string[]; out: string }[]; openings: OpeningVector[] } = vectors('commitments');
export const predicateCases: CaseVector[] = vectors('predicates').cases;

export const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
export const U64 = 1n << 64n;

/** A query tx id as the chain makes them: a SHA-256 in hex. */
export const txId = (label: string): string => createHash('sha256').update(label).digest('hex');

export function bindingOf(o: OpeningVector, queryLabel = 'query-1'): QueryBinding {
  return { queryId: txId(queryLabel), enterprise: o.enterprise, field: o.field, period: BigInt(o.period), commitment: BigInt(o.commitment) };
}

type Calculator = { calculateWitness(input: CircuitInput, sanityCheck: boolean): Promise<bigint[]> };
const require = createRequire(import.meta.url);
const calculators = new Map<CircuitName, Calculator>();

/**
 * The full witness (w[0] = 1, then the output `answer`, then the public inputs, then the rest) from circom's
 * own witness calculator; throws when the inputs violate a constraint.
 */
export async function witness(circuit: CircuitName, input: CircuitInput): Promise<bigint[]> {
  const dir = join(DEFAULT_BUILD_DIR, circuit);
  const build = require(join(dir, 'witness_calculator.cjs')) as (wasm: Buffer) => Promise<Calculator>;
  let wc = calculators.get(circuit);
  if (!wc) calculators.set(circuit, (wc = await build(await readFile(join(dir, `${circuit}_js`, `${circuit}.wasm`)))));
  try {
    return await wc.calculateWitness(input, true);
  } catch (e) {
    calculators.delete(circuit); // a trapped wasm instance is not reused
    throw e;
  }
}

/*
 * Statutes as these tests ask them: the demo city's, with the questions the tests ask named in them and
 * no origin required. Governance names a statute's questions the same way (server/privacy-query/config.ts).
 */
const TEST_QUESTIONS: Record<string, { kind: string; value?: string }[]> = {
  'payout-tax': [{ kind: 'gte', value: '100000000' }, { kind: 'gte', value: '50000000' }, { kind: 'gte', value: '1' }, { kind: 'range', value: '150000000-160000000' }],
  'payout-insured': [{ kind: 'gte', value: '20' }, { kind: 'lte', value: '30' }, { kind: 'eq', value: '25' }],
  'payout-cases': [{ kind: 'notInSet', value: '12m' }],
  'approval-licence': [{ kind: 'dateValid', value: '20261201' }],
};
export const TEST_STATUTES = DEFAULT_STATUTES.map(({ origin, ...s }) => (TEST_QUESTIONS[s.id] ? { ...s, questions: TEST_QUESTIONS[s.id] } : { ...s, ...(origin ? { origin } : {}) }));

/** The privacy rules these tests run under (governance may set them with privacy.setRules). */
export const testPrivacyRules = (o: { maxDistinctQuestions?: number; expiryBlocks?: number } = {}) => PrivacyRules.parse({ statutes: TEST_STATUTES, maxDistinctQuestions: o.maxDistinctQuestions ?? 4, ...(o.expiryBlocks ? { expiryBlocks: o.expiryBlocks } : {}) });
