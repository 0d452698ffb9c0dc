import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson, canonicalJsonWithout } from '../../server/chain/canonical.ts';
import { hashPair, sha256Hex } from '../../server/chain/hash.ts';
import { logRecordOf } from '../../server/chain/logRecord.ts';
import { merkleRoot, merkleRootOfHex } from '../../server/chain/merkle.ts';
import { LogRecord, Tx } from '../../server/chain/schema.ts';
import { isPlainTx } from '../../server/chain/plainTx.ts';

/**
 * The ledger's hot paths have shortcuts for the common case; each must give exactly what the
 * general rule gives, on any input, or step aside for it.
 */

/** RFC 8785 by the reference library, with the ledger's own refusals (non-integers, ...). */
function reference(v: unknown): { ok: string } | { err: string } {
  const refuse = (x: unknown): string | undefined => {
    if (typeof x === 'number') return Number.isSafeInteger(x) ? undefined : 'number';
    if (typeof x === 'string' || typeof x === 'boolean' || x === null) return undefined;
    if (typeof x !== 'object') return typeof x;
    for (const y of Array.isArray(x) ? x : Object.values(x as object).filter((y) => y !== undefined)) {
      const r = refuse(y);
      if (r) return r;
    }
    return undefined;
  };
  const why = refuse(v);
  if (why) return { err: 'NOT_CANONICAL' };
  try {
    return { ok: canonicalize(v) as string };
  } catch {
    return { err: 'canonicalize' };
  }
}

function actual(v: unknown): { ok: string } | { err: string } {
  try {
    return { ok: canonicalJson(v) };
  } catch (e) {
    return { err: (e as { code?: string }).code === 'NOT_CANONICAL' ? 'NOT_CANONICAL' : 'canonicalize' };
  }
}

const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('\ud800', 'a\udc00b', '😀', '"\\\n\u2028', ''));
const ledgerValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    anyString,
    fc.integer(),
    fc.maxSafeInteger(),
    fc.boolean(),
    fc.constant(null),
    fc.double(),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(anyString, tie('value'), { maxKeys: 20 }),
  ),
})).value;

