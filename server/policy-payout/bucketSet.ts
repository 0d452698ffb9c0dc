import { sha256Hex } from '../chain/hash.ts';
import type { StateView } from '../chain/state.ts';

/**
 * A set of ids a contract can list, kept in state as a fixed number of sorted arrays. State has
 * no scan, and one array would be rewritten whole on every change (quadratic over a policy's
 * ten thousand awards); a bucket is chosen by the id's hash, so an add or remove rewrites one
 * small array and listing reads BUCKETS keys.
 */
const BUCKETS = 32;

const bucketOf = (id: string) => parseInt(sha256Hex(id).slice(0, 4), 16) % BUCKETS;
const key = (base: string, b: number) => `${base}/${b}`;

export async function setAdd(state: StateView, base: string, id: string): Promise<void> {
  const k = key(base, bucketOf(id));
  const ids = (await state.get<string[]>(k)) ?? [];
  if (ids.includes(id)) return;
  state.put(k, [...ids, id].sort());
}

export async function setRemove(state: StateView, base: string, id: string): Promise<void> {
  const k = key(base, bucketOf(id));
  const ids = (await state.get<string[]>(k)) ?? [];
  if (!ids.includes(id)) return;
  const rest = ids.filter((x) => x !== id);
  if (rest.length) state.put(k, rest);
  else state.del(k);
}

/** Every id in the set, in sorted order (the same on every node). */
export async function setList(state: StateView, base: string): Promise<string[]> {
  const all: string[] = [];
  for (let b = 0; b < BUCKETS; b++) all.push(...((await state.get<string[]>(key(base, b))) ?? []));
  return all.sort();
}

/** Removes many ids at once, rewriting each bucket once. */
export async function setRemoveMany(state: StateView, base: string, ids: string[]): Promise<void> {
  const byBucket = new Map<number, Set<string>>();
  for (const id of ids) {
    const b = bucketOf(id);
    if (!byBucket.has(b)) byBucket.set(b, new Set());
    byBucket.get(b)!.add(id);
  }
  for (const [b, gone] of [...byBucket].sort(([x], [y]) => x - y)) {
    const k = key(base, b);
    const rest = ((await state.get<string[]>(k)) ?? []).filter((x) => !gone.has(x));
    if (rest.length) state.put(k, rest);
    else state.del(k);
  }
}

/** Adds many ids at once, rewriting each bucket once. */
export async function setAddMany(state: StateView, base: string, ids: string[]): Promise<void> {
  const byBucket = new Map<number, string[]>();
  for (const id of ids) {
    const b = bucketOf(id);
    if (!byBucket.has(b)) byBucket.set(b, []);
    byBucket.get(b)!.push(id);
  }
  for (const [b, add] of [...byBucket].sort(([x], [y]) => x - y)) {
    const k = key(base, b);
    state.put(k, [...new Set([...((await state.get<string[]>(k)) ?? []), ...add])].sort());
  }
}
