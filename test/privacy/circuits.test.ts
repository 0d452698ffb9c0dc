import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { enterpriseField, fieldId, poseidonHash } from '../../server/privacy-query/zk/commitment.ts';
import { queryIdLimbs } from '../../server/privacy-query/zk/field.ts';
import { IndexedSet } from '../../server/privacy-query/zk/indexedSet.ts';
import { parsePredicate } from '../../server/privacy-query/zk/predicates.ts';
import type { CircuitInput } from '../../server/privacy-query/zk/prover.ts';
import { publicInputs, type CircuitName } from '../../server/privacy-query/zk/publicSignals.ts';
import { P, U64, bindingOf, commitmentVectors, predicateCases, txId, witness } from './support.ts';

/*
 * The circuits against the TypeScript reference, by witness generation alone (no proving): the shared
 * vectors must give the same answer and the same public inputs, and every edge case must fail.
 */

const ENTERPRISE = '91350100M000100Y43';
const QUERY = queryIdLimbs(txId('edge-query'));

/** Inputs for a circuit whose commitment opens to (value, salt), with whatever value, even out of range. */
async function inputs(circuit: CircuitName, value: bigint, salt: bigint, extra: CircuitInput): Promise<CircuitInput> {
  const common = { enterprise: enterpriseField(ENTERPRISE), fieldId: fieldId('tax.paid'), period: 2025n };
  const commitment = await poseidonHash([common.enterprise, common.fieldId, common.period, value, salt]);
  const opening: CircuitInput = circuit === 'date_valid' ? {} : { value };
  return { commitment, ...QUERY, ...common, ...extra, ...opening, salt };
}

const answerOf = async (circuit: CircuitName, input: CircuitInput) => (await witness(circuit, input))[1];
/** Witness generation must stop at a violated constraint (not at, say, a misspelt input name). */
const fails = (circuit: CircuitName, input: CircuitInput, why: string) => assert.rejects(witness(circuit, input), /Assert Failed/, why);

describe('circuits agree with the reference on the shared vectors', () => {
  for (const c of predicateCases) {
    test(c.name, async () => {
      const o = commitmentVectors.openings[c.opening];
      const predicate = parsePredicate(c.predicate);
      const binding = bindingOf(o);
      const { circuit, inputs: pub } = publicInputs(binding, predicate);
      const value = BigInt(o.value);
      const salt = BigInt(o.salt);
      let secret: CircuitInput = { value, salt };
      if (circuit === 'date_valid') secret = { validFrom: value >> 32n, validTo: value & 0xffffffffn, salt };
      if (circuit === 'set_membership') secret = { value, salt, ...(await IndexedSet.build(c.set!)).witness(value) };
      const w = await witness(circuit, { ...Object.fromEntries(pub), ...secret });
      assert.equal(w[1], c.answer ? 1n : 0n, 'answer');
      assert.deepEqual(w.slice(2, 2 + pub.length), pub.map(([, v]) => v), 'public inputs in snarkjs order');
    });
  }
});

