import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Groth16Proof } from 'snarkjs';
import { proveAnswer, type Answer } from '../../server/privacy-query/zk/answer.ts';
import { commit, poseidonHash, enterpriseField, fieldId } from '../../server/privacy-query/zk/commitment.ts';
import { IndexedSet } from '../../server/privacy-query/zk/indexedSet.ts';
import { loadCeremony, loadVerificationKeys, vkeyHash, type VerificationKeys } from '../../server/privacy-query/zk/keys.ts';
import { parsePredicate, type Predicate } from '../../server/privacy-query/zk/predicates.ts';
import { Prover } from '../../server/privacy-query/zk/prover.ts';
import { CIRCUITS, publicInputs, publicSignals, type QueryBinding } from '../../server/privacy-query/zk/publicSignals.ts';
import { verifyAnswer, verifyQueryAnswer } from '../../server/privacy-query/zk/verifier.ts';
import { P, bindingOf, commitmentVectors, predicateCases, txId } from './support.ts';

/* End to end through the worker pool and the verifier, with the keys of the last `npx tsx circuits/build.ts`. */

let prover: Prover;
let keys: VerificationKeys;
const code = (e: unknown) => (e as { code?: string }).code;

before(async () => {
  keys = await loadVerificationKeys();
  prover = new Prover({ size: 2 });
});
after(() => prover.close());

const openings = commitmentVectors.openings;
const opening = (i: number) => ({ value: BigInt(openings[i].value), salt: BigInt(openings[i].salt) });

/** Proves one vector case through the holder's path (proveAnswer). */
async function proveCase(name: string): Promise<{ binding: QueryBinding; predicate: Predicate; set?: IndexedSet; result: Answer }> {
  const c = predicateCases.find((x) => x.name === name)!;
  const binding = bindingOf(openings[c.opening]);
  const predicate = parsePredicate(c.predicate);
  const set = c.set ? await IndexedSet.build(c.set) : undefined;
  const result = await proveAnswer(prover, { binding, predicate, ...opening(c.opening), set });
  assert.equal(result.answer, c.answer, name);
  return { binding, predicate, set, result };
}

describe('keys', () => {
  test('the transcript records every department, a beacon and a passed zkey verify for every circuit', async () => {
    const ceremony = await loadCeremony();
    for (const c of CIRCUITS) {
      const entry = ceremony.circuits[c];
      assert.deepEqual(entry.contributions.map((x) => x.name), ['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service']);
      assert.equal(entry.verified, true);
      assert.match(entry.beacon.hash, /^[0-9a-f]{128}$/);
      assert.equal(entry.vkeyHash, vkeyHash(keys[c]));
      assert.ok(ceremony.ptaus.some((p) => p.hash === entry.ptauHash));
    }
  });
});

describe('yes and no are both proven and verified', () => {
  const names = [
    ['gte below', 'gte one above is no'],
    ['lte equal is yes', 'lte one below is no'],
    ['range single point', 'range just above'],
    ['eq yes', 'eq no'],
    ['licence valid on last day', 'licence expired'],
    ['in set', 'not in set'],
    ['not in set, asked not in', 'in set, asked not in'],
  ];
  for (const pair of names) {
    test(pair.join(' / '), async () => {
      for (const name of pair) {
        const { binding, predicate, result } = await proveCase(name);
        assert.equal(await verifyQueryAnswer(keys, { binding, predicate, answer: result.answer, proof: result.proof }), true, name);
        assert.equal(await verifyQueryAnswer(keys, { binding, predicate, answer: !result.answer, proof: result.proof }), false, `${name}, answer flipped`);
      }
    });
  }
});

