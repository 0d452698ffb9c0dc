import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Knex } from 'knex';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { attestationMessage } from '../../server/chain/finality.ts';
import type { ChainNode } from '../../server/chain/node.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { replayChain } from '../../server/chain/replay.ts';
import { importSnapshot } from '../../server/chain/snapshot/importSnapshot.ts';
import { makeSnapshot } from '../../server/chain/snapshot/makeSnapshot.ts';
import { snapshotMessage } from '../../server/chain/snapshot/snapshotDigest.ts';
import type { SnapshotMeta } from '../../server/chain/snapshot/snapshotFile.ts';
import { snapshotSigsAt } from '../../server/chain/snapshot/snapshotSigs.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { suiteByName } from '../../server/chain/suites/index.ts';
import { createTestNode, makeConsortium, waitForHeight } from '../support/fixtures.ts';
import type { DbKit } from './snapshotSuite.ts';

const EVERY = 4;
const DEPTS = ['market', 'tax', 'hrss', 'housing'];
const QUORUM = 3;

const code = (want: string) => (e: { code?: string; message?: string }) => {
  assert.equal(e.code, want, e.message);
  return true;
};

/**
 * Four departments; tax's node key is rotated by governance while its node is down, then its node
 * comes back with the new key. A snapshot made by market above the rotation carries the
 * rotation's block (memberEvidence.ts), a fresh housing node starts from it, follows the log to
 * market's head and verifies from the snapshot's height. Files with the evidence changed or left
 * out, or with the root signed by tax's old key, are refused with their code.
 */
