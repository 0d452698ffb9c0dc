import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLocalNetwork, makeConsortium, waitForHeight } from '../support/fixtures.ts';

test('four departments on the local log reach identical, final blocks', async () => {
  const keys = makeConsortium();
  const net = await createLocalNetwork(keys);
  try {
    const market = net.nodes.market;
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { id } = await market.submit(market.signAs(undefined, 'user.register', { id: `u${i}`, name: `用户${i}`, role: 'approver' }));
      ids.push(id);
    }
    const row = await market.waitFor(ids[19], 'final');
    assert.equal(row.status, 'ok');
    const all = Object.values(net.nodes);
    await waitForHeight(all, row.height, { final: true });
    for (let h = 1; h <= row.height; h++) {
      const hashes = new Set(await Promise.all(all.map(async (n) => (await n.store.blockByHeight(h))!.hash)));
      assert.equal(hashes.size, 1, `height ${h} differs between nodes`);
    }
    const user = await net.nodes.tax.view().get<{ role: string }>('user/market/u7');
    assert.equal(user?.role, 'approver');
  } finally {
    await net.stop();
  }
});