describe('fast paths agree with the general rules', () => {
  test('canonicalJson gives the reference bytes, or refuses as it does', () => {
    fc.assert(fc.property(ledgerValue, (v) => assert.deepEqual(actual(v), reference(v))), { numRuns: 3000 });
    const objectWithKey = fc.tuple(fc.dictionary(anyString, ledgerValue, { maxKeys: 20 }), anyString);
    fc.assert(
      fc.property(objectWithKey, ([o, k]) => {
        const { [k]: _omit, ...rest } = o;
        let got: { ok: string } | { err: string };
        try {
          got = { ok: canonicalJsonWithout(o, k) };
        } catch (e) {
          got = { err: (e as { code?: string }).code === 'NOT_CANONICAL' ? 'NOT_CANONICAL' : 'canonicalize' };
        }
        assert.deepEqual(got, reference(rest));
      }),
      { numRuns: 2000 },
    );
    const edges = [
      { b: 1, a: [1, { d: 2, c: '\ud83d\ude00' }] },
      { ['\u00e9']: 1, e: 2, ['\ud800']: 3 },
      [undefined],
      { a: undefined, b: 2 },
      new Date(0),
      { toJSON: () => 'x' },
      Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 7) % 40}`, i])),
    ];
    for (const v of edges) assert.deepEqual(actual(v), reference(v));
  });

  test('merkleRoot folds hex leaves exactly as hashPair does', () => {
    assert.equal(merkleRoot([]), '0'.repeat(64));
    for (let n = 1; n <= 70; n++) {
      const leaves = Array.from({ length: n }, (_, i) => sha256Hex(`leaf ${i}`));
      assert.equal(merkleRoot(leaves), merkleRootOfHex(leaves));
    }
    // Leaves that are not 32 bytes of hex are folded by hashPair as they are; the odd one out is promoted.
    const odd = ['AB'.repeat(32), 'zz', 'c'.repeat(63), sha256Hex('x'), sha256Hex('y')];
    assert.equal(merkleRoot(odd), hashPair(hashPair(hashPair(odd[0], odd[1]), hashPair(odd[2], odd[3])), odd[4]));
  });

  test('isPlainTx accepts only what the Tx schema accepts unchanged', () => {
    const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
    const field = <T>(good: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 19 }, { arbitrary: fc.anything(), weight: 1 });
    // Mostly valid fields, with near misses and anything at all now and then.
    const txLike = fc
      .record({
        chain: field(fc.oneof({ arbitrary: fc.string({ minLength: 1, maxLength: 64 }), weight: 9 }, fc.constantFrom('', 'x'.repeat(65)))),
        kind: field(fc.oneof({ arbitrary: fc.constantFrom('user.register', 'a.b', 'gov.propose.x', 'm1.doIt'), weight: 9 }, fc.constantFrom('A.b', 'x', 'a.', 'a.B', `a.${'b'.repeat(62)}`, `a.${'b'.repeat(63)}`))),
        payload: field(fc.oneof({ arbitrary: fc.dictionary(fc.string(), fc.jsonValue()), weight: 9 }, fc.constant(JSON.parse('{"__proto__":{"x":1}}')), fc.constant([]))),
        signer: field(fc.oneof({ arbitrary: hex(64), weight: 9 }, fc.constantFrom('ABCD', '', 'a'.repeat(130), 'a'.repeat(131)))),
        actor: field(fc.oneof({ arbitrary: fc.string({ minLength: 1, maxLength: 64 }), weight: 9 }, fc.constantFrom('', 'y'.repeat(65)))),
        nonce: field(fc.oneof({ arbitrary: fc.maxSafeNat(), weight: 9 }, fc.constantFrom(-1, 1.5, Number.MAX_SAFE_INTEGER + 1, -0, NaN))),
        time: field(fc.oneof({ arbitrary: fc.nat(), weight: 9 }, fc.constantFrom(-1, 0.5))),
        signature: field(fc.oneof({ arbitrary: hex(128), weight: 9 }, fc.constantFrom('g', '', 'b'.repeat(256), 'b'.repeat(257)))),
        extra: fc.anything(),
        withActor: fc.boolean(),
        withExtra: fc.integer({ min: 0, max: 9 }),
      })
      .map(({ withActor, withExtra, actor, extra, ...tx }) => ({ ...tx, ...(withActor ? { actor } : {}), ...(withExtra === 0 ? { extra } : {}) }));
    let accepted = 0;
    fc.assert(
      fc.property(txLike, (v) => {
        const parsed = Tx.safeParse(v);
        if (isPlainTx(v)) {
          accepted++;
          assert.ok(parsed.success, 'accepted something the schema refuses');
          assert.deepEqual(actual(v), actual(parsed.data));
        }
      }),
      { numRuns: 5000 },
    );
    assert.ok(accepted > 200, `only ${accepted} well-formed cases were tried`);
  });

  test('logRecordOf matches the LogRecord schema', () => {
    const cases: unknown[] = [
      { t: 'tx', tx: { a: 1 } },
      { t: 'tx', tx: null },
      { t: 'tx' },
      { t: 'tx', tx: 1, x: 2 },
      { t: 'cut', h: 3, by: 'market' },
      { t: 'sig', h: 0, hash: 'a'.repeat(64), dept: 'tax', sig: 'ab' },
      { t: 'sig', h: -1, hash: 'a', dept: 'tax', sig: 'ab' },
      null,
      [1],
      'tx',
      JSON.parse('{"t":"tx","tx":{},"__proto__":{}}'),
    ];
    for (const c of cases) {
      const r = LogRecord.safeParse(c);
      assert.deepEqual(logRecordOf(c), r.success ? r.data : undefined, JSON.stringify(c));
    }
  });
});
