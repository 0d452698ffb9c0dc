import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockTime, isValidBlockTime } from '../../server/chain/blockTime.ts';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { DEFAULT_LIMITS } from '../../server/chain/genesis.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { txId } from '../../server/chain/tx.ts';
import { replayChain } from '../../server/chain/replay.ts';
import { makeConsortium, waitForHeight } from '../support/fixtures.ts';
import { createNetwork } from '../support/network.ts';

const STEP = 10 * 60 * 1000;

test('block time follows the log, never goes back, and moves at most the genesis step', () => {
  const limits = { ...DEFAULT_LIMITS, maxBlockTimeStepMs: STEP };
  assert.equal(blockTime(1_000, 500, limits), 1_000);
  assert.equal(blockTime(400, 500, limits), 500, 'a lagging producer clock does not turn time back');
  assert.equal(blockTime(500 + 30 * 86_400_000, 500, limits), 500 + STEP);
  assert.equal(blockTime(500 + 30 * 86_400_000, 500, DEFAULT_LIMITS), 500 + 30 * 86_400_000, 'no limit in the genesis: as before');
  assert.ok(isValidBlockTime(500 + STEP, 500, limits));
  assert.ok(!isValidBlockTime(501 + STEP, 500, limits));
  assert.ok(!isValidBlockTime(499, 500, DEFAULT_LIMITS));
});

test('a log timestamp a month ahead moves block time by one step per block, and the chain replays', async () => {
  const keys = makeConsortium(['market', 'tax', 'hrss', 'housing'], { maxBlockTimeStepMs: STEP });
  let now = Date.now();
  const log = new LocalLog(':memory:', { now: () => now });
  const net = await createNetwork(keys, { log });
  try {
    const market = net.nodes.market;
    const first = await market.submitAs(undefined, 'user.register', { id: 'before', name: '前', role: 'approver' });
    const before = (await market.store.blockByHeight(first.receipt!.height))!.header.time;
    assert.ok(before <= now);

    // from here the log stamps every record (cut markers and attestations too) a month ahead
    now += 30 * 86_400_000;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { id } = await market.submit(market.signAs(undefined, 'user.register', { id: `after${i}`, name: '后', role: 'approver' }));
      ids.push(id);
      await market.waitFor(id, 'receipt');
    }
    const last = await market.waitFor(ids[2], 'receipt');
    await waitForHeight(net.all(), last.height);
    let prev = before;
    for (let h = first.receipt!.height + 1; h <= last.height; h++) {
      const { time } = (await market.store.blockByHeight(h))!.header;
      assert.ok(time >= prev && time <= prev + STEP, `height ${h}: ${time - prev} ms after the block before`);
      prev = time;
    }
    assert.ok(prev - before <= (last.height - first.receipt!.height) * STEP);
    assert.ok(prev < now - 29 * 86_400_000, 'a month ahead in the log is not a month ahead on the chain');

    for (const n of net.all()) {
      const result = await replayChain(n.store, keys.genesis, buildRegistry([]));
      assert.deepEqual(result, { ok: true, height: n.height, txs: result.ok ? result.txs : -1, from: 0 }, n.dept);
      assert.equal((await n.store.blockByHeight(last.height))!.hash, (await market.store.blockByHeight(last.height))!.hash);
    }
    // a stored time past the step is found by the replay
    const hrss = net.nodes.hrss;
    await hrss.stop();
    const h = last.height;
    const row = await hrss.db('blocks').where({ height: h }).first();
    const header = JSON.parse(row.header);
    await hrss.db('blocks').where({ height: h }).update({ header: JSON.stringify({ ...header, time: header.time + STEP }) });
    const tampered = await replayChain(hrss.store, keys.genesis, buildRegistry([]));
    assert.equal(tampered.ok, false);
    assert.deepEqual(tampered.ok ? undefined : [tampered.height, tampered.field], [h, 'time']);
  } finally {
    await net.stop();
    await log.close();
  }
});