describe('edges every circuit must refuse', () => {
  const params: Record<Exclude<CircuitName, 'set_membership' | 'date_valid'>, CircuitInput> = {
    threshold_gte: { threshold: 10n },
    threshold_lte: { threshold: 10n },
    range: { lower: 10n, upper: 20n },
    equality: { target: 10n },
  };
  for (const [circuit, extra] of Object.entries(params) as [CircuitName, CircuitInput][]) {
    test(`${circuit}: values and parameters at the 2^64 and field edges`, async () => {
      assert.ok((await answerOf(circuit, await inputs(circuit, U64 - 1n, 5n, extra))) <= 1n, 'the largest value is fine');
      for (const v of [U64, P - 1n, P - 5n, P - U64]) await fails(circuit, await inputs(circuit, v, 5n, extra), `value ${v}`);
      for (const [name] of Object.entries(extra)) {
        for (const bad of [U64, P - 1n]) await fails(circuit, await inputs(circuit, 15n, 5n, { ...extra, [name]: bad }), `${name} ${bad}`);
      }
      const good = await inputs(circuit, 15n, 5n, extra);
      await witness(circuit, good);
      await fails(circuit, { ...good, salt: 6n }, 'wrong salt');
      await fails(circuit, { ...good, value: 16n }, 'wrong value');
      await fails(circuit, { ...good, commitment: (good.commitment as bigint) + 1n }, 'wrong commitment');
      await fails(circuit, { ...good, enterprise: (good.enterprise as bigint) + 1n }, 'other enterprise');
      await fails(circuit, { ...good, period: 2024n }, 'other period');
    });
  }

  test('threshold_gte / threshold_lte: comparisons at the boundary', async () => {
    for (const [v, t, gte, lte] of [[0n, 0n, 1n, 1n], [U64 - 1n, U64 - 1n, 1n, 1n], [U64 - 2n, U64 - 1n, 0n, 1n], [U64 - 1n, 0n, 1n, 0n]]) {
      assert.equal(await answerOf('threshold_gte', await inputs('threshold_gte', v, 1n, { threshold: t })), gte);
      assert.equal(await answerOf('threshold_lte', await inputs('threshold_lte', v, 1n, { threshold: t })), lte);
    }
  });

  test('range: an empty range answers no (the wrapper refuses to ask it)', async () => {
    assert.equal(await answerOf('range', await inputs('range', 15n, 1n, { lower: 20n, upper: 10n })), 0n);
  });

  test('date_valid: interval halves and the date are 32-bit, so the packing cannot alias', async () => {
    const ok = await inputs('date_valid', (20200101n << 32n) | 20291231n, 1n, { date: 20261201n, validFrom: 20200101n, validTo: 20291231n });
    assert.equal(await answerOf('date_valid', ok), 1n);
    // (from 0, to 2^32 + x) packs to the same value as (from 1, to x): the 32-bit checks must refuse it
    await fails('date_valid', await inputs('date_valid', (1n << 32n) | 20291231n, 1n, { date: 20261201n, validFrom: 0n, validTo: (1n << 32n) + 20291231n }), 'validTo >= 2^32');
    await fails('date_valid', await inputs('date_valid', (20200101n << 32n) - 1n, 1n, { date: 20261201n, validFrom: 20200101n, validTo: P - 1n }), 'validTo = p - 1');
    await fails('date_valid', await inputs('date_valid', 1n << 64n, 1n, { date: 20261201n, validFrom: 1n << 32n, validTo: 0n }), 'validFrom = 2^32');
    await fails('date_valid', { ...ok, date: 1n << 32n }, 'date = 2^32');
    await fails('date_valid', { ...ok, date: P - 1n }, 'date = p - 1');
    await fails('date_valid', { ...ok, validTo: 20301231n }, 'interval that was not committed');
  });

  test('set_membership: a member cannot prove non-membership, nor an outsider membership', async () => {
    const set = await IndexedSet.build([5, 20, 300]);
    const base = async (value: bigint, negate: bigint) => inputs('set_membership', value, 1n, { setRoot: set.root, negate, ...set.witness(value) });
    assert.equal(await answerOf('set_membership', await base(20n, 0n)), 1n);
    assert.equal(await answerOf('set_membership', await base(21n, 1n)), 1n);
    // the member 20 presented with its predecessor's leaf (5 -> 20): key(20) = 21 is not below next = 21
    const member = await base(20n, 1n);
    await fails('set_membership', { ...member, ...set.witness(19n) }, 'predecessor leaf for a member');
    // a leaf that is not in the tree, bracketing the member
    await fails('set_membership', { ...member, leafKey: 6n, leafNext: 22n }, 'forged leaf');
    await fails('set_membership', { ...member, setRoot: (await IndexedSet.build([5, 300])).root }, 'another set');
    await fails('set_membership', { ...member, leafKey: U64 * 2n }, 'leaf key >= 2^65');
    await fails('set_membership', { ...member, negate: 2n }, 'negate not a bit');
    const indices = [...(member.pathIndices as number[])];
    indices[0] = 2;
    await fails('set_membership', { ...member, pathIndices: indices }, 'path index not a bit');
    for (const v of [U64, P - 1n]) await fails('set_membership', await inputs('set_membership', v, 1n, { setRoot: set.root, negate: 0n, ...set.witness(300n) }), `value ${v}`);
  });
});
