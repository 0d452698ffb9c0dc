import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSameFinalChain, createLocalNetwork, makeConsortium } from '../support/fixtures.ts';

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
    await assertSameFinalChain(Object.values(net.nodes), row.height);
    const user = await net.nodes.tax.view().get<{ role: string }>('user/market/u7');
    assert.equal(user?.role, 'approver');
  } finally {
    await net.stop();
  }
});
