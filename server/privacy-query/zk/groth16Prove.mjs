// Groth16 proving with a proving key parsed once and kept in memory.
//
// Adapted from snarkjs 0.7.6 src/groth16_prove.js (GPL-3.0, iden3): the same steps on the same
// ffjavascript curve and the same zkey sections, so the proofs are the ones snarkjs.groth16.prove makes
// and snarkjs.groth16.verify checks. What differs, and why:
// - snarkjs re-reads the zkey (header, then a copy of each section) on every call. Here readProvingKey()
//   does that once per circuit and prove() works on views of the kept buffer.
// - The witness comes in as circom's raw witness (calculateBinWitness), not as a .wtns file to re-parse.
// - The QAP evaluations (buildABC) run in one wasm call (qap_buildABC), not a JavaScript loop with
//   several wasm round trips per coefficient.
// - Each multi-exponentiation is one wasm call (<g>m_multiexpAffine) that does every window, not one task
//   per window that copies the whole base array into wasm memory each time.
// - Sections of up to TABLE_MAX_POINTS bases get precomputed window tables (msmTables.mjs), which make
//   their multi-exponentiations 1.6–1.9 times faster; larger ones use ffjavascript's Pippenger.
// - A second thread can take some of the multi-exponentiations while this one computes the rest
//   (helpProve()), so one proof can use two cores.
import { Scalar, utils } from 'ffjavascript';
import { TABLE_MAX_POINTS, buildTable, tableMultiExp } from './msmTables.mjs';

const { stringifyBigInts } = utils;

const GROTH16 = 1;

/**
 * The parts of a Groth16 zkey the prover needs, read once. `bytes` is the whole .zkey file; sections are
 * views into it, not copies, so the caller should not reuse the buffer. Builds the window tables of the
 * sections that get them (about a second for a circuit of ~500 constraints) unless `tables` is false.
 */
export function readProvingKey(curve, bytes, { tables = true } = {}) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const fail = (why) => {
    throw new Error(`not a Groth16 proving key: ${why}`);
  };
  if (u8.byteLength < 12 || String.fromCharCode(u8[0], u8[1], u8[2], u8[3]) !== 'zkey') fail('no zkey magic');
  if (dv.getUint32(4, true) > 2) fail('unsupported zkey version');
  const nSections = dv.getUint32(8, true);
  const sections = new Map();
  let pos = 12;
  for (let i = 0; i < nSections; i++) {
    if (pos + 12 > u8.byteLength) fail('truncated section table');
    const type = dv.getUint32(pos, true);
    const size = Number(dv.getBigUint64(pos + 4, true));
    pos += 12;
    if (pos + size > u8.byteLength) fail(`section ${type} runs past the end of the file`);
    if (sections.has(type)) fail(`section ${type} appears twice`);
    sections.set(type, u8.subarray(pos, pos + size));
    pos += size;
  }
  const section = (type) => sections.get(type) ?? fail(`section ${type} is missing`);

  const s1 = section(1);
  if (new DataView(s1.buffer, s1.byteOffset, s1.byteLength).getUint32(0, true) !== GROTH16) fail('not groth16');

  // section 2: n8q, q, n8r, r, nVars, nPublic, domainSize, then alpha1, beta1, beta2, gamma2, delta1, delta2
  const h = section(2);
  const hv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  let o = 0;
  const n8q = hv.getUint32(o, true);
  const q = Scalar.fromRprLE(h, o + 4, n8q);
  o += 4 + n8q;
  const n8r = hv.getUint32(o, true);
  const r = Scalar.fromRprLE(h, o + 4, n8r);
  o += 4 + n8r;
  if (!Scalar.eq(q, curve.q) || !Scalar.eq(r, curve.r) || n8q !== curve.G1.F.n8 || n8r !== curve.Fr.n8) fail('the key is for another curve');
  const nVars = hv.getUint32(o, true);
  const nPublic = hv.getUint32(o + 4, true);
  const domainSize = hv.getUint32(o + 8, true);
  o += 12;
  const power = Math.log2(domainSize);
  if (!Number.isInteger(power) || power > curve.Fr.s) fail(`bad domain size ${domainSize}`);
  const g1 = () => h.slice(o, (o += 2 * n8q));
  const g2 = () => h.slice(o, (o += 4 * n8q));
  const vk_alpha_1 = g1();
  const vk_beta_1 = g1();
  const vk_beta_2 = g2();
  g2(); // gamma2: verification only
  const vk_delta_1 = g1();
  const vk_delta_2 = g2();

  const coefs = section(4);
  const nCoefs = new DataView(coefs.buffer, coefs.byteOffset, coefs.byteLength).getUint32(0, true);
  if (coefs.byteLength !== 4 + nCoefs * (12 + n8r)) fail('bad coefficient section');
  const points = (type, n, size) => {
    const s = section(type);
    if (s.byteLength !== n * size) fail(`section ${type} holds ${s.byteLength / size} points, expected ${n}`);
    return s;
  };
  const pk = {
    curve,
    nVars,
    nPublic,
    domainSize,
    power,
    vk_alpha_1,
    vk_beta_1,
    vk_beta_2,
    vk_delta_1,
    vk_delta_2,
    coefs: coefs.subarray(4),
    nCoefs,
    A: points(5, nVars, 2 * n8q),
    B1: points(6, nVars, 2 * n8q),
    B2: points(7, nVars, 4 * n8q),
    C: points(8, nVars - nPublic - 1, 2 * n8q),
    H: points(9, domainSize, 2 * n8q),
    tables: {},
  };
  if (tables) {
    for (const [name, group] of Object.entries(SECTION_GROUPS)) {
      if (pk[name].byteLength / (group === 'G1' ? 2 : 4) / n8q <= TABLE_MAX_POINTS) pk.tables[name] = buildTable(curve, group, pk[name]);
    }
  }
  return pk;
}