describe('soundness', () => {
  let gte: Awaited<ReturnType<typeof proveCase>>;
  before(async () => {
    gte = await proveCase('gte one above is no'); // tax paid 123456789 fen, asked >= 123456790: a true "no"
  });
  const verify = (binding: QueryBinding, predicate: Predicate, answer: boolean, proof: Groth16Proof = gte.result.proof) =>
    verifyQueryAnswer(keys, { binding, predicate, answer, proof });

  test('a proof is bound to its query id, enterprise, figure, period, commitment and threshold', async () => {
    const { binding, predicate } = gte;
    assert.equal(await verify(binding, predicate, false), true);
    assert.equal(await verify({ ...binding, queryId: txId('query-2') }, predicate, false), false, 'another query');
    assert.equal(await verify({ ...binding, enterprise: openings[1].enterprise }, predicate, false), false, 'another enterprise');
    assert.equal(await verify({ ...binding, field: 'hrss.insured' }, predicate, false), false, 'another figure');
    assert.equal(await verify({ ...binding, period: 2024n }, predicate, false), false, 'another period');
    assert.equal(await verify({ ...binding, commitment: BigInt(openings[1].commitment) }, predicate, false), false, 'another commitment');
    assert.equal(await verify(binding, parsePredicate({ kind: 'gte', params: { threshold: '123456791' } }), false), false, 'another threshold');
    assert.equal(await verify(binding, parsePredicate({ kind: 'lte', params: { threshold: '123456790' } }), false), false, 'another predicate');
  });

  test('wrong value, salt or commitment cannot produce an accepted yes', async () => {
    const { binding, predicate } = gte;
    const { value, salt } = opening(0);
    // the holder's wrapper refuses outright
    await assert.rejects(proveAnswer(prover, { binding, predicate, value: 123456790n, salt }), (e) => code(e) === 'ZK_COMMITMENT_MISMATCH');
    await assert.rejects(proveAnswer(prover, { binding, predicate, value, salt: salt + 1n }), (e) => code(e) === 'ZK_COMMITMENT_MISMATCH');
    // and the circuit refuses the same inputs when the wrapper is bypassed
    const pub = Object.fromEntries(publicInputs(binding, predicate).inputs);
    await assert.rejects(prover.prove('threshold_gte', { ...pub, value: 123456790n, salt }), (e) => code(e) === 'ZK_WITNESS_FAILED');
    await assert.rejects(prover.prove('threshold_gte', { ...pub, value, salt: salt + 1n }), (e) => code(e) === 'ZK_WITNESS_FAILED');
    // a yes proven against a commitment of the cheater's own making does not verify against the chain's
    const forged = { ...binding, commitment: await commit({ enterprise: binding.enterprise, field: binding.field, period: binding.period, value: 200000000n, salt }) };
    const fake = await prover.prove('threshold_gte', { ...Object.fromEntries(publicInputs(forged, predicate).inputs), value: 200000000n, salt });
    assert.equal(fake.publicSignals[0], '1');
    assert.equal(await verify(forged, predicate, true, fake.proof), true, 'valid for the forged commitment');
    assert.equal(await verify(binding, predicate, true, fake.proof), false, 'not for the committed one');
  });

  test('values >= 2^64 and at the field edge cannot be proven', async () => {
    const { binding, predicate } = gte;
    const pub = Object.fromEntries(publicInputs(binding, predicate).inputs);
    for (const v of [1n << 64n, P - 1n, P - 2n]) {
      const commitment = await poseidonHash([enterpriseField(binding.enterprise), fieldId(binding.field), binding.period, v, 1n]);
      await assert.rejects(prover.prove('threshold_gte', { ...pub, commitment, value: v, salt: 1n }), (e) => code(e) === 'ZK_WITNESS_FAILED', `value ${v}`);
    }
  });

  test('a tampered proof fails', async () => {
    const { binding, predicate } = gte;
    const p = gte.result.proof;
    const tampered: Groth16Proof[] = [
      { ...p, pi_a: [p.pi_c[0], p.pi_c[1], '1'] },
      { ...p, pi_c: [p.pi_a[0], p.pi_a[1], '1'] },
      { ...p, pi_b: [p.pi_b[1], p.pi_b[0], p.pi_b[2]] },
      { ...p, pi_a: [(BigInt(p.pi_a[0]) + 1n).toString(), p.pi_a[1], '1'] },
      { ...p, protocol: 'plonk' },
    ];
    for (const t of tampered) assert.equal(await verify(binding, predicate, false, t), false);
  });

  test('a coordinate or public signal shifted by its modulus is refused', async () => {
    const { binding, predicate } = gte;
    const q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
    const p = gte.result.proof;
    assert.equal(await verify(binding, predicate, false, { ...p, pi_a: [(BigInt(p.pi_a[0]) + q).toString(), p.pi_a[1], '1'] }), false);
    const signals = publicSignals(binding, predicate, false);
    assert.equal(await verifyAnswer(keys.threshold_gte, signals, p), true);
    for (const i of [0, 1, 2, 4, 7]) {
      const shifted = signals.map((s, j) => (j === i ? (BigInt(s) + P).toString() : s));
      await assert.rejects(verifyAnswer(keys.threshold_gte, shifted, p), (e) => code(e) === 'ZK_NOT_FIELD_ELEMENT', `signal ${i}`);
    }
    await assert.rejects(verifyAnswer(keys.threshold_gte, signals.map((s, j) => (j === 6 ? `0${s}` : s)), p), (e) => code(e) === 'ZK_NOT_FIELD_ELEMENT');
    await assert.rejects(verifyAnswer(keys.threshold_gte, signals.slice(1), p), (e) => code(e) === 'ZK_BAD_PUBLIC_SIGNALS');
  });

  test('the verification key of another circuit rejects', async () => {
    const signals = publicSignals(gte.binding, gte.predicate, false);
    for (const other of ['threshold_lte', 'equality', 'date_valid'] as const) {
      assert.equal(keys[other].nPublic, signals.length);
      assert.equal(await verifyAnswer(keys[other], signals, gte.result.proof), false, other);
    }
  });

  test('a set proof is bound to its set and to inSet / notInSet', async () => {
    const { binding, predicate, result } = await proveCase('not in set, asked not in');
    assert.equal(await verifyQueryAnswer(keys, { binding, predicate, answer: true, proof: result.proof }), true);
    const asIn = parsePredicate({ kind: 'inSet', params: { setRoot: String(predicate.kind === 'notInSet' && predicate.params.setRoot) } });
    assert.equal(await verifyQueryAnswer(keys, { binding, predicate: asIn, answer: true, proof: result.proof }), false, 'inSet with the notInSet proof');
    const other = await IndexedSet.build([5, 300]);
    const otherSet = parsePredicate({ kind: 'notInSet', params: { setRoot: other.root.toString() } });
    assert.equal(await verifyQueryAnswer(keys, { binding, predicate: otherSet, answer: true, proof: result.proof }), false, 'another set');
  });
});

