import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { exportHistory, pruneHistory, withArchive } from '../../server/chain/archive/historyArchive.ts';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { replayChain } from '../../server/chain/replay.ts';
import { createLocalNetwork, makeConsortium, waitForHeight } from '../support/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'tb-archive-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('state history below a final height moves to files; verify accepts the chain with them and refuses it without them or with one changed', { timeout: 120_000 }, async () => {
  const keys = makeConsortium();
  const net = await createLocalNetwork(keys);
  try {
    const market = net.nodes.market;
    for (let i = 0; i < 12; i++) await market.submitAs('admin', 'user.register', { id: `u${i}`, name: `用户${i}`, role: 'approver' });
    await waitForHeight([market], market.height, { final: true, timeoutMs: 30_000 });
    for (let i = 0; i < 3; i++) await market.submitAs('admin', 'user.register', { id: `w${i}`, name: `后来${i}`, role: 'approver' });
    const store = market.store;
    const registry = buildRegistry([]);
    const mid = Math.floor(market.finalHeight / 2);
    await assert.rejects(exportHistory(store, keys.genesis.chain, market.height + 5, join(dir, 'x.gz')), (e: { code?: string }) => e.code === 'ARCHIVE_NOT_FINAL');

    // two archives, one after the other
    const first = join(dir, 'first.gz');
    const second = join(dir, 'second.gz');
    const t1 = await exportHistory(store, keys.genesis.chain, mid, first);
    assert.ok(t1.rows > 0);
    assert.equal(await pruneHistory(store, t1), t1.rows);
    const t2 = await exportHistory(store, keys.genesis.chain, market.finalHeight, second);
    assert.ok(t2.rows > 0 && t2.firstId > t1.lastId);
    await pruneHistory(store, t2);
    const [{ n }] = await market.db('state_history').where('height', '<', market.finalHeight).count({ n: '*' });
    assert.equal(Number(n), 0, 'the archived rows left the database');

    const top = market.height;
    const ok = await replayChain(withArchive(store, [first, second], keys.genesis.chain), keys.genesis, registry);
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.ok(ok.height >= top);

    const without = await replayChain(store, keys.genesis, registry);
    assert.equal(without.ok, false, 'without the archive the history is missing');
    const gap = await replayChain(withArchive(store, [second], keys.genesis.chain), keys.genesis, registry);
    assert.equal(gap.ok, false, 'with one archive left out the history is missing');
    await assert.rejects(replayChain(withArchive(store, [second, first], keys.genesis.chain), keys.genesis, registry), (e: { code?: string }) => e.code === 'ARCHIVE_CORRUPT');

    // one value changed in the file: its trailer no longer matches, and the replay says so
    const changed = join(dir, 'changed.gz');
    writeFileSync(changed, gzipSync(gunzipSync(readFileSync(first)).toString().replace('approver', 'admin')));
    await assert.rejects(replayChain(withArchive(store, [changed, second], keys.genesis.chain), keys.genesis, registry), (e: { code?: string }) => e.code === 'ARCHIVE_CORRUPT');
  } finally {
    await net.stop();
  }
});