const SECTION_GROUPS = { A: 'G1', B1: 'G1', B2: 'G2', C: 'G1', H: 'G1' };

/** Σ scalar_i · base_i over one of the key's point sections, from its table if it has one. */
function sectionMultiExp(pk, name, scalars) {
  const table = pk.tables[name];
  return table ? tableMultiExp(table, scalars) : multiExp(pk.curve, SECTION_GROUPS[name], pk[name], scalars);
}

/** ffjavascript's wasm multi-exponentiation picks its window by the number of points (by Math.clz32(n)). */
const PIPPENGER_BITS = [17, 17, 17, 17, 17, 17, 17, 17, 17, 17, 16, 16, 15, 14, 13, 13, 12, 11, 10, 9, 8, 7, 7, 6, 5, 4, 3, 2, 1, 1, 1, 1];

/** Σ scalar_i · base_i over affine bases (Montgomery form, as in the zkey) and 32-byte scalars (standard form). */
async function multiExp(curve, group, bases, scalars) {
  const G = curve[group];
  const n = bases.byteLength / (2 * G.F.n8);
  if (n === 0) return G.zero;
  const [out] = await curve.tm.queueAction([
    { cmd: 'ALLOCSET', var: 0, buff: bases },
    { cmd: 'ALLOCSET', var: 1, buff: scalars },
    { cmd: 'ALLOC', var: 2, len: G.F.n8 * 3 },
    // the wasm puts its buckets past the last allocation without growing the memory: make room for them
    { cmd: 'ALLOC', var: 3, len: (1 << PIPPENGER_BITS[Math.clz32(n)]) * G.F.n8 * 3 },
    { cmd: 'CALL', fnName: `${group === 'G1' ? 'g1m' : 'g2m'}_multiexpAffine`, params: [{ var: 0 }, { var: 1 }, { val: scalars.byteLength / n }, { val: n }, { var: 2 }] },
    { cmd: 'GET', out: 0, var: 2, len: G.F.n8 * 3 },
  ]);
  return out;
}

/**
 * The five multi-exponentiations of a proof, each a Jacobian point in Montgomery form, in the order two
 * threads take them (largest first, so that they finish close together): B2 (in G2, about three times a
 * G1 one), H (with the quotient it needs), then A, C and B1.
 */
const STEPS = {
  B2: (pk, w) => sectionMultiExp(pk, 'B2', w),
  H: async (pk, w) => sectionMultiExp(pk, 'H', await quotientEvaluations(pk, w)),
  A: (pk, w) => sectionMultiExp(pk, 'A', w),
  // C's points start after w[0] = 1 and the public signals
  C: (pk, w) => sectionMultiExp(pk, 'C', w.subarray((pk.nPublic + 1) * pk.curve.Fr.n8)),
  B1: (pk, w) => sectionMultiExp(pk, 'B1', w),
};
const STEP_NAMES = Object.keys(STEPS);

/** A counter two threads share to take the steps of one proof: a 4-byte SharedArrayBuffer, from newClaims(). */
export const newClaims = () => new Int32Array(new SharedArrayBuffer(4));

/**
 * Takes steps of the proof of `witness` from `claims` (shared with the thread proving it) until none is
 * left, and computes them: what a second thread does to help with a proof. Resolves to the points, by step.
 */
export async function helpProve(pk, witness, claims) {
  checkWitness(pk, witness);
  if (!(claims instanceof Int32Array) || !(claims.buffer instanceof SharedArrayBuffer)) throw new Error('claims must be a shared Int32Array');
  const done = {};
  for (let i; (i = Atomics.add(claims, 0, 1)) < STEP_NAMES.length; ) done[STEP_NAMES[i]] = await STEPS[STEP_NAMES[i]](pk, witness);
  return done;
}

function checkWitness(pk, witness) {
  const n8 = pk.curve.Fr.n8;
  if (!(witness instanceof Uint8Array) || witness.byteLength !== pk.nVars * n8) {
    throw new Error(`invalid witness length: the circuit has ${pk.nVars} signals, the witness ${witness?.byteLength / n8}`);
  }
}

/**
 * H's scalars: the QAP quotient on the odd coset, as snarkjs computes it (buildABC, then for each of A, B
 * and C an inverse FFT, a shift to the coset and an FFT, then A·B − C), out of Montgomery form.
 */
