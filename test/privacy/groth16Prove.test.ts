import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildBn128, type Curve } from 'ffjavascript';
import * as snarkjs from 'snarkjs';
import { helpProve, newClaims, prove, readProvingKey, type HelpedPart, type ProvingKey, type Section } from '../../server/privacy-query/zk/groth16Prove.mjs';
import { IndexedSet } from '../../server/privacy-query/zk/indexedSet.ts';
import { TABLE_MAX_POINTS, tableMultiExp } from '../../server/privacy-query/zk/msmTables.mjs';
import { DEFAULT_BUILD_DIR, loadVerificationKeys, type VerificationKeys } from '../../server/privacy-query/zk/keys.ts';
import { parsePredicate } from '../../server/privacy-query/zk/predicates.ts';
import type { CircuitInput } from '../../server/privacy-query/zk/prover.ts';
import { CIRCUITS, publicInputs, type CircuitName } from '../../server/privacy-query/zk/publicSignals.ts';
import { bindingOf, commitmentVectors, predicateCases, witness } from './support.ts';

/*
 * The prover that keeps each proving key parsed (groth16Prove.mjs), on the calling thread: its proofs must
 * be ones snarkjs.groth16.verify accepts under the ceremony's keys, with or without window tables
 * (msmTables.mjs) and however the work is split between threads.
 */

let curve: Curve;
let keys: VerificationKeys;
const pks = new Map<CircuitName, ProvingKey>();
const untabled = new Map<CircuitName, ProvingKey>();
const zkeyFile = (c: CircuitName) => join(DEFAULT_BUILD_DIR, c, `${c}.zkey`);

before(async () => {
  curve = await buildBn128(true);
  // snarkjs's own prove and verify below take this curve too, rather than starting a thread per core
  (globalThis as { curve_bn128?: unknown }).curve_bn128 ??= curve;
  keys = await loadVerificationKeys();
  for (const c of CIRCUITS) {
    pks.set(c, readProvingKey(curve, await readFile(zkeyFile(c))));
    untabled.set(c, readProvingKey(curve, await readFile(zkeyFile(c)), { tables: false }));
  }
});
after(() => curve.terminate());

/** circom's raw witness layout (calculateBinWitness): 32 bytes little-endian per signal. */
function wtns(values: bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 32);
  values.forEach((v, i) => {
    for (let b = 0; b < 32; b++) out[i * 32 + b] = Number((v >> BigInt(8 * b)) & 0xffn);
  });
  return out;
}

/** The witness of the first vector case for a circuit. */
async function caseWitness(circuit: CircuitName): Promise<bigint[]> {
  for (const c of predicateCases) {
    const predicate = parsePredicate(c.predicate);
    const o = commitmentVectors.openings[c.opening];
    const { circuit: name, inputs } = publicInputs(bindingOf(o), predicate);
    if (name !== circuit) continue;
    const value = BigInt(o.value);
    const salt = BigInt(o.salt);
    let secret: CircuitInput = { value, salt };
    if (circuit === 'date_valid') secret = { validFrom: value >> 32n, validTo: value & 0xffffffffn, salt };
    if (circuit === 'set_membership') secret = { value, salt, ...(await IndexedSet.build(c.set!)).witness(value) };
    return witness(circuit, { ...Object.fromEntries(inputs), ...secret });
  }
  throw new Error(`no vector case for ${circuit}`);
}

describe('proofs verify with snarkjs', () => {
  for (const circuit of CIRCUITS) {
    test(circuit, async () => {
      const pk = pks.get(circuit)!;
      const w = await caseWitness(circuit);
      const bin = wtns(w);
      const plain = untabled.get(circuit)!;
      let helped: HelpedPart = {};
      const helper = async (claims: Int32Array) => (helped = await helpProve(pk, bin, claims));
      const runs: [string, ProvingKey, ((claims: Int32Array) => Promise<HelpedPart | null>) | undefined][] = [
        ['alone', pk, undefined],
        ['helped', pk, helper],
        ['helper that starts too late to take anything', pk, async (claims) => {
          await new Promise((resolve) => setTimeout(resolve, 0));
          return helpProve(pk, bin, claims);
        }],
        ['helper that took two steps and failed', pk, async (claims) => {
          Atomics.add(claims, 0, 2);
          return null;
        }],
        ['helper that answered nonsense', pk, async (claims) => {
          Atomics.add(claims, 0, 2);
          return { B2: new Uint8Array(96), H: new Uint8Array(5) };
        }],
        ['without tables', plain, undefined],
        ['without tables, helped by a thread with them', plain, helper],
      ];
      // set_membership has no tables, and what happens to a failed helper does not depend on the circuit
      const chosen = circuit === 'set_membership' ? runs.slice(0, 2) : runs;
      for (const [how, key, help] of chosen) {
        const { proof, publicSignals } = await prove(key, bin, help);
        assert.deepEqual(publicSignals, w.slice(1, 1 + pk.nPublic).map(String), `${how}: public signals`);
        assert.equal(await snarkjs.groth16.verify(keys[circuit], publicSignals, proof), true, `${how}: verifies`);
        const flipped = [publicSignals[0] === '1' ? '0' : '1', ...publicSignals.slice(1)];
        assert.equal(await snarkjs.groth16.verify(keys[circuit], flipped, proof), false, `${how}: not for the other answer`);
        if (how === 'helped') assert.ok(Object.keys(helped).length > 0, 'the helper took a step');
      }
    });
  }

  test('in the JSON shape snarkjs.groth16.prove gives', async () => {
    const w = wtns(await caseWitness('threshold_gte'));
    const ours = await prove(pks.get('threshold_gte')!, w);
    const theirs = await snarkjs.groth16.prove(await readFile(zkeyFile('threshold_gte')), wtnsFile(w));
    assert.deepEqual(ours.publicSignals, theirs.publicSignals);
    const shape = (p: object) => JSON.stringify(p, (_k, v) => (typeof v === 'string' && /^\d+$/.test(v) ? (v === '1' || v === '0' ? v : 'n') : v));
    assert.equal(shape(ours.proof), shape(theirs.proof));
    assert.deepEqual(Object.keys(ours.proof), Object.keys(theirs.proof));
  });
});

