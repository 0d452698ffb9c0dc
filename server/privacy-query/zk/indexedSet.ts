import { ChainError } from '../../chain/errors.ts';
import { poseidonHash } from './commitment.ts';
import { U64_LIMIT, toU64 } from './field.ts';

/** Depth of the committed-set tree in circuits/set_membership.circom: room for 2^20 - 1 elements. */
export const SET_DEPTH = 20;

/** The "next" of the largest key: above every key(x) = x + 1 <= 2^64. */
const KEY_END = U64_LIMIT + 1n;

/** What the prover feeds set_membership.circom besides the commitment opening. */
export interface SetWitness {
  leafKey: bigint;
  leafNext: bigint;
  pathElements: bigint[];
  pathIndices: number[];
}

/**
 * An indexed Merkle tree over a set of 64-bit figures (see circuits/set_membership.circom):
 * leaf 0 is the sentinel Poseidon(0, key(min)); then one leaf Poseidon(key(x), key(next larger x)) per
 * element in ascending order, the largest pointing at 2^64 + 1; unused leaves are 0. The set's owner
 * publishes the elements or lets auditors rebuild the root, because the circuit trusts its shape.
 */
export class IndexedSet {
  private constructor(
    /** ascending, without duplicates */
    readonly elements: readonly bigint[],
    private readonly levels: bigint[][],
    private readonly zeros: bigint[],
  ) {}

  get root(): bigint {
    return this.levels[SET_DEPTH][0];
  }

  static async build(items: Iterable<bigint | number | string>): Promise<IndexedSet> {
    const elements = [...new Set([...items].map((x) => toU64(x, 'set element')))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (elements.length >= 2 ** SET_DEPTH) throw new ChainError('ZK_SET_TOO_LARGE', `a set holds at most ${2 ** SET_DEPTH - 1} elements`);
    const keys = [0n, ...elements.map((x) => x + 1n)];
    const leaves = await Promise.all(keys.map((k, i) => poseidonHash([k, keys[i + 1] ?? KEY_END])));
    const zeros = [0n];
    const levels = [leaves];
    for (let l = 0; l < SET_DEPTH; l++) {
      const below = levels[l];
      const above: bigint[] = [];
      for (let i = 0; i < below.length; i += 2) above.push(await poseidonHash([below[i], below[i + 1] ?? zeros[l]]));
      levels.push(above);
      zeros.push(await poseidonHash([zeros[l], zeros[l]]));
    }
    return new IndexedSet(elements, levels, zeros);
  }

  /** Number of elements <= x: the index of the leaf whose [key, next) holds key(x). */
  private leafIndex(x: bigint): number {
    let lo = 0;
    let hi = this.elements.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.elements[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(x: bigint): boolean {
    const i = this.leafIndex(x);
    return i > 0 && this.elements[i - 1] === x;
  }

  /** The leaf and path that prove x in, or not in, the set. */
  witness(x: bigint): SetWitness {
    toU64(x, 'value');
    let index = this.leafIndex(x);
    const leafKey = index === 0 ? 0n : this.elements[index - 1] + 1n;
    const leafNext = index < this.elements.length ? this.elements[index] + 1n : KEY_END;
    const pathElements: bigint[] = [];
    const pathIndices: number[] = [];
    for (let l = 0; l < SET_DEPTH; l++) {
      pathElements.push(this.levels[l][index ^ 1] ?? this.zeros[l]);
      pathIndices.push(index & 1);
      index >>= 1;
    }
    return { leafKey, leafNext, pathElements, pathIndices };
  }
}