describe('prover pool', () => {
  test('proves concurrently off the event loop', async () => {
    let ticks = 0;
    let worstGap = 0;
    let last = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
      ticks++;
    }, 5);
    const started = Date.now();
    const results = await Promise.all(['in set', 'gte below', 'eq yes', 'licence valid inside'].map(proveCase));
    clearInterval(timer);
    const elapsed = Date.now() - started;
    for (const { binding, predicate, result } of results) assert.equal(await verifyQueryAnswer(keys, { binding, predicate, answer: result.answer, proof: result.proof }), true);
    // a proof on the main thread would block it for the whole proof (hundreds of ms)
    assert.ok(ticks > elapsed / 50, `timer ticked ${ticks} times in ${elapsed} ms`);
    assert.ok(worstGap < Math.max(150, elapsed / 3), `event loop blocked for ${worstGap} ms of ${elapsed}`);
  });

  test('warm() loads the named circuits in every worker ahead of the first question', async () => {
    const pool = new Prover({ size: 2 });
    try {
      await pool.warm(['threshold_gte']);
      const c = predicateCases.find((x) => x.name === 'gte below')!;
      const result = await proveAnswer(pool, { binding: bindingOf(openings[c.opening]), predicate: parsePredicate(c.predicate), ...opening(c.opening) });
      assert.equal(await verifyQueryAnswer(keys, { binding: bindingOf(openings[c.opening]), predicate: parsePredicate(c.predicate), answer: result.answer, proof: result.proof }), true);
    } finally {
      await pool.close();
    }
  });

  test('warm() names the circuit whose build is missing; a closed pool refuses', async () => {
    const pool = new Prover({ size: 1, buildDir: '/nonexistent/tongban-build' });
    try {
      await assert.rejects(pool.warm(['equality']), (e: Error) => code(e) === 'ZK_PROVER_FAILED' && /equality/.test(e.message));
    } finally {
      await pool.close();
    }
    const closed = new Prover({ size: 1 });
    await closed.close();
    await assert.rejects(closed.warm(), (e: Error) => code(e) === 'ZK_PROVER_FAILED');
  });
});