/** A .wtns file around a raw witness, for snarkjs.groth16.prove. */
function wtnsFile(raw: Uint8Array): Uint8Array {
  const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  const head = new Uint8Array(12 + 12 + 4 + 32 + 4 + 12);
  const dv = new DataView(head.buffer);
  head.set([0x77, 0x74, 0x6e, 0x73]); // "wtns"
  dv.setUint32(4, 2, true);
  dv.setUint32(8, 2, true);
  dv.setUint32(12, 1, true);
  dv.setBigUint64(16, 40n, true);
  dv.setUint32(24, 32, true);
  head.set(wtns([P]).subarray(0, 32), 28);
  dv.setUint32(60, raw.byteLength / 32, true);
  dv.setUint32(64, 2, true);
  dv.setBigUint64(68, BigInt(raw.byteLength), true);
  const out = new Uint8Array(head.byteLength + raw.byteLength);
  out.set(head);
  out.set(raw, head.byteLength);
  return out;
}

describe('sharing a proof', () => {
  test('two threads on one claims counter take every step once', async () => {
    const pk = pks.get('equality')!;
    const w = wtns(await caseWitness('equality'));
    const claims = newClaims();
    const [first, second] = await Promise.all([helpProve(pk, w, claims), helpProve(pk, w, claims)]);
    const steps = [...Object.keys(first), ...Object.keys(second)].sort();
    assert.deepEqual(steps, ['A', 'B1', 'B2', 'C', 'H']);
    assert.deepEqual(await helpProve(pk, w, claims), {}, 'nothing is left');
    await assert.rejects(helpProve(pk, w, new Int32Array(1)), /shared Int32Array/);
  });
});

describe('window tables', () => {
  test('the small circuits have them for every section, set_membership for none', () => {
    for (const c of CIRCUITS) {
      const expected = c === 'set_membership' ? [] : ['A', 'B1', 'B2', 'C', 'H'];
      assert.deepEqual(Object.keys(pks.get(c)!.tables).sort(), expected.sort(), c);
      assert.deepEqual(Object.keys(untabled.get(c)!.tables), [], `${c} without tables`);
    }
    assert.ok(pks.get('set_membership')!.nVars > TABLE_MAX_POINTS);
  });

  test('give the same sums as ffjavascript for any scalars', async () => {
    const pk = pks.get('range')!;
    const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
    let seed = 12345n;
    const random = () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) % (1n << 256n)) % r;
    const groups = curve as unknown as Record<'G1' | 'G2', { multiExpAffine(b: Uint8Array, s: Uint8Array): Promise<Uint8Array>; eq(a: Uint8Array, b: Uint8Array): boolean }>;
    for (const name of ['A', 'B1', 'B2', 'C', 'H'] as Section[]) {
      const table = pk.tables[name]!;
      const n = table.n;
      const patterns: [string, (i: number) => bigint][] = [
        ['zero', () => 0n],
        ['one', () => 1n],
        ['r - 1', () => r - 1n],
        ['top bits', (i) => (1n << 253n) + BigInt(i)],
        ['mixed', (i) => [0n, 1n, 2n, r - 1n, (1n << 64n) - 1n, random()][i % 6]],
        ['random', () => random()],
      ];
      for (const [what, scalar] of patterns) {
        const scalars = wtns(Array.from({ length: n }, (_, i) => scalar(i)));
        const G = groups[table.group];
        assert.ok(G.eq(tableMultiExp(table, scalars), await G.multiExpAffine(pk[name], scalars)), `${name}, ${what}`);
      }
    }
  });
});

describe('refusals', () => {
  test('a witness of the wrong length', async () => {
    const pk = pks.get('equality')!;
    const w = wtns(await caseWitness('equality'));
    await assert.rejects(prove(pk, w.subarray(32)), /invalid witness length/);
    await assert.rejects(prove(pk, new Uint8Array(w.byteLength + 32)), /invalid witness length/);
    await assert.rejects(helpProve(pk, w.subarray(32), newClaims()), /invalid witness length/);
  });

  test('a file that is not a whole Groth16 proving key', async () => {
    const zkey = await readFile(zkeyFile('equality'));
    const r1cs = await readFile(join(DEFAULT_BUILD_DIR, 'equality', 'equality.r1cs'));
    assert.throws(() => readProvingKey(curve, r1cs), /not a Groth16 proving key/);
    assert.throws(() => readProvingKey(curve, zkey.subarray(0, zkey.byteLength - 100)), /not a Groth16 proving key/);
    const otherProtocol = new Uint8Array(zkey);
    const firstSection = 12 + 12; // magic, version, count; then the first section's type and size
    assert.equal(new DataView(otherProtocol.buffer).getUint32(12, true), 1, 'section 1 comes first');
    otherProtocol[firstSection] = 2; // plonk
    assert.throws(() => readProvingKey(curve, otherProtocol), /not groth16/);
  });
});
