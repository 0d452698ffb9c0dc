import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { canonicalJson } from '../../server/chain/canonical.ts';
import { ed25519Suite } from '../../server/chain/suites/ed25519.ts';
import { sha256Hex } from '../../server/chain/hash.ts';
import { signTx, txId } from '../../server/chain/tx.ts';
import { VerifyPool } from '../../server/chain/verifyPool.ts';
import { createLocalNetwork, makeConsortium, waitForHeight } from '../support/fixtures.ts';

/**
 * The log is not trusted: anyone with broker access could append to it. Records that bypass
 * the HTTP checks must be rejected inside their block, identically on every node, never
 * silently dropped and never applied. The nodes here verify through the worker pool.
 */
describe('records appended straight to the log', () => {
  const keys = makeConsortium(['market', 'tax', 'hrss', 'housing']);
  const pool = new VerifyPool(2);
  let net: Awaited<ReturnType<typeof createLocalNetwork>>;
  before(async () => {
    net = await createLocalNetwork(keys, () => [], { verifyPool: pool });
  });
  after(async () => {
    await net.stop();
    await pool.close();
  });

  test('forged, garbage and duplicate records each get one receipt and change no state', async () => {
    const market = net.nodes.market;
    const good = Array.from({ length: 40 }, (_, i) => market.signAs(undefined, 'user.register', { id: `ok${i}`, name: '正常', role: 'approver' }));
    const attacker = ed25519Suite.generateKeyPair();
    // Claims the market node as signer but is signed by someone else.
    const forged = { ...market.signAs(undefined, 'user.register', { id: 'forged', name: '伪造', role: 'admin' }) };
    forged.signature = signTx({ ...forged, signature: undefined } as any, attacker.privateKey, ed25519Suite).signature;
    const records = [
      ...good.slice(0, 20).map((tx) => canonicalJson({ t: 'tx', tx })),
      canonicalJson({ t: 'tx', tx: forged }),
      'this is not json',
      canonicalJson({ t: 'tx', tx: good[3] }), // a duplicate of an earlier record
      ...good.slice(20).map((tx) => canonicalJson({ t: 'tx', tx })),
    ];
    await net.log.append(records.map((r) => Buffer.from(r)));
    const last = await market.waitFor(txId(good[39]), 'final');
    const nodes = Object.values(net.nodes);
    await waitForHeight(nodes, last.height);

    const forgedRecord = canonicalJson({ t: 'tx', tx: forged });
    const forgedRow = await market.store.tx(sha256Hex(forgedRecord));
    assert.equal(forgedRow?.status, 'rejected', 'a broken record is receipted under the hash of its bytes');
    assert.equal(forgedRow?.code, 'BAD_SIGNATURE');
    assert.equal(await market.view().get('user/market/forged'), undefined);

    const rows = await market.db('txs').select('id', 'status', 'code', 'log_offset');
    assert.equal(rows.filter((r: any) => r.id === txId(good[3])).length, 1, 'duplicate receipted once');
    assert.equal(Number(rows.find((r: any) => r.id === txId(good[3]))!.log_offset), (await market.store.tx(txId(good[3])))!.offset);
    assert.ok(rows.some((r: any) => r.code === 'MALFORMED_TX'), 'garbage stays visible as a rejected record');
    assert.equal(rows.filter((r: any) => r.status === 'ok').length, 40);

    assert.equal(await market.store.tx(txId(forged)), undefined, 'the forgery claims no id');
    for (const n of nodes) assert.equal((await n.store.blockByHeight(last.height))!.hash, (await market.store.blockByHeight(last.height))!.hash);
  });
});

describe('a broken copy logged before the genuine transaction', () => {
  test('does not shadow it: the genuine one is still applied', async () => {
    const keys = makeConsortium(['market', 'tax', 'hrss', 'housing']);
    const net = await createLocalNetwork(keys);
    try {
      const market = net.nodes.market;
      const genuine = market.signAs(undefined, 'user.register', { id: 'real', name: '真', role: 'approver' });
      const broken = { ...genuine, signature: genuine.signature.replace(/^./, (c) => (c === '0' ? '1' : '0')) };
      await net.log.append([Buffer.from(canonicalJson({ t: 'tx', tx: broken }))]);
      await market.submit(genuine);
      const row = await market.waitFor(txId(genuine), 'receipt');
      assert.equal(row.status, 'ok');
      assert.equal((await market.view().get<{ role: string }>('user/market/real'))?.role, 'approver');
    } finally {
      await net.stop();
    }
  });
});
