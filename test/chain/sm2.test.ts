import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { suiteByName } from '../../server/chain/suites/index.ts';
import { SM2_CURVE, signWithK, sm2Digest, sm2Suite, sm3, Sm2Point, zValue } from '../../server/chain/suites/sm2.ts';
import { replayChain } from '../../server/chain/replay.ts';
import { assertSameFinalChain, createLocalNetwork, makeConsortium } from '../support/fixtures.ts';

const hex32 = (x: bigint) => x.toString(16).padStart(64, '0');
const N = SM2_CURVE.n;

// GM/T 0003.5-2012 (GB/T 32918.5-2017) appendix A.2: signature on the recommended curve.
const STD = {
  d: 0x3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8n,
  publicKey:
    '04' + '09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' + 'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13',
  message: Buffer.from('message digest'),
  z: 'b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3',
  e: 'f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640',
  k: 0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21n,
  r: 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3',
  s: 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
};

describe('SM3 (GB/T 32905-2016 appendix A)', () => {
  test('"abc"', () => assert.equal(sm3('abc').toString('hex'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'));
  test('"abcd" x 16', () => assert.equal(sm3('abcd'.repeat(16)).toString('hex'), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732'));
});

describe('SM2 signatures (GM/T 0003.2, example of GM/T 0003.5 A.2)', () => {
  test('the standard key, Z, digest and fixed-k signature', () => {
    assert.equal(sm2Suite.publicKeyOf(hex32(STD.d)), STD.publicKey);
    const P = Sm2Point.fromHex(STD.publicKey);
    assert.equal(zValue(P).toString('hex'), STD.z);
    const e = sm2Digest(P, STD.message);
    assert.equal(e.toString('hex'), STD.e);
    const sig = signWithK(STD.d, e, STD.k)!;
    assert.equal(hex32(sig.r), STD.r);
    assert.equal(hex32(sig.s), STD.s);
  });

  test("the standard's published signature verifies, and not on another message", () => {
    assert.equal(sm2Suite.verify(STD.publicKey, STD.message, STD.r + STD.s), true);
    assert.equal(sm2Suite.verify(STD.publicKey, Buffer.from('message digesT'), STD.r + STD.s), false);
  });

  test('round trips; signing is deterministic', () => {
    const kp = sm2Suite.generateKeyPair();
    assert.match(kp.publicKey, /^04[0-9a-f]{128}$/);
    const other = sm2Suite.generateKeyPair();
    for (const text of ['', 'tongban/tx/v1:abc', '通办'.repeat(100)]) {
      const msg = Buffer.from(text);
      const sig = sm2Suite.sign(kp.privateKey, msg);
      assert.match(sig, /^[0-9a-f]{128}$/);
      assert.equal(sm2Suite.sign(kp.privateKey, msg), sig);
      assert.equal(sm2Suite.verify(kp.publicKey, msg, sig), true);
      assert.equal(sm2Suite.verify(other.publicKey, msg, sig), false);
      assert.equal(sm2Suite.verify(kp.publicKey, Buffer.from(text + '.'), sig), false);
    }
  });

  test('r and s outside [1, n-1], and r + s = n, are rejected', () => {
    const good = STD.r + STD.s;
    const r = BigInt('0x' + STD.r);
    const cases = [
      hex32(0n) + STD.s,
      hex32(N) + STD.s,
      hex32(N + 1n) + STD.s, // 1 mod n: reduced, it would be a different (wrong) r, never accepted
      STD.r + hex32(0n),
      STD.r + hex32(N),
      STD.r + hex32(N - r), // t = r + s = n
    ];
    assert.equal(sm2Suite.verify(STD.publicKey, STD.message, good), true);
    for (const sig of cases) assert.equal(sm2Suite.verify(STD.publicKey, STD.message, sig), false, sig);
  });

  test('malformed keys and signatures do not verify, and never throw', () => {
    const good = STD.r + STD.s;
    const offCurve = STD.publicKey.slice(0, -1) + (STD.publicKey.endsWith('3') ? '4' : '3');
    const compressed = '03' + STD.publicKey.slice(2, 66);
    for (const [key, sig] of [
      [offCurve, good],
      [compressed, good],
      [STD.publicKey.toUpperCase(), good],
      ['04' + '0'.repeat(128), good],
      [STD.publicKey, good.toUpperCase()],
      [STD.publicKey, good.slice(2)],
      [STD.publicKey, 'zz' + good.slice(2)],
    ]) {
      assert.equal(sm2Suite.verify(key, STD.message, sig), false, `${key.slice(0, 8)} ${sig.slice(0, 8)}`);
    }
  });

  test('private keys outside [1, n-2] are refused', () => {
    for (const d of [0n, N - 1n, N]) assert.throws(() => sm2Suite.sign(hex32(d), STD.message));
  });
});

test('a four-department network runs on an SM2 genesis and verifies', async (t) => {
  const keys = makeConsortium(['market', 'tax', 'hrss', 'housing'], {}, { suite: 'sm2' });
  assert.equal(suiteByName(keys.genesis.suite).name, 'sm2');
  assert.ok(keys.genesis.members.every((m) => m.nodeKey.length === 130));
  const net = await createLocalNetwork(keys);
  try {
    const market = net.nodes.market;
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await market.submitAs('admin', 'user.register', { id: `u${i}`, name: `用户${i}`, role: 'approver' }, 'none')).id);
    const rejected = await net.nodes.tax.submitAs('admin', 'user.disable', { id: 'nobody' });
    assert.equal(rejected.receipt?.code, 'NOT_FOUND');
    const row = await market.waitFor(ids.at(-1)!, 'final');
    assert.equal(row.status, 'ok');
    await assertSameFinalChain(Object.values(net.nodes), row.height);
    const started = performance.now();
    const result = await replayChain(net.nodes.hrss.store, keys.genesis, buildRegistry([]));
    assert.ok(result.ok, JSON.stringify(result));
    t.diagnostic(`sm2 replay: ${result.ok && result.txs} txs in ${(performance.now() - started).toFixed(0)} ms`);
  } finally {
    await net.stop();
  }
});
