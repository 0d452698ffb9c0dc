import { performance } from 'node:perf_hooks';
import { commit, packInterval } from '../server/privacy-query/zk/commitment.ts';
import { IndexedSet } from '../server/privacy-query/zk/indexedSet.ts';
import { loadVerificationKeys } from '../server/privacy-query/zk/keys.ts';
import { parsePredicate, type PredicateInput } from '../server/privacy-query/zk/predicates.ts';
import { Prover, type CircuitInput } from '../server/privacy-query/zk/prover.ts';
import { CIRCUITS, publicInputs, type CircuitName } from '../server/privacy-query/zk/publicSignals.ts';
import { verifyAnswer } from '../server/privacy-query/zk/verifier.ts';

/*
 * Privacy-query proving and verifying, with the keys of `npx tsx circuits/build.ts`:
 *   privacy.prove_p50.<circuit>  one warm proof at a time through the worker pool (ms); with nothing
 *                                else queued, a second worker helps with each (prover.ts)
 *   privacy.verify_p50           one threshold_gte verification on the calling thread (ms)
 *   privacy.proofs_per_s         threshold_gte proofs per second with every worker busy
 */

export interface Metric {
  metric: string;
  value: number;
  unit: string;
}

const ENTERPRISE = '91350100M000100Y43';
const QUERY_ID = 'a1'.repeat(32);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One representative query per circuit, with its full witness input. */
async function requests(): Promise<Record<CircuitName, CircuitInput>> {
  const set = await IndexedSet.build(Array.from({ length: 1000 }, (_, i) => BigInt(i * 7)));
  const cases: Record<CircuitName, [PredicateInput, bigint]> = {
    threshold_gte: [{ kind: 'gte', params: { threshold: '100000000' } }, 123456789n],
    threshold_lte: [{ kind: 'lte', params: { threshold: '0' } }, 0n],
    range: [{ kind: 'range', params: { lower: '20', upper: '300' } }, 57n],
    equality: [{ kind: 'eq', params: { target: '310115' } }, 310115n],
    date_valid: [{ kind: 'dateValid', params: { date: 20261201 } }, packInterval(20200101, 20291231)],
    set_membership: [{ kind: 'notInSet', params: { setRoot: set.root.toString() } }, 4000n],
  };
  const out = {} as Record<CircuitName, CircuitInput>;
  for (const c of CIRCUITS) {
    const [input, value] = cases[c];
    const predicate = parsePredicate(input);
    const salt = 12345n;
    const binding = { queryId: QUERY_ID, enterprise: ENTERPRISE, field: 'bench.figure', period: 2025n, commitment: 0n };
    binding.commitment = await commit({ ...binding, value, salt });
    const secret: CircuitInput =
      c === 'date_valid' ? { validFrom: value >> 32n, validTo: value & 0xffffffffn, salt } : c === 'set_membership' ? { value, salt, ...set.witness(value) } : { value, salt };
    out[c] = { ...Object.fromEntries(publicInputs(binding, predicate).inputs), ...secret };
  }
  return out;
}

export async function runPrivacyBench(opts: { quick: boolean }): Promise<Metric[]> {
  const keys = await loadVerificationKeys();
  const inputs = await requests();
  const prover = new Prover();
  const metrics: Metric[] = [];
  try {
    // warm every worker on every circuit: wasm compiled, proving key read and its window tables built
    for (const c of CIRCUITS) await Promise.all(Array.from({ length: prover.size }, () => prover.prove(c, inputs[c])));

    const rounds = opts.quick ? 3 : 11;
    for (const c of CIRCUITS) {
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const t = performance.now();
        await prover.prove(c, inputs[c]);
        times.push(performance.now() - t);
      }
      metrics.push({ metric: `privacy.prove_p50.${c}`, value: median(times), unit: 'ms' });
    }

    const { proof, publicSignals } = await prover.prove('threshold_gte', inputs.threshold_gte);
    const verifies: number[] = [];
    for (let i = 0; i < (opts.quick ? 5 : 31); i++) {
      const t = performance.now();
      if (!(await verifyAnswer(keys.threshold_gte, publicSignals, proof))) throw new Error('benchmark proof did not verify');
      verifies.push(performance.now() - t);
    }
    metrics.push({ metric: 'privacy.verify_p50', value: median(verifies), unit: 'ms' });

    const batch = prover.size * (opts.quick ? 3 : 10);
    const t = performance.now();
    await Promise.all(Array.from({ length: batch }, () => prover.prove('threshold_gte', inputs.threshold_gte)));
    metrics.push({ metric: 'privacy.proofs_per_s', value: batch / ((performance.now() - t) / 1000), unit: 'proofs/s' });
  } finally {
    await prover.close();
  }
  return metrics;
}
