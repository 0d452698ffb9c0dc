import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Knex } from 'knex';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { canonicalJson } from '../../server/chain/canonical.ts';
import type { ChainNode } from '../../server/chain/node.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { replayChain } from '../../server/chain/replay.ts';
import { importSnapshot } from '../../server/chain/snapshot/importSnapshot.ts';
import { makeSnapshot } from '../../server/chain/snapshot/makeSnapshot.ts';
import { snapshotSigsAt } from '../../server/chain/snapshot/snapshotSigs.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { suiteByName } from '../../server/chain/suites/index.ts';
import { signTx } from '../../server/chain/tx.ts';
import { createModules } from '../../server/modules.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { createTestNode, makeConsortium, silentLogger, waitForHeight } from '../support/fixtures.ts';

/** A database for the node under test: a fresh one each call. */
export interface DbKit {
  fresh(name: string): Promise<Knex>;
}

const EVERY = 4;
const DEPTS = ['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service'];
const QUORUM = 7;

async function register(p: Platform, n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await p.node('market').submitAs('admin', 'user.register', { id: `${tag}${i}`, name: `用户${tag}${i}`, role: 'approver' })).id);
  return ids;
}

/**
 * The highest checkpoint at or below the committed final height whose root a quorum has signed
 * on `node`, at `atLeast` or above; blocks are added meanwhile, since certificates and votes are
 * saved with a block.
 */
async function signedCheckpoint(p: Platform, node: ChainNode, quorum: number, atLeast = 1, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; Date.now() < deadline; round++) {
    const final = (await node.store.head())!.finalHeight;
    for (let h = final - (final % EVERY); h >= atLeast && h > 0; h -= EVERY) {
      const sigs = await snapshotSigsAt(node.db, h);
      if (sigs.length >= quorum) return h;
    }
    await register(p, 1, `n${round}-`);
  }
  throw new Error('no checkpoint was signed by a quorum in time');
}

/** Until no block has been added for a few seconds (a loaded machine applies late). */
async function quiet(node: ChainNode): Promise<void> {
  for (let last = -1; last !== node.height; ) {
    last = node.height;
    await new Promise((r) => setTimeout(r, 4000));
  }
}

const rewrite = (file: string, out: string, edit: (lines: string[]) => void) => {
  const lines = gunzipSync(readFileSync(file)).toString().split('\n');
  edit(lines);
  writeFileSync(out, gzipSync(lines.join('\n')));
};

async function assertEmpty(db: Knex): Promise<void> {
  for (const t of ['chain_meta', 'state', 'blocks', 'known_txids', 'nonces', 'attestations']) {
    const [{ n }] = await db(t).count({ n: '*' });
    assert.equal(Number(n), 0, `nothing written to ${t}`);
  }
}

/**
 * Nine departments with a demo's history and checkpoints every few blocks. A snapshot made by
 * market starts a fresh tax node, which then follows the log to the same head and state as the
 * nodes that replayed from genesis, including a re-logged old transaction and an old nonce
 * reused after the snapshot. Tampered files are refused with their code and write nothing.
 * Verify replays the new node from the snapshot's height and names a row changed on it.
 */
