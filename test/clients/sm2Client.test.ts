import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startClientWorld, type ClientWorld } from './support.ts';

let w: ClientWorld;
before(async () => {
  w = await startClientWorld({ suite: 'sm2' });
});
after(() => w.stop());

test('on an SM2 chain a client signs with its SM2 key: submit, signed feed reads and the offline inclusion check', async () => {
  const { sdk, keys } = await w.client('gm', { events: ['note.made'] });
  assert.equal(keys.publicKey.length, 130);
  const sent = await sdk.submit('note.make', { text: '国密' }, { ref: 'GM-1' });
  assert.equal(sent.receipt.status, 'ok');
  const proof = await sdk.waitFinal(sent.id, { timeoutMs: 30_000, pollMs: 100 });
  assert.equal(proof.receipt.id, sent.id);
  const events = [];
  for await (const e of sdk.events({ follow: false })) events.push(e);
  assert.deepEqual(events.map((e) => e.txId), [sent.id]);
  assert.equal((await sdk.verifyInclusion(events[0])).height, events[0].height);
});
