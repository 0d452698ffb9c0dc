import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { canonicalJson } from '../../server/chain/canonical.ts';
import { sha256Hex } from '../../server/chain/hash.ts';
import { txRootOf } from '../../server/chain/header.ts';
import { merkleRoot, merkleRootV2, receiptLeaf, receiptLeafV2 } from '../../server/chain/merkle.ts';
import { suiteByName } from '../../server/chain/suites/index.ts';
import { leafHash, leafText, nodeHash, proofOf, rootFromProof, rootOf } from '../../shared/verify/merkleProof.ts';
import { verifySignature } from '../../shared/verify/signatures.ts';
import { sm3 } from '../../shared/verify/sm3.ts';

const leaves = (n: number, version: number) => Array.from({ length: n }, (_, i) => leafHash(`leaf-${i}`, version));
const SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17, 31, 33, 100, 1000];

describe('inclusion proofs', () => {
  for (const version of [1, 2]) {
    test(`version ${version}: the root of the proof code is the chain's root, for odd sizes, 1 leaf and many`, () => {
      for (const n of SIZES) {
        const l = leaves(n, version);
        assert.equal(rootOf(l, version), version >= 2 ? merkleRootV2(l) : merkleRoot(l), `n=${n}`);
      }
    });

    test(`version ${version}: every leaf's proof leads to the root, and only from its own index`, () => {
      for (const n of SIZES) {
        const l = leaves(n, version);
        const root = rootOf(l, version);
        const step = n > 100 ? 37 : 1;
        for (let i = 0; i < n; i += step) {
          const p = proofOf(l, i, version);
          assert.ok(p.path.length <= Math.ceil(Math.log2(n)), 'at most one sibling a level');
          assert.equal(rootFromProof(l[i], p, version), root, `n=${n} i=${i}`);
          if (n > 1) {
            assert.notEqual(rootFromProof(l[(i + 1) % n], p, version), root, 'another leaf with this path');
            assert.notEqual(rootFromProof(l[i], { ...p, index: (i + 1) % n }, version), root, 'this leaf claimed at another index');
            assert.notEqual(rootFromProof(l[i], { ...p, path: p.path.slice(0, -1) }, version), root, 'a path cut short');
          }
        }
      }
    });
  }

  test('version 2 leaves and nodes are domain-separated as RFC 6962: an inner node is no leaf', () => {
    const l = leaves(4, 2);
    const inner = nodeHash(l[0], l[1], 2);
    assert.equal(inner, createHash('sha256').update(Buffer.concat([Buffer.of(1), Buffer.from(l[0], 'hex'), Buffer.from(l[1], 'hex')])).digest('hex'));
    assert.equal(leafHash('x', 2), createHash('sha256').update(Buffer.from('\x00x', 'latin1')).digest('hex'));
    // In version 1 a two-leaf subtree can be presented as one leaf of a shorter tree; in version 2 it cannot.
    const v1 = leaves(4, 1);
    const v1Inner = nodeHash(v1[0], v1[1], 1);
    assert.equal(rootFromProof(v1Inner, { index: 0, size: 2, path: [nodeHash(v1[2], v1[3], 1)] }, 1), rootOf(v1, 1));
    assert.notEqual(leafHash('anything', 2), inner);
  });

  test('receipt leaves match merkle.ts and the header root, in both versions', () => {
    const receipts = [
      { txId: sha256Hex('a'), status: 'ok' as const, code: undefined, events: [{ type: 'x', data: { n: 1 } }] },
      { txId: sha256Hex('b'), status: 'rejected' as const, code: 'NOT_FOUND', events: [] },
      { txId: sha256Hex('c'), status: 'ok' as const, code: undefined, events: [] },
    ];
    for (const version of [1, 2]) {
      const mine = receipts.map((r) => leafHash(leafText(r.txId, r.status, r.code, sha256Hex(canonicalJson(r.events))), version));
      assert.deepEqual(mine, receipts.map((r) => (version >= 2 ? receiptLeafV2 : receiptLeaf)(r.txId, r.status, r.code, r.events)));
      assert.equal(rootOf(mine, version), txRootOf(receipts, version));
    }
    assert.notEqual(txRootOf(receipts, 1), txRootOf(receipts, 2));
  });
});

describe('the verifier\'s own cryptography', () => {
  test('SM3 matches node:crypto on empty, short, block-sized and long inputs', () => {
    for (const s of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'abcd'.repeat(16), '通办'.repeat(500)]) {
      assert.equal(Buffer.from(sm3(Buffer.from(s))).toString('hex'), createHash('sm3').update(s).digest('hex'), JSON.stringify(s.slice(0, 10)));
    }
    // GB/T 32905 example 1
    assert.equal(Buffer.from(sm3(Buffer.from('abc'))).toString('hex'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  for (const name of ['ed25519', 'sm2'] as const) {
    test(`${name}: a signature of the chain's suite verifies, a changed message or key does not`, () => {
      const suite = suiteByName(name);
      const k = suite.generateKeyPair();
      const other = suite.generateKeyPair();
      const msg = `tongban/block/v1:chain:7:${sha256Hex('h')}`;
      const sig = suite.sign(k.privateKey, Buffer.from(msg));
      assert.ok(verifySignature(name, k.publicKey, msg, sig));
      assert.ok(!verifySignature(name, k.publicKey, msg + 'x', sig));
      assert.ok(!verifySignature(name, other.publicKey, msg, sig));
      assert.ok(!verifySignature(name, k.publicKey, msg, sig.slice(0, -2) + (sig.endsWith('00') ? '01' : '00')));
    });
  }
});
