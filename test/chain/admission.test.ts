import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { preflight, submitChecked } from '../../server/chain/preflight.ts';
import { ContractRegistry } from '../../server/chain/registry.ts';
import { userRegister } from '../../server/chain/contracts/users.ts';
import { signTx } from '../../server/chain/tx.ts';
import { checkTx } from '../../server/chain/txRules.ts';
import type { Platform } from '../../server/platform.ts';
import { startTestPlatform } from '../support/platform.ts';

/**
 * One door before ordering: the routes' dry run (preflight) is the submission's own admission
 * with the contract's check added, and writes and orders nothing; nonce and time rules are the
 * executor's own.
 */
describe('admission: one door before ordering', () => {
  let p: Platform;
  const node = () => p.node('market');
  const lastOffset = async () => Number((await node().store.head())!.lastOffset);
  const settle = () => new Promise((r) => setTimeout(r, 80));

  before(async () => {
    p = await startTestPlatform({ depts: ['market', 'tax', 'hrss', 'housing'] });
  });
  after(() => p.stop());

  test('the dry run runs the contract’s own check and orders nothing', async () => {
    const before = await lastOffset();
    await assert.rejects(preflight(node(), node().signAs('admin', 'user.register', { id: 'aud1', name: '审计', role: 'auditor' })), (e: any) => e.code === 'AUDITOR_OUTSIDE_AUDIT' && e.status === 403);
    const good = node().signAs('admin', 'user.register', { id: 'dry1', name: '试', role: 'approver' });
    const { id } = await preflight(node(), good);
    await settle();
    assert.equal(await lastOffset(), before, 'nothing reached the log');
    assert.equal(await node().store.tx(id), undefined);
  });

  test('the dry run applies the nonce and time rules of execution', async () => {
    const { signature: _, ...unsigned } = node().signAs('admin', 'user.register', { id: 'late1', name: '迟', role: 'approver' });
    const privateKey = (node() as unknown as { privateKey: string }).privateKey;
    const dayAgo = signTx({ ...unsigned, time: unsigned.time - 86_400_000 }, privateKey, node().suite);
    await assert.rejects(preflight(node(), dayAgo), (e: any) => e.code === 'TX_EXPIRED' && /clock of the signing device/.test(e.message));
    const row = await submitChecked(node(), node().signAs('admin', 'user.register', { id: 'once1', name: '一', role: 'approver' }));
    await assert.rejects(preflight(node(), JSON.parse(row.raw)), (e: any) => e.code === 'NONCE_REUSED' && e.status === 409);
  });

  test('a route’s checked submission verifies the signature once, not once for the check and once to order', async () => {
    const suite = node().suite as { verify: (k: string, m: Uint8Array, s: string) => boolean };
    const tx = node().signAs('admin', 'user.register', { id: 'sig1', name: '签', role: 'approver' });
    const original = suite.verify;
    let calls = 0;
    suite.verify = function (k, m, s) {
      if (s === tx.signature) calls++;
      return original.call(this, k, m, s);
    };
    try {
      const row = await submitChecked(node(), tx);
      assert.equal(row.status, 'ok');
      assert.equal(calls, 1);
    } finally {
      suite.verify = original;
    }
  });
});

describe('txRules: the rules admission and execution share', () => {
  const registry = new ContractRegistry([userRegister]);
  const tx = { chain: 'c', kind: 'user.register', payload: {}, signer: 'ab', nonce: 5, time: 1_000_000, signature: 'cd' };
  const base = { registry, ttlMs: 1000, get: async () => undefined, nonceUsed: () => false };

  test('nonce before time, and the time named after its clock', () => {
    assert.throws(() => checkTx(tx, { ...base, time: 0, clock: 'block', nonceUsed: () => true }), (e: any) => e.code === 'NONCE_REUSED');
    assert.throws(() => checkTx(tx, { ...base, time: 0, clock: 'block' }), (e: any) => e.code === 'TX_EXPIRED' && /block time/.test(e.message));
    assert.throws(() => checkTx(tx, { ...base, time: 0, clock: 'node' }), (e: any) => e.code === 'TX_EXPIRED' && /signing device/.test(e.message));
  });

  test('a fresh transaction is reported fresh before its signer is looked up, whatever follows', async () => {
    let fresh = 0;
    await assert.rejects(checkTx(tx, { ...base, time: tx.time, clock: 'block', fresh: () => fresh++ }), (e: any) => e.code === 'UNKNOWN_SIGNER');
    assert.equal(fresh, 1);
    assert.throws(() => checkTx({ ...tx, kind: 'no.such' }, { ...base, time: tx.time, clock: 'block', fresh: () => fresh++ }), (e: any) => e.code === 'UNKNOWN_KIND');
    assert.equal(fresh, 2);
  });
});
