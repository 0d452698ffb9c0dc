import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openDb } from '../../server/chain/store/openDb.ts';
import { makeConsortium, waitForHeight } from '../support/fixtures.ts';
import { startMariaDb, type MariaDb } from '../../deploy/mariadb.ts';
import { createNetwork, type Network } from '../support/network.ts';

/**
 * Reads from outside block execution (routes through node.view(), batch reads such as a payment
 * run's parties) run on the pool's other connections while a block commits. Whatever order
 * their replies come back in, the blocks a node executes afterwards must see the block's
 * writes: its headers must stay those of a node nobody reads from.
 */
let server: MariaDb;
let net: Network;
before(async () => {
  server = await startMariaDb();
  net = await createNetwork(makeConsortium(['market', 'tax']), { db: async (dept) => openDb({ client: 'mysql', connection: await server.createDatabase(dept) }) });
});
after(async () => {
  await net?.stop();
  await server?.stop();
});

test('hard reads while blocks commit leave every header equal to a second node', async () => {
  const { market, tax } = net.nodes;
  const ROUNDS = 12;
  const PER_ROUND = 120;
  // A key is read from the database only until something caches it, so the race needs first
  // reads of the very keys a block writes, spread across the moment that block commits.
  const queue: string[] = [];
  let reading = true;
  let reads = 0;
  const reader = async (n: number) => {
    while (reading) {
      const k = queue.shift();
      if (k !== undefined) {
        if (n % 2) await market.store.getMany([k]);
        else await market.view().get(k);
        reads++;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const readers = Array.from({ length: 6 }, (_, i) => reader(i));

  let lastHeight = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const ids = Array.from({ length: PER_ROUND }, (_, i) => `r${round}u${i}`);
      const registered = await market.submitMany(ids.map((id) => market.signAs(undefined, 'user.register', { id, name: '读写', role: 'clerk' })));
      queue.push(...ids.map((id) => `user/market/${id}`));
      for (const { id } of registered) assert.equal((await market.waitFor(id, 'receipt')).status, 'ok');
      // Executed against what the register block wrote: a stale "absent" in the cache says NOT_FOUND.
      const disabled = await market.submitMany(ids.map((id) => market.signAs('admin', 'user.disable', { id })));
      for (const { id } of disabled) {
        const row = await market.waitFor(id, 'receipt');
        assert.equal(row.status, 'ok', `round ${round}: ${row.code} ${row.reason}`);
        lastHeight = Math.max(lastHeight, row.height);
      }
    }
  } finally {
    reading = false;
    await Promise.all(readers);
  }
  assert.ok(reads > ROUNDS * PER_ROUND / 2, `only ${reads} reads`);

  await waitForHeight([market, tax], lastHeight);
  for (let h = 1; h <= lastHeight; h++) {
    const [a, b] = await Promise.all([market.store.blockByHeight(h), tax.store.blockByHeight(h)]);
    assert.equal(a!.hash, b!.hash, `height ${h}`);
  }
  assert.equal(market.isHalted || tax.isHalted, false);
  assert.equal((await tax.view().get<{ active: boolean }>(`user/market/r${ROUNDS - 1}u0`))?.active, false);
});

test('a read from outside never decides what block execution reads next', async () => {
  const { market } = net.nodes;
  const key = 'user/market/crossed';
  // The reply to a read issued before a block's commit, handled after it, carries the old
  // value; here the database moves on behind the read instead, with the same effect if the read
  // had been remembered.
  assert.equal(await market.view().get(key), undefined);
  assert.deepEqual(await market.store.getMany([key]), new Map());
  await market.db('state').insert({ k: key, v: '{"id":"crossed"}' });
  try {
    assert.equal(await market.store.execution.get(key), '{"id":"crossed"}');
  } finally {
    await market.db('state').where({ k: key }).delete();
  }
});