export async function snapshotAcrossRotation(kit: DbKit, dir: string): Promise<void> {
  const keys = makeConsortium(DEPTS, { snapshotEvery: EVERY });
  const suite = suiteByName(keys.genesis.suite);
  const { chain } = keys.genesis;
  const log = new LocalLog(join(dir, 'members-log.sqlite'));
  const nodes: Record<string, ChainNode> = {};
  const dbs: Record<string, Knex> = {};
  for (const d of DEPTS) {
    dbs[d] = d === 'market' ? await kit.fresh('members_market') : openDb({ client: 'sqlite', filename: ':memory:' });
    nodes[d] = await createTestNode({ keys, dept: d, orderer: log, db: dbs[d] });
  }
  const extra: ChainNode[] = [];
  const market = nodes.market;
  let n = 0;
  const tick = async (k = 1) => {
    for (let i = 0; i < k; i++) await market.submitAs('admin', 'user.register', { id: `u${n++}`, name: `用户${n}`, role: 'approver' });
  };
  try {
    await tick(3);
    // tax's node is down while its key is rotated; it comes back with the new key.
    await nodes.tax.stop();
    const oldKey = keys.nodeKeys.tax;
    const fresh = suite.generateKeyPair();
    const prop = await market.submitAs('admin', 'gov.propose', { type: 'member.rotateKey', params: { dept: 'tax', nodeKey: fresh.publicKey } });
    assert.equal(prop.receipt?.status, 'ok');
    let applied = '';
    for (const d of ['hrss', 'housing']) {
      const r = await nodes[d].submitAs('admin', 'gov.approve', { proposal: prop.id });
      assert.equal(r.receipt?.status, 'ok');
      applied = r.id;
    }
    const rotatedAt = (await market.waitFor(applied, 'receipt')).height;
    assert.deepEqual((await market.store.history('member/tax')).at(-1), { height: rotatedAt, txId: applied, old: { ...keys.genesis.members.find((m) => m.dept === 'tax'), active: true }, new: { ...keys.genesis.members.find((m) => m.dept === 'tax'), active: true, nodeKey: fresh.publicKey } });
    await tick(4);
    await waitForHeight([market], market.height, { final: true, timeoutMs: 30_000 });
    nodes.tax = await createTestNode({ keys: { ...keys, nodeKeys: { ...keys.nodeKeys, tax: fresh.privateKey } }, dept: 'tax', orderer: log, db: dbs.tax });

    // a checkpoint above the rotation, its root signed by a quorum of the members at that height
    let h = 0;
    for (let round = 0; !h && round < 60; round++) {
      await tick();
      const final = (await market.store.head())!.finalHeight;
      for (let x = final - (final % EVERY); x > rotatedAt && !h; x -= EVERY) if ((await snapshotSigsAt(market.db, x)).length >= QUORUM) h = x;
    }
    assert.ok(h > rotatedAt, 'a checkpoint above the rotation was signed');
    const file = join(dir, 'members.snapshot');
    const copy = await market.store.snapshot();
    const meta = await makeSnapshot(copy.store, keys.genesis, h, file).finally(() => copy.release());
    assert.equal(meta.members?.length, 1, 'the rotation is carried');
    assert.equal(meta.members![0].headers[0].height, rotatedAt);

    const edit = (name: string, change: (m: SnapshotMeta) => void) => {
      const lines = gunzipSync(readFileSync(file)).toString().split('\n');
      const m = JSON.parse(lines[0]) as SnapshotMeta;
      change(m);
      lines[0] = JSON.stringify(m);
      writeFileSync(join(dir, name), gzipSync(lines.join('\n')));
      return join(dir, name);
    };
    const sign = (d: string, key: string, m: SnapshotMeta) => ({ dept: d, sig: suite.sign(key, snapshotMessage(chain, m.height, m.hash, m.root)) });
    const certBy = (m: SnapshotMeta, depts: string[]) => depts.map((d) => ({ dept: d, sig: suite.sign(keys.nodeKeys[d], attestationMessage(chain, m.height, m.hash)) }));
    const bad = await kit.fresh('members_bad');

    // The rotation's writes changed to another key: they no longer hash to its block's state hash.
    const forgedKey = suite.generateKeyPair();
    const forged = edit('forged.snapshot', (m) => {
      const w = m.members![0].writes.find(([k]) => k === 'member/tax')!;
      w[2] = w[2]!.replace(fresh.publicKey, forgedKey.publicKey);
    });
    await assert.rejects(importSnapshot(bad, keys.genesis, forged), code('SNAPSHOT_BAD_MEMBERS'));
    // The rotation's certificate signed by fewer than a quorum of the members before it.
    const uncertified = edit('uncertified.snapshot', (m) => {
      m.members![0].cert.sigs = m.members![0].cert.sigs.slice(0, QUORUM - 1);
    });
    await assert.rejects(importSnapshot(bad, keys.genesis, uncertified), code('SNAPSHOT_BAD_MEMBERS'));
    // The evidence left out (the certificate and root re-signed by members whose keys never
    // changed, so that they still verify): the state's member entries give it away.
    const missing = edit('missing.snapshot', (m) => {
      delete m.members;
      m.cert.sigs = certBy(m, ['hrss', 'housing', 'market']);
      m.sigs = ['hrss', 'housing', 'market'].map((d) => sign(d, keys.nodeKeys[d], m));
    });
    await assert.rejects(importSnapshot(bad, keys.genesis, missing), code('SNAPSHOT_MEMBERS_MISSING'));
    // After the rotation tax's old key signs nothing that counts; its new key does.
    const byOld = edit('old-key.snapshot', (m) => {
      m.sigs = [sign('hrss', keys.nodeKeys.hrss, m), sign('market', keys.nodeKeys.market, m), sign('tax', oldKey, m)];
    });
    await assert.rejects(importSnapshot(bad, keys.genesis, byOld), code('SNAPSHOT_NO_QUORUM'));
    for (const t of ['state', 'blocks', 'chain_meta', 'snapshot_origin']) assert.equal(Number((await bad(t).count({ n: '*' }))[0].n), 0, `nothing written to ${t}`);
    const byNew = edit('new-key.snapshot', (m) => {
      m.sigs = [sign('hrss', keys.nodeKeys.hrss, m), sign('market', keys.nodeKeys.market, m), sign('tax', fresh.privateKey, m)];
    });
    assert.equal((await importSnapshot(await kit.fresh('members_newkey'), keys.genesis, byNew)).height, h);

    // A fresh housing node from market's file follows the log to the same head and verifies from h.
    await nodes.housing.stop();
    const housingDb = await kit.fresh('members_housing');
    assert.equal((await importSnapshot(housingDb, keys.genesis, file)).height, h);
    const housing = await createTestNode({ keys, dept: 'housing', orderer: log, db: housingDb });
    extra.push(housing);
    await tick(3);
    await waitForHeight([housing], market.height, { timeoutMs: 30_000 });
    const top = market.height;
    for (let x = h; x <= top; x++) assert.equal((await housing.store.blockByHeight(x))?.hash, (await market.store.blockByHeight(x))?.hash, `block ${x}`);
    assert.equal((await housing.status()).halted, null);
    await housing.stop();
    const verified = await replayChain(housing.store, keys.genesis, buildRegistry([]));
    assert.ok(verified.ok && verified.from === h && verified.height >= top, JSON.stringify(verified));
  } finally {
    for (const node of [...extra, ...Object.values(nodes)]) await node.stop().catch(() => undefined);
    for (const [d, db] of Object.entries(dbs)) if (d !== 'market') await db.destroy().catch(() => undefined);
    await log.close();
  }
}
