import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ed25519Suite } from '../../server/chain/suites/ed25519.ts';
import { verdictsAt, VerifyPool, type VerifyItem } from '../../server/chain/verifyPool.ts';

describe('signature verdicts from the worker pool in rounds', () => {
  const pool = new VerifyPool(2);
  after(() => pool.close());

  const key = ed25519Suite.generateKeyPair();
  const item = (i: number): VerifyItem => {
    const message = `tongban-tx:${i}`;
    return { signer: key.publicKey, message, signature: ed25519Suite.sign(key.privateKey, Buffer.from(message)) };
  };

  test('every verdict lands at its own place across rounds; bad signatures in any round are named', async () => {
    const items = Array.from({ length: 600 }, (_, i) => item(i));
    // One bad signature in each of the three rounds (256, 256, 88), at a round's first and last places too.
    const bad = new Set([0, 255, 256, 300, 599]);
    for (const i of bad) items[i] = { ...items[i], message: items[i].message + 'x' };
    const pending = pool.verifyInRounds(items);
    assert.equal(pending.length, items.length);
    assert.equal(new Set(pending.map((p) => p.round)).size, 3, 'three rounds for 600 signatures');
    // A block reads only its own places; the ones nobody asked the pool about stay undefined.
    const places = [pending[255], undefined, pending[256], pending[257], pending[599], undefined];
    assert.deepEqual(await verdictsAt(places), [false, undefined, false, true, false, undefined]);
    const all = await verdictsAt(pending);
    assert.deepEqual(all, items.map((_, i) => !bad.has(i)));
  });

  test('no signatures: no rounds, and no verdicts to wait for', async () => {
    assert.deepEqual(pool.verifyInRounds([]), []);
    assert.deepEqual(await verdictsAt([undefined, undefined]), [undefined, undefined]);
  });
});