export async function snapshotSync(kit: DbKit, dir: string): Promise<void> {
  const keys = makeConsortium(DEPTS, { snapshotEvery: EVERY });
  const log = new LocalLog(join(dir, 'log.sqlite'));
  const specs = keys.genesis.members.map((m) => ({ dept: m.dept, db: openDb({ client: 'sqlite', filename: ':memory:' }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger: silentLogger });
  const extra: ChainNode[] = [];
  try {
    await seedDemo(p, { password: 'test-password-1', enterprises: 20 });
    const market = p.node('market');
    // the demo's automation (answers, payments) settles first: later blocks touch only users.
    // A holder's answer waits for its proof, which on a loaded machine outlasts a quiet spell.
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; ) {
      await quiet(market);
      const [{ n }] = await p.node('tax').db('pq_queries').where({ status: 'open' }).count({ n: '*' });
      if (Number(n) === 0) break;
    }
    const old = await register(p, 6, 'a');
    // at or above the last of them: each registration is a block of its own, and the checks
    // below want all six in the snapshot, none written after it
    const h = await signedCheckpoint(p, market, QUORUM, (await market.store.tx(old[5]))!.height);

    const file = join(dir, 'market.snapshot');
    const copy = await market.store.snapshot();
    const meta = await makeSnapshot(copy.store, keys.genesis, h, file).finally(() => copy.release());
    assert.equal(meta.hash, (await market.store.blockByHeight(h))!.hash);
    assert.ok(meta.counts.state > 20 && meta.counts.ids > 10 && meta.counts.nonces > 0);

    // Refusals: one value changed, a header without a quorum, a root signed by too few.
    const bad = await kit.fresh('tax_bad');
    const changed = join(dir, 'changed.snapshot');
    rewrite(file, changed, (lines) => {
      const i = lines.findIndex((l) => l.startsWith('["s","user/market/a1"'));
      assert.ok(i > 0, 'the snapshot holds a user registered before it');
      lines[i] = lines[i].replace('approver', 'admin');
    });
    await assert.rejects(importSnapshot(bad, keys.genesis, changed), (e: { code?: string }) => e.code === 'SNAPSHOT_ROOT_MISMATCH');
    await assertEmpty(bad);
    const unfinal = join(dir, 'unfinal.snapshot');
    rewrite(file, unfinal, (lines) => {
      const m = JSON.parse(lines[0]);
      m.cert.sigs = m.cert.sigs.slice(0, 2);
      lines[0] = JSON.stringify(m);
    });
    await assert.rejects(importSnapshot(bad, keys.genesis, unfinal), (e: { code?: string; message: string }) => e.code === 'SNAPSHOT_NOT_FINAL' && /quorum is 7/.test(e.message));
    const unsigned = join(dir, 'unsigned.snapshot');
    rewrite(file, unsigned, (lines) => {
      const m = JSON.parse(lines[0]);
      m.sigs = m.sigs.slice(0, 2);
      lines[0] = JSON.stringify(m);
    });
    await assert.rejects(importSnapshot(bad, keys.genesis, unsigned), (e: { code?: string }) => e.code === 'SNAPSHOT_NO_QUORUM');
    const forged = join(dir, 'forged.snapshot');
    rewrite(file, forged, (lines) => {
      const m = JSON.parse(lines[0]);
      m.headers[m.headers.length - 1].time += 1;
      lines[0] = JSON.stringify(m);
    });
    await assert.rejects(importSnapshot(bad, keys.genesis, forged), (e: { code?: string }) => e.code === 'SNAPSHOT_BAD_HEADERS');
    await assertEmpty(bad);

    // A fresh tax node from market's snapshot, while the chain moves on.
    await p.node('tax').stop();
    const taxDb = await kit.fresh('tax_snap');
    const imported = await importSnapshot(taxDb, keys.genesis, file);
    assert.equal(imported.height, h);
    await assert.rejects(importSnapshot(taxDb, keys.genesis, file), (e: { code?: string }) => e.code === 'SNAPSHOT_TARGET_NOT_EMPTY');
    const tax = await createTestNode({ keys, dept: 'tax', orderer: log, db: taxDb, modules: createModules() });
    extra.push(tax);

    // After the snapshot: a user from before it disabled, an old transaction logged again, and an
    // old nonce of market's signed again into a new transaction.
    await market.submitAs('admin', 'user.disable', { id: 'a1' });
    const oldTx = (await market.store.tx(old[0]))!;
    await log.append([Buffer.from(canonicalJson({ t: 'tx', tx: JSON.parse(oldTx.raw) }))]);
    const reused = JSON.parse(oldTx.raw);
    const again = signTx({ chain: keys.genesis.chain, kind: 'user.register', payload: { id: 'z9', name: '重用', role: 'approver' }, signer: reused.signer, actor: 'admin', nonce: reused.nonce, time: Date.now() }, keys.nodeKeys.market, suiteByName(keys.genesis.suite));
    await log.append([Buffer.from(canonicalJson({ t: 'tx', tx: again }))]);
    await register(p, 3, 'b');
    await quiet(market);
    await waitForHeight([tax], market.height, { timeoutMs: 60_000 });
    const top = Math.min(market.height, tax.height);
    for (let x = h; x <= top; x++) assert.equal((await tax.store.blockByHeight(x))?.hash, (await market.store.blockByHeight(x))?.hash, `block ${x}`);
    assert.equal((await market.store.tx(oldTx.id))!.height, oldTx.height, 'the re-logged transaction was not receipted again');
    const reusedRow = (await market.store.txsOfBlock(top)).concat(...(await Promise.all(Array.from({ length: top - h }, (_, i) => market.store.txsOfBlock(h + 1 + i))))).find((t) => t.code === 'NONCE_REUSED');
    assert.ok(reusedRow, 'the reused nonce was refused by the nodes that replayed from genesis');
    assert.equal((await tax.store.tx(reusedRow.id))?.code, 'NONCE_REUSED', 'and by the node started from the snapshot');
    // Read models made from the snapshot's state with tax's own keys: the rows tax had from genesis.
    const oldTax = p.node('tax').db;
    for (const [table, key] of [['ap_enterprises', 'code'], ['ap_filings', 'code'], ['ap_applications', 'id'], ['ap_stages', 'app_id'], ['pay_policies', 'id'], ['pq_queries', 'id']]) {
      const rows = async (db: Knex) => db(table).orderBy(key).select();
      const want = await rows(oldTax);
      if (table !== 'pay_policies' && table !== 'pq_queries') assert.ok(want.length > 0, `${table} has rows from before the snapshot`);
      assert.deepEqual(await rows(taxDb), want, `${table} as tax had it from genesis`);
    }
    const state = async (n: ChainNode) => (await n.db('state').orderBy('k').select('k', 'v')).map((r: { k: string; v: string }) => `${r.k}=${r.v}`);
    await waitForHeight([tax], market.height, { timeoutMs: 30_000 });
    assert.equal(tax.height, market.height);
    assert.deepEqual(await state(tax), await state(market), 'the same state as the nodes that replayed from genesis');
    assert.equal((await tax.status()).halted, null);
    // The new node signs later checkpoints' roots too, and on its own database they are the same.
    const both = [];
    for (let x = h + EVERY; x <= top; x += EVERY) {
      const sigs = (await snapshotSigsAt(market.db, x)).filter((s) => s.dept === 'tax' || s.dept === 'market');
      if (sigs.length === 2) both.push(sigs);
    }
    assert.ok(both.length > 0, 'tax signed a checkpoint after the snapshot');
    for (const [a, b] of both) assert.equal(a.root, b.root, `checkpoint root at ${a.height}`);

    // Verify replays the node from the snapshot's height. A state row changed (one the snapshot
    // gave and nothing wrote since, one written after it), the imported state's history row, or
    // a kept root signature, is named.
    await tax.stop();
    const registry = buildRegistry(createModules());
    const verified = await replayChain(tax.store, keys.genesis, registry);
    assert.ok(verified.ok && verified.from === h && verified.height === tax.height, JSON.stringify(verified));
    const refused = async (field: string, table: string, where: Record<string, unknown>, column: string, edit: (v: string) => string) => {
      const row = await taxDb(table).where(where).first();
      assert.ok(row, `${table} ${JSON.stringify(where)}`);
      await taxDb(table).where(where).update({ [column]: edit(row[column]) });
      const r = await replayChain(tax.store, keys.genesis, registry);
      await taxDb(table).where(where).update({ [column]: row[column] });
      assert.equal(r.ok, false, field);
      if (!r.ok) assert.equal(r.field, field, JSON.stringify(r));
      return r;
    };
    const below = await refused('state[user/market/a2]', 'state', { k: 'user/market/a2' }, 'v', (v) => v.replace('approver', 'admin'));
    assert.equal(below.height, h);
    const above = await refused('state[user/market/a1]', 'state', { k: 'user/market/a1' }, 'v', (v) => v.replace('false', 'true'));
    assert.ok(above.height > h);
    await refused('snapshot.root', 'state_history', { k: 'user/market/a2', height: h }, 'new_v', (v) => v.replace('approver', 'admin'));
    await refused('snapshot.sigs', 'snapshot_origin', { height: h }, 'meta', (v) => {
      const m = JSON.parse(v);
      m.sigs[1].sig = m.sigs[0].sig;
      return JSON.stringify(m);
    });
    assert.equal((await replayChain(tax.store, keys.genesis, registry)).ok, true, 'the rows put back verify again');
  } finally {
    for (const n of extra) await n.stop().catch(() => undefined);
    await p.stop();
  }
}
