import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { canonicalJson } from '../../server/chain/canonical.ts';
import type { Header } from '../../server/chain/schema.ts';
import { openLedgerStore } from '../../server/chain/store/chainStore.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { suiteByName } from '../../server/chain/suites/index.ts';
import { replayChain } from '../../server/chain/replay.ts';
import { makeConsortium } from '../support/fixtures.ts';
import { createNetwork } from '../support/network.ts';

const flip = (hex: string, at = 10) => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);

describe('replayChain replays a stored chain from genesis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-replay-'));
  const keys = makeConsortium(['market', 'tax', 'hrss', 'housing']);
  const registry = buildRegistry([]);
  const file = (dept: string) => join(dir, `${dept}.sqlite`);
  let copies = 0;

  before(async () => {
    const net = await createNetwork(keys, { db: (dept) => openDb({ client: 'sqlite', filename: file(dept) }) });
    try {
      const market = net.nodes.market;
      const ids: string[] = [];
      for (let i = 0; i < 2000; i++) ids.push((await market.submitAs('admin', 'user.register', { id: `u${i}`, name: `用户${i}`, role: 'clerk' }, 'none')).id);
      await market.waitFor(ids.at(-1)!, 'receipt', 60_000);
      // A membership change, so later certificates are checked against five members.
      const params = { dept: 'econ', name: '经信局', nameEn: 'Economy', nodeKey: suiteByName('ed25519').generateKeyPair().publicKey };
      const prop = await market.submitAs('admin', 'gov.propose', { type: 'member.add', params });
      await net.nodes.tax.submitAs('admin', 'gov.approve', { proposal: prop.id });
      await net.nodes.hrss.submitAs('admin', 'gov.approve', { proposal: prop.id });
      // Rejections stay in the chain and must replay the same way.
      assert.equal((await market.submitAs('admin', 'user.disable', { id: 'nobody' })).receipt?.status, 'rejected');
      await net.log.append([Buffer.from(canonicalJson({ t: 'tx', tx: market.signAs('u1', 'user.register', { id: 'x1', name: 'x', role: 'admin' }) }))]);
      const last = await market.submitAs('admin', 'user.disable', { id: 'u3' }, 'final');
      // One more block, to carry the certificate of the one before.
      await market.submitAs('admin', 'user.register', { id: 'closing', name: '收尾', role: 'clerk' }, 'receipt');
      assert.equal(last.receipt?.status, 'ok');
    } finally {
      await net.stop();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function verifyFile(filename: string) {
    const db = openDb({ client: 'sqlite', filename });
    try {
      return await replayChain(openLedgerStore(db), keys.genesis, registry);
    } finally {
      await db.destroy();
    }
  }

  /** Copies market's database, changes one thing in the copy, and verifies the copy. */
  async function tampered(change: (db: Knex) => Promise<{ height: number; field: string }>) {
    const copy = join(dir, `tampered-${copies++}.sqlite`);
    copyFileSync(file('market'), copy);
    const db = openDb({ client: 'sqlite', filename: copy });
    const want = await change(db);
    await db.destroy();
    const got = await verifyFile(copy);
    assert.equal(got.ok, false, 'the change went unnoticed');
    if (!got.ok) assert.deepEqual({ height: got.height, field: got.field }, want, `${got.field}: expected ${got.expected}, actual ${got.actual}`);
  }

  const okTx = (db: Knex) => db('txs').where({ status: 'ok', kind: 'user.register' }).orderBy('height', 'desc').first();

  test('a clean chain verifies on every department, and replay speed is measured', async (t) => {
    for (const dept of ['market', 'tax', 'hrss', 'housing']) {
      const started = performance.now();
      const r = await verifyFile(file(dept));
      const ms = performance.now() - started;
      assert.ok(r.ok, JSON.stringify(r));
      if (r.ok) {
        assert.ok(r.txs > 2000);
        t.diagnostic(`${dept}: ${r.height} blocks, ${r.txs} txs in ${ms.toFixed(0)} ms = ${Math.round(r.txs / (ms / 1000))} tx/s`);
      }
    }
  });

  test('a changed state value is named at the block that last wrote it', () =>
    tampered(async (db) => {
      const { height } = (await db('state_history').where('k', 'user/market/u7').max({ height: 'height' }).first())!;
      await db('state').where('k', 'user/market/u7').update({ v: canonicalJson({ id: 'u7', dept: 'market', name: 'x', role: 'admin', active: true }) });
      return { height: Number(height), field: 'state[user/market/u7]' };
    }));

  test("a changed transaction payload no longer hashes to the transaction's id", () =>
    tampered(async (db) => {
      const row = await okTx(db);
      await db('txs').where('id', row.id).update({ raw: row.raw.replace(/"name":"[^"]*"/, '"name":"改过"') });
      return { height: row.height, field: `tx[${row.idx}].id` };
    }));

  test('a changed signature fails verification', () =>
    tampered(async (db) => {
      const row = await okTx(db);
      const tx = JSON.parse(row.raw);
      await db('txs').where('id', row.id).update({ raw: canonicalJson({ ...tx, signature: flip(tx.signature) }) });
      return { height: row.height, field: `tx[${row.idx}].signature` };
    }));

  test('a changed receipt status differs from the re-executed one', () =>
    tampered(async (db) => {
      const row = await okTx(db);
      await db('txs').where('id', row.id).update({ status: 'rejected', code: 'FORBIDDEN_KIND' });
      return { height: row.height, field: `tx[${row.idx}].status` };
    }));

  test('a changed header field is named', () =>
    tampered(async (db) => {
      const block = await db('blocks').where('tx_count', '>', 0).orderBy('height').first();
      const header: Header = JSON.parse(block.header);
      await db('blocks').where('height', block.height).update({ header: JSON.stringify({ ...header, stateHash: flip(header.stateHash) }) });
      return { height: block.height, field: 'header.stateHash' };
    }));

  test('a changed header field that cannot be recomputed (time) breaks the block hash', () =>
    tampered(async (db) => {
      const block = await db('blocks').where('height', 2).first();
      const header: Header = JSON.parse(block.header);
      await db('blocks').where('height', 2).update({ header: JSON.stringify({ ...header, time: header.time + 1 }) });
      return { height: 2, field: 'hash' };
    }));

  test('a changed certificate signature is named', () =>
    tampered(async (db) => {
      const blocks = await db('blocks').orderBy('height', 'desc').select('height', 'header');
      const block = blocks.find((b) => JSON.parse(b.header).certs.length > 0);
      const header: Header = JSON.parse(block.header);
      const sigs = header.certs[0].sigs.map((s, i) => (i === 0 ? { ...s, sig: flip(s.sig) } : s));
      const certs = [{ ...header.certs[0], sigs }, ...header.certs.slice(1)];
      await db('blocks').where('height', block.height).update({ header: JSON.stringify({ ...header, certs }) });
      return { height: block.height, field: 'header.certs[0]' };
    }));

  test('a changed state history row is named', () =>
    tampered(async (db) => {
      const row = await db('state_history').where('k', 'user/market/u5').first();
      await db('state_history').where('id', row.id).update({ new_v: '{}' });
      return { height: row.height, field: 'history[user/market/u5]' };
    }));
});
