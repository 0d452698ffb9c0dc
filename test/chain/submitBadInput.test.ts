import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { canonicalJson } from '../../server/chain/canonical.ts';
import { ed25519Suite } from '../../server/chain/suites/ed25519.ts';
import { signTx } from '../../server/chain/tx.ts';
import type { Platform } from '../../server/platform.ts';
import { startTestPlatform } from '../support/platform.ts';

/**
 * Every way a submission can be wrong gets a 4xx with a code a person can act on, and
 * nothing reaches the log or the database.
 */
describe('submitting a transaction: bad input changes nothing', () => {
  let p: Platform;
  let http: ReturnType<typeof request>;
  let logLength: () => Promise<number>;
  const node = () => p.node('market');

  before(async () => {
    p = await startTestPlatform({ depts: ['market', 'tax', 'hrss', 'housing'] });
    http = request(p.app.callback());
    logLength = async () => Number((await node().store.head())!.lastOffset);
  });
  after(() => p.stop());

  const good = () => node().signAs('admin', 'user.register', { id: 'newuser', name: '新用户', role: 'approver' });

  async function expectRejected(body: unknown, status: number, code: string, raw?: string) {
    const before = await node().db('txs').count({ n: '*' }).first();
    const req = http.post('/market/api/tx').set('content-type', 'application/json');
    const res = await req.send(raw ?? JSON.stringify(body));
    assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(res.body.code, code);
    assert.ok(typeof res.body.message === 'string' && res.body.message.length > 5, 'a message a person can read');
    // Give any wrongly ordered record time to be cut into a block, then check nothing landed.
    await new Promise((r) => setTimeout(r, 60));
    const afterCount = await node().db('txs').count({ n: '*' }).first();
    assert.deepEqual(afterCount, before, 'nothing written');
  }

  test('a good transaction is accepted (control)', async () => {
    const res = await http.post('/market/api/tx?wait=receipt').send(good()).expect(200);
    assert.equal(res.body.receipt.status, 'ok');
  });

  test('forged signature', async () => {
    const tx = good();
    const other = ed25519Suite.generateKeyPair();
    const forged = { ...tx, signature: signTx({ ...tx, signature: undefined } as any, other.privateKey, ed25519Suite).signature };
    await expectRejected(forged, 401, 'BAD_SIGNATURE');
  });

  test('payload changed after signing', async () => {
    const tx = good();
    await expectRejected({ ...tx, payload: { ...tx.payload, role: 'admin' } }, 401, 'BAD_SIGNATURE');
  });

  test('wrong chain id', async () => {
    const kp = ed25519Suite.generateKeyPair();
    const tx = signTx({ chain: 'other-chain', kind: 'user.register', payload: {}, signer: kp.publicKey, nonce: 1, time: Date.now() }, kp.privateKey, ed25519Suite);
    await expectRejected(tx, 400, 'WRONG_CHAIN');
  });

  test('reused nonce', async () => {
    const tx = good();
    await http.post('/market/api/tx?wait=receipt').send(tx).expect(200);
    // Re-sending the very same signed transaction is the canonical replay.
    await expectRejected(tx, 409, 'NONCE_REUSED');
  });

  test('malformed key and non-canonical (uppercase) signature', async () => {
    const tx = good();
    await expectRejected({ ...tx, signer: tx.signer.slice(2) }, 400, 'MALFORMED_KEY');
    await expectRejected({ ...tx, signature: tx.signature.toUpperCase() }, 400, 'MALFORMED_TX');
    await expectRejected({ ...tx, signature: tx.signature.slice(4) }, 400, 'MALFORMED_SIGNATURE');
  });

  test('non-canonical signature: S + L (malleated) does not verify', async () => {
    const tx = good();
    const sig = Buffer.from(tx.signature, 'hex');
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]);
    const s2 = s + L;
    for (let i = 0; i < 32; i++) sig[32 + i] = Number((s2 >> BigInt(8 * i)) & 0xffn);
    await expectRejected({ ...tx, signature: sig.toString('hex') }, 401, 'BAD_SIGNATURE');
  });

  test('unknown kind', async () => {
    const tx = node().signAs('admin', 'nothing.here', {});
    await expectRejected(tx, 400, 'UNKNOWN_KIND');
  });

  test('kind not allowed for the role', async () => {
    // approver1 exists in market (demo staff) but is not an administrator
    const tx = node().signAs('approver1', 'user.register', { id: 'sneaky', name: '越权', role: 'admin' });
    await expectRejected(tx, 403, 'FORBIDDEN_KIND');
  });

  test('unknown signer and unknown actor', async () => {
    const kp = ed25519Suite.generateKeyPair();
    const tx = signTx({ chain: node().genesis.chain, kind: 'user.register', payload: { id: 'x1', name: 'x', role: 'approver' }, signer: kp.publicKey, nonce: 1, time: Date.now() }, kp.privateKey, ed25519Suite);
    await expectRejected(tx, 403, 'UNKNOWN_SIGNER');
    await expectRejected(node().signAs('nobody', 'user.register', { id: 'x2', name: 'x', role: 'approver' }), 403, 'UNKNOWN_ACTOR');
  });

  test('bad payload for the kind', async () => {
    await expectRejected(node().signAs('admin', 'user.register', { id: 'UPPER CASE', name: '', role: 'king' }), 400, 'BAD_PAYLOAD');
  });

  test('oversized transaction', async () => {
    const tx = node().signAs('admin', 'user.register', { id: 'big', name: 'x'.repeat(70_000), role: 'approver' });
    await expectRejected(tx, 413, 'TX_TOO_LARGE');
  });

  test('oversized body', async () => {
    await expectRejected(undefined, 413, 'BODY_TOO_LARGE', JSON.stringify({ pad: 'x'.repeat(9 * 1024 * 1024) }));
  });

  test('malformed JSON', async () => {
    await expectRejected(undefined, 400, 'MALFORMED_JSON', '{"chain": "test-chain", ');
  });

  test('a float or non-canonical value in the payload', async () => {
    const tx = good();
    await expectRejected({ ...tx, payload: { ...tx.payload, amount: 1.5 } }, 400, 'NOT_CANONICAL');
  });

  test('canonical JSON is what is signed (key order does not matter)', () => {
    assert.equal(canonicalJson({ b: 1, a: [2, { d: 1, c: 'x' }] }), '{"a":[2,{"c":"x","d":1}],"b":1}');
  });
});
