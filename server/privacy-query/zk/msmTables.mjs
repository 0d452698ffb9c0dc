// Multi-exponentiation over fixed bases with precomputed window tables, on ffjavascript's bn128 wasm.
//
// Pippenger's method (what ffjavascript does) cuts each 254-bit scalar into ⌈254/c⌉ windows of c bits and
// makes one bucket pass per window; every pass ends in a bucket sum of about 2^(c+1) point additions, and
// the passes are joined by c doublings each. A proving key's bases never change, so each base P can be
// stored once with its window multiples 2^c·P, 2^2c·P, …; a multi-exponentiation is then a single bucket
// pass over all the digits of all the scalars, with one bucket sum and no doublings. With ~500 bases the
// bucket sums are about half of Pippenger's work, and the tables make the small circuits' multi-
// exponentiations 1.6–1.9 times faster. With thousands of bases the sums matter less (1.2 times at 5,800),
// while the tables cost 254 doublings per base to build and ⌈254/c⌉ points per base to keep, so large
// sections are left to Pippenger (TABLE_MAX_POINTS).
//
// The tables live in a wasm instance of the curve's own code with a memory of its own, so they stay put
// between proofs and ffjavascript's instances are not touched.

/** Sections with more bases than this are not tabled (see above). */
export const TABLE_MAX_POINTS = 4096;

const SCALAR_BITS = 254; // bn128's r < 2^254
const GROUPS = {
  G1: { prefix: 'g1m', affine: 64, jacobian: 96 },
  G2: { prefix: 'g2m', affine: 128, jacobian: 192 },
};

/** The window that minimises digits (one mixed addition each) plus the final bucket sum (about 2^(c+1) full additions). */
function windowBits(n) {
  let best = 1;
  let bestCost = Infinity;
  for (let c = 4; c <= 16; c++) {
    const cost = n * Math.ceil(SCALAR_BITS / c) + 1.5 * 2 ** (c + 1);
    if (cost < bestCost) [best, bestCost] = [c, cost];
  }
  return best;
}

const engines = new WeakMap();

class Engine {
  constructor(curve) {
    const code = curve.tm?.code;
    if (!code) throw new Error('fixed-base tables need a single-threaded curve (buildBn128(true))');
    this.memory = new WebAssembly.Memory({ initial: 32 });
    this.exports = new WebAssembly.Instance(new WebAssembly.Module(code), { env: { memory: this.memory } }).exports;
  }

  get free() {
    return new Uint32Array(this.memory.buffer, 0, 1)[0];
  }

  set free(p) {
    new Uint32Array(this.memory.buffer, 0, 1)[0] = p;
  }

  /** Reserves `bytes` at the free pointer, and makes sure `headroom` more stays addressable after them for the wasm's own scratch. */
  alloc(bytes, headroom = 0) {
    const p = (this.free + 7) & ~7;
    this.free = p + bytes;
    const need = p + bytes + headroom - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / 65536));
    return p;
  }

  bytes(p, n) {
    return new Uint8Array(this.memory.buffer, p, n);
  }
}

function engineFor(curve) {
  let e = engines.get(curve);
  if (!e) engines.set(curve, (e = new Engine(curve)));
  return e;
}

/**
 * The window tables of `bases` (affine, Montgomery form, as in a zkey) in `group` ('G1' or 'G2'):
 * entry j·n + i is 2^(j·c)·base_i. Costs 254 doublings per base.
 */
export function buildTable(curve, group, bases) {
  const g = GROUPS[group];
  const e = engineFor(curve);
  const x = e.exports;
  const n = bases.byteLength / g.affine;
  const c = windowBits(n);
  const windows = Math.ceil(SCALAR_BITS / c);
  const ptr = e.alloc(n * windows * g.affine);
  const top = e.free;
  const jac = e.alloc(n * g.jacobian, n * g.jacobian + 65536); // batchToAffine keeps n field elements of its own above
  const double = x[`${g.prefix}_double`];
  e.bytes(ptr, bases.byteLength).set(bases);
  x[`${g.prefix}_batchToJacobian`](ptr, n, jac);
  for (let j = 1; j < windows; j++) {
    for (let i = 0; i < n; i++) {
      const p = jac + i * g.jacobian;
      for (let k = 0; k < c; k++) double(p, p);
    }
    x[`${g.prefix}_batchToAffine`](jac, n, ptr + j * n * g.affine);
  }
  e.free = top;
  return { engine: e, group, n, c, windows, ptr };
}

/** Σ scalar_i · base_i for a table from buildTable() and n 32-byte little-endian scalars (standard form); a Jacobian point in Montgomery form. */
export function tableMultiExp(table, scalars) {
  const { engine: e, group, n, c, windows, ptr } = table;
  const g = GROUPS[group];
  if (scalars.byteLength !== n * 32) throw new Error(`expected ${n} scalars, got ${scalars.byteLength / 32}`);
  const top = e.free;
  const count = n * windows;
  const result = e.alloc(g.jacobian);
  // 2 bytes a digit, plus 2 of padding: the wasm reads each digit as a 4-byte word
  const pDigits = e.alloc(count * 2 + 2, (2 << c) * g.jacobian + 65536); // then 2^c buckets above
  const digits = new Uint16Array(e.memory.buffer, pDigits, count);
  const mask = (1 << c) - 1;
  for (let i = 0; i < n; i++) {
    const s = i * 32;
    for (let j = 0; j < windows; j++) {
      const bit = j * c;
      const byte = s + (bit >> 3);
      const word = scalars[byte] | ((bit >> 3) + 1 < 32 ? scalars[byte + 1] << 8 : 0) | ((bit >> 3) + 2 < 32 ? scalars[byte + 2] << 16 : 0);
      digits[j * n + i] = (word >>> (bit & 7)) & mask;
    }
  }
  e.exports[`${g.prefix}_multiexpAffine_chunk`](ptr, pDigits, 2, count, 0, c, result);
  const out = e.bytes(result, g.jacobian).slice();
  e.free = top;
  return out;
}
