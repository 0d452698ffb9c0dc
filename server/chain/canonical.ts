import canonicalize from 'canonicalize';
import { ChainError } from './errors.ts';
import { isWellFormed } from './text.ts';

/**
 * RFC 8785 (JCS) canonical JSON. Everything that is hashed or signed goes through here, so
 * two nodes serialising the same value always produce the same bytes. Ledger values never
 * hold floats or bigints: money and scores are decimal strings or safe integers.
 */
export function canonicalJson(value: unknown): string {
  return plain(value, 0) ?? checkedCanonicalJson(value);
}

/**
 * Nesting a ledger value may have. A fixed bound, not the stack's: a value nested deeper would
 * otherwise serialise on one node and overflow the stack on another, and a record that deep in
 * the log must be rejected the same way everywhere.
 */
export const MAX_LEDGER_DEPTH = 64;

/** True when a parsed JSON value nests no deeper than ledger values may; walked without recursion. */
export function withinLedgerDepth(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_LEDGER_DEPTH) return false;
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push([x, depth + 1]);
  }
  return true;
}

/** canonicalJson of an object without one of its own keys, without copying the object. */
export function canonicalJsonWithout(value: Record<string, unknown>, omit: string): string {
  return plainObject(value, 0, omit) ?? checkedCanonicalJson(copyWithout(value, omit));
}

function copyWithout(value: Record<string, unknown>, omit: string): Record<string, unknown> {
  const { [omit]: _omit, ...rest } = value;
  return rest;
}

/**
 * The same bytes in one pass for plain JSON data (what JSON.parse returns, what contracts
 * build), or undefined for anything else, which the checked path then serialises or refuses
 * with its usual error: numbers that are not safe integers, strings holding any surrogate
 * (lone ones must be refused; pairs are rare enough to take the long way), toJSON objects,
 * undefined array elements, symbols, functions and bigints.
 */
function plain(v: unknown, depth: number): string | undefined {
  switch (typeof v) {
    case 'string':
      if (VERBATIM.test(v)) return '"' + v + '"';
      return SURROGATE.test(v) ? undefined : JSON.stringify(v);
    case 'number':
      return Number.isSafeInteger(v) ? String(v) : undefined;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (depth >= MAX_LEDGER_DEPTH) return undefined;
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          const x = plain(v[i], depth + 1);
          if (x === undefined) return undefined;
          out += i === 0 ? x : ',' + x;
        }
        return out + ']';
      }
      return plainObject(v as Record<string, unknown>, depth);
    }
    default:
      return undefined;
  }
}

function plainObject(o: Record<string, unknown>, depth: number, omit?: string): string | undefined {
  if (typeof o.toJSON === 'function') return undefined;
  const keys = sortKeys(Object.keys(o));
  let out = '{';
  let first = true;
  for (const k of keys) {
    const x = o[k];
    if (x === undefined || k === omit) continue;
    const s = plain(x, depth + 1);
    if (s === undefined) return undefined;
    let key: string;
    if (VERBATIM.test(k)) key = k;
    else if (SURROGATE.test(k)) return undefined;
    else key = JSON.stringify(k).slice(1, -1);
    out += (first ? '"' : ',"') + key + '":' + s;
    first = false;
  }
  return out + '}';
}

/**
 * The order Array.prototype.sort gives strings (UTF-16 code units, which JCS specifies). Most
 * objects here have a few keys, often already sorted: those are sorted by insertion in place,
 * as the built-in sort allocates work arrays on every call.
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i];
    let j = i - 1;
    if (keys[j] <= k) continue;
    while (j >= 0 && keys[j] > k) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

const SURROGATE = /[\uD800-\uDFFF]/;
/** text JSON.stringify leaves as it is (no quote, backslash or control character), with no surrogate */
const VERBATIM = /^[^"\\\u0000-\u001F\uD800-\uDFFF]*$/;

function checkedCanonicalJson(value: unknown): string {
  assertLedgerValue(value, '$', 0);
  // after the value rules, so a value that breaks both is refused as NOT_CANONICAL, as before
  assertWellFormed(value, '$');
  let out: string | undefined;
  try {
    out = canonicalize(value);
  } catch {
    // the checks above leave nothing it refuses; should one slip by, it is still the caller's value
    out = undefined;
  }
  if (out === undefined) throw new ChainError('NOT_CANONICAL', 'value cannot be serialised as canonical JSON');
  return out;
}

function assertLedgerValue(v: unknown, path: string, depth: number): void {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isSafeInteger(v)) {
        throw new ChainError('NOT_CANONICAL', `${path}: numbers on the ledger must be safe integers (use strings for money)`);
      }
      return;
    case 'object':
      if (v === null) return;
      if (depth >= MAX_LEDGER_DEPTH) throw new ChainError('TOO_DEEP', `${path}: ledger values nest at most ${MAX_LEDGER_DEPTH} levels`);
      if (Array.isArray(v)) {
        v.forEach((x, i) => assertLedgerValue(x, `${path}[${i}]`, depth + 1));
        return;
      }
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x === undefined) continue;
        assertLedgerValue(x, `${path}.${k}`, depth + 1);
      }
      return;
    default:
      throw new ChainError('NOT_CANONICAL', `${path}: ${typeof v} is not allowed on the ledger`);
  }
}

/** Lone surrogates have no UTF-8 form; the value is known to be a bounded ledger value here. */
function assertWellFormed(v: unknown, path: string): void {
  if (typeof v === 'string') {
    if (!isWellFormed(v)) throw new ChainError('ILL_FORMED_TEXT', `${path}: text must be well-formed Unicode (a lone surrogate has no UTF-8 form)`);
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => assertWellFormed(x, `${path}[${i}]`));
    return;
  }
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined) continue;
    if (!isWellFormed(k)) throw new ChainError('ILL_FORMED_TEXT', `${path}: a key must be well-formed Unicode (a lone surrogate has no UTF-8 form)`);
    assertWellFormed(x, `${path}.${k}`);
  }
}