async function quotientEvaluations(pk, witness) {
  const { curve, domainSize, power } = pk;
  const Fr = curve.Fr;
  const n8 = Fr.n8;
  const [evA, evB, evC] = await curve.tm.queueAction([
    { cmd: 'ALLOCSET', var: 0, buff: pk.coefs },
    { cmd: 'ALLOCSET', var: 1, buff: witness },
    { cmd: 'ALLOC', var: 2, len: domainSize * n8 },
    { cmd: 'ALLOC', var: 3, len: domainSize * n8 },
    { cmd: 'ALLOC', var: 4, len: domainSize * n8 },
    {
      cmd: 'CALL',
      fnName: 'qap_buildABC',
      params: [{ var: 0 }, { val: pk.nCoefs }, { var: 1 }, { var: 2 }, { var: 3 }, { var: 4 }, { val: 0 }, { val: domainSize }, { val: 0 }, { val: pk.nVars }],
    },
    { cmd: 'GET', out: 0, var: 2, len: domainSize * n8 },
    { cmd: 'GET', out: 1, var: 3, len: domainSize * n8 },
    { cmd: 'GET', out: 2, var: 4, len: domainSize * n8 },
  ]);
  const inc = power === Fr.s ? Fr.shift : Fr.w[power + 1];
  const odd = async (ev) => Fr.fft(await Fr.batchApplyKey(await Fr.ifft(ev), Fr.e(1), inc));
  const [a, b, c] = [await odd(evA), await odd(evB), await odd(evC)];
  const [h] = await curve.tm.queueAction([
    { cmd: 'ALLOCSET', var: 0, buff: a },
    { cmd: 'ALLOCSET', var: 1, buff: b },
    { cmd: 'ALLOCSET', var: 2, buff: c },
    { cmd: 'ALLOC', var: 3, len: domainSize * n8 },
    { cmd: 'CALL', fnName: 'qap_joinABC', params: [{ var: 0 }, { var: 1 }, { var: 2 }, { val: domainSize }, { var: 3 }] },
    { cmd: 'CALL', fnName: 'frm_batchFromMontgomery', params: [{ var: 3 }, { val: domainSize }, { var: 3 }] },
    { cmd: 'GET', out: 0, var: 3, len: domainSize * n8 },
  ]);
  return h;
}

/**
 * A Groth16 proof of `witness` (circom's calculateBinWitness: nVars field elements, 32 bytes little-endian
 * each, w[0] = 1) in snarkjs's JSON shape, with its public signals.
 *
 * `helper`, when given, starts another thread on helpProve(pk, witness, claims) with the claims it is
 * passed, and resolves to that thread's points, or to null if it could not help. Both threads take steps
 * from the shared claims, so neither waits for work the other has not started: a helper that starts late
 * or runs slowly simply takes fewer. Whatever the helper took and did not deliver, this thread computes.
 */
export async function prove(pk, witness, helper) {
  checkWitness(pk, witness);
  const { curve, nPublic } = pk;
  const { Fr, G1, G2 } = curve;
  const n8 = Fr.n8;
  const claims = newClaims();
  const helped = helper?.(claims);
  const msm = {};
  for (let i; (i = Atomics.add(claims, 0, 1)) < STEP_NAMES.length; ) msm[STEP_NAMES[i]] = await STEPS[STEP_NAMES[i]](pk, witness);
  const part = helped ? await helped : null;
  for (const name of STEP_NAMES) {
    if (msm[name]) continue;
    const theirs = part?.[name];
    const valid = theirs instanceof Uint8Array && theirs.byteLength === (name === 'B2' ? G2 : G1).F.n8 * 3;
    msm[name] = valid ? theirs : await STEPS[name](pk, witness);
  }
  let piA = msm.A;
  let pib1 = msm.B1;
  let piB = msm.B2;
  let piC = msm.C;

  const r = Fr.random();
  const s = Fr.random();

  piA = G1.add(piA, pk.vk_alpha_1);
  piA = G1.add(piA, G1.timesFr(pk.vk_delta_1, r));

  piB = G2.add(piB, pk.vk_beta_2);
  piB = G2.add(piB, G2.timesFr(pk.vk_delta_2, s));

  pib1 = G1.add(pib1, pk.vk_beta_1);
  pib1 = G1.add(pib1, G1.timesFr(pk.vk_delta_1, s));

  piC = G1.add(piC, msm.H);
  piC = G1.add(piC, G1.timesFr(piA, s));
  piC = G1.add(piC, G1.timesFr(pib1, r));
  piC = G1.add(piC, G1.timesFr(pk.vk_delta_1, Fr.neg(Fr.mul(r, s))));

  const publicSignals = [];
  for (let i = 1; i <= nPublic; i++) publicSignals.push(Scalar.fromRprLE(witness, i * n8, n8));

  const proof = {
    pi_a: G1.toObject(G1.toAffine(piA)),
    pi_b: G2.toObject(G2.toAffine(piB)),
    pi_c: G1.toObject(G1.toAffine(piC)),
    protocol: 'groth16',
    curve: curve.name,
  };
  return { proof: stringifyBigInts(proof), publicSignals: stringifyBigInts(publicSignals) };
}

