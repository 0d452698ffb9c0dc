import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commit, enterpriseField, fieldId, isCreditCode, packInterval, poseidonHash, randomSalt, unpackInterval } from '../../server/privacy-query/zk/commitment.ts';
import { FIELD_ORDER, parseFieldElement, queryIdLimbs, toU64 } from '../../server/privacy-query/zk/field.ts';
import { IndexedSet } from '../../server/privacy-query/zk/indexedSet.ts';
import { evaluate, parsePredicate } from '../../server/privacy-query/zk/predicates.ts';
import { P, U64, commitmentVectors, predicateCases } from './support.ts';

const code = (e: unknown) => (e as { code?: string }).code;
const rejectsWith = (fn: () => unknown, expected: string) => assert.throws(fn, (e) => code(e) === expected, `expected ${expected}`);

describe('commitment reference', () => {
  test('Poseidon matches the circomlib reference vector', async () => {
    for (const v of commitmentVectors.poseidon) assert.equal(await poseidonHash(v.inputs.map(BigInt)), BigInt(v.out));
    assert.equal(FIELD_ORDER, P);
  });

  test('openings give the vectors’ field elements and commitments', async () => {
    for (const o of commitmentVectors.openings) {
      assert.equal(enterpriseField(o.enterprise), BigInt(o.enterpriseField), o.note);
      assert.equal(fieldId(o.field), BigInt(o.fieldId), o.note);
      const c = await commit({ enterprise: o.enterprise, field: o.field, period: BigInt(o.period), value: BigInt(o.value), salt: BigInt(o.salt) });
      assert.equal(c, BigInt(o.commitment), o.note);
    }
  });

  test('credit codes are checked (GB 32100-2015 check character) and fit in 144 bits', () => {
    assert.ok(isCreditCode('91350100M000100Y43'));
    assert.ok(!isCreditCode('91350100M000100Y44'));
    assert.ok(!isCreditCode('91350100M000100Y4'));
    assert.ok(!isCreditCode('91350100I000100Y43'));
    rejectsWith(() => enterpriseField('91350100M000100Y44'), 'ZK_BAD_CREDIT_CODE');
    for (const o of commitmentVectors.openings) assert.ok(enterpriseField(o.enterprise) < 1n << 144n);
  });

  test('commit enforces the circuit bounds', async () => {
    const o = { enterprise: '91350100M000100Y43', field: 'tax.paid', period: 2025n, value: 1n, salt: 1n };
    await assert.rejects(commit({ ...o, value: U64 }), (e) => code(e) === 'ZK_OUT_OF_RANGE');
    await assert.rejects(commit({ ...o, value: -1n }), (e) => code(e) === 'ZK_OUT_OF_RANGE');
    await assert.rejects(commit({ ...o, period: U64 }), (e) => code(e) === 'ZK_OUT_OF_RANGE');
    await assert.rejects(commit({ ...o, salt: P }), (e) => code(e) === 'ZK_NOT_FIELD_ELEMENT');
    await assert.rejects(commit({ ...o, field: 'Tax paid' }), (e) => code(e) === 'ZK_BAD_FIELD');
  });

  test('salts are uniform field elements', () => {
    const salts = new Set(Array.from({ length: 200 }, () => randomSalt()));
    assert.equal(salts.size, 200);
    for (const s of salts) assert.ok(s >= 0n && s < P);
    assert.ok([...salts].some((s) => s > P / 2n));
  });

  test('validity intervals pack into one 64-bit figure and back', () => {
    const v = packInterval(20200101, 20291231);
    assert.deepEqual(unpackInterval(v), { validFrom: 20200101, validTo: 20291231 });
    assert.equal(packInterval(2 ** 32 - 1, 2 ** 32 - 1), U64 - 1n);
    rejectsWith(() => packInterval(2 ** 32, 0), 'ZK_OUT_OF_RANGE');
    rejectsWith(() => packInterval(0, -1), 'ZK_OUT_OF_RANGE');
  });
});

describe('field helpers', () => {
  test('query ids split into two 128-bit limbs', () => {
    const { queryIdHi, queryIdLo } = queryIdLimbs('ff'.repeat(16) + '00'.repeat(15) + '01');
    assert.equal(queryIdHi, (1n << 128n) - 1n);
    assert.equal(queryIdLo, 1n);
    rejectsWith(() => queryIdLimbs('AB'.repeat(32)), 'ZK_BAD_QUERY_ID');
    rejectsWith(() => queryIdLimbs('ab'.repeat(31)), 'ZK_BAD_QUERY_ID');
  });

  test('field elements must be canonical and below p', () => {
    assert.equal(parseFieldElement((P - 1n).toString()), P - 1n);
    for (const bad of [P.toString(), (P + 5n).toString(), '-1', '01', '0x10', ' 1', '', 1 as unknown]) rejectsWith(() => parseFieldElement(bad), 'ZK_NOT_FIELD_ELEMENT');
  });

  test('u64 bounds', () => {
    assert.equal(toU64('18446744073709551615'), U64 - 1n);
    for (const bad of ['18446744073709551616', -1, 1.5, '1e3', U64, Number.MAX_SAFE_INTEGER + 2]) rejectsWith(() => toU64(bad), 'ZK_OUT_OF_RANGE');
  });
});

describe('predicates', () => {
  test('the reference answers match the vectors', async () => {
    for (const c of predicateCases) {
      const o = commitmentVectors.openings[c.opening];
      const set = c.set ? await IndexedSet.build(c.set) : undefined;
      assert.equal(evaluate(parsePredicate(c.predicate), BigInt(o.value), set), c.answer, c.name);
    }
  });

  test('bounds the circuits leave to the caller are refused with codes', () => {
    const cases: [unknown, string][] = [
      [{ kind: 'gte', params: { threshold: U64.toString() } }, 'ZK_OUT_OF_RANGE'],
      [{ kind: 'lte', params: { threshold: '-1' } }, 'ZK_OUT_OF_RANGE'],
      [{ kind: 'eq', params: { target: (P - 1n).toString() } }, 'ZK_OUT_OF_RANGE'],
      [{ kind: 'range', params: { lower: '10', upper: '9' } }, 'ZK_BAD_RANGE'],
      [{ kind: 'range', params: { lower: '0', upper: U64.toString() } }, 'ZK_OUT_OF_RANGE'],
      [{ kind: 'dateValid', params: { date: 20260230 } }, 'ZK_BAD_DATE'],
      [{ kind: 'dateValid', params: { date: 2 ** 32 } }, 'ZK_BAD_DATE'],
      [{ kind: 'inSet', params: { setRoot: P.toString() } }, 'ZK_NOT_FIELD_ELEMENT'],
      [{ kind: 'gte', params: { threshold: 1.5 } }, 'ZK_BAD_PREDICATE'],
      [{ kind: 'gte', params: { threshold: '1', extra: '2' } }, 'ZK_BAD_PREDICATE'],
      [{ kind: 'between', params: {} }, 'ZK_BAD_PREDICATE'],
    ];
    for (const [input, expected] of cases) rejectsWith(() => parsePredicate(input), expected);
    assert.deepEqual(parsePredicate({ kind: 'range', params: { lower: 5, upper: '5' } }).params, { lower: 5n, upper: 5n });
  });

  test('set predicates need the very set the query names', async () => {
    const set = await IndexedSet.build([1, 2, 3]);
    const other = await IndexedSet.build([1, 2]);
    const p = parsePredicate({ kind: 'inSet', params: { setRoot: set.root.toString() } });
    assert.equal(evaluate(p, 2n, set), true);
    rejectsWith(() => evaluate(p, 2n, other), 'ZK_SET_MISMATCH');
    rejectsWith(() => evaluate(p, 2n), 'ZK_SET_MISMATCH');
  });
});

describe('indexed set', () => {
  test('witnesses bracket the value; duplicates and order do not change the root', async () => {
    const set = await IndexedSet.build(['300', 5n, 20, 20]);
    assert.equal(set.root, (await IndexedSet.build([5, 20, 300])).root);
    assert.deepEqual(set.elements, [5n, 20n, 300n]);
    const member = set.witness(20n);
    assert.deepEqual([member.leafKey, member.leafNext], [21n, 301n]);
    const below = set.witness(0n);
    assert.deepEqual([below.leafKey, below.leafNext], [0n, 6n]);
    const above = set.witness(U64 - 1n);
    assert.deepEqual([above.leafKey, above.leafNext], [301n, U64 + 1n]);
    assert.equal(member.pathElements.length, 20);
  });

  test('elements outside [0, 2^64) are refused', async () => {
    await assert.rejects(IndexedSet.build([U64]), (e) => code(e) === 'ZK_OUT_OF_RANGE');
    await assert.rejects(IndexedSet.build([-1]), (e) => code(e) === 'ZK_OUT_OF_RANGE');
  });
});
