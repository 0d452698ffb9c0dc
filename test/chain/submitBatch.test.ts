import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { ed25519Suite } from '../../server/chain/suites/ed25519.ts';
import { signTx, txId } from '../../server/chain/tx.ts';
import type { Tx } from '../../server/chain/schema.ts';
import type { Platform } from '../../server/platform.ts';
import { startTestPlatform } from '../support/platform.ts';

/**
 * POST /api/txs: a batch is ordered whole, in the order given, or not at all. A bad
 * transaction anywhere names its index, and the good ones beside it are not ordered either.
 */
describe('submitting a batch of transactions', () => {
  let p: Platform;
  let http: ReturnType<typeof request>;
  const node = () => p.node('market');
  let seq = 0;
  const user = (extra: Partial<Tx> = {}) => ({ ...node().signAs('admin', 'user.register', { id: `batch${seq}`, name: `批量${seq++}`, role: 'approver' }), ...extra });

  before(async () => {
    p = await startTestPlatform({ depts: ['market', 'tax', 'hrss', 'housing'] });
    http = request(p.app.callback());
  });
  after(() => p.stop());

  const txCount = async () => Number(((await node().db('txs').count({ n: '*' }).first()) as { n: number | string }).n);

  async function expectRejected(body: unknown, status: number, code: string, index?: number) {
    const before = await txCount();
    const ids = await newIds(body);
    const res = await http.post('/market/api/txs').send(body as object);
    assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(res.body.code, code);
    if (index !== undefined) {
      assert.equal(res.body.data?.index, index);
      assert.match(res.body.message, new RegExp(`^txs\\[${index}\\]: `), 'the message names the transaction');
    }
    // Anything wrongly ordered would be cut into a block within this time.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await txCount(), before, 'nothing written');
    for (const id of ids) assert.equal(await node().store.tx(id), undefined, 'no transaction of a refused batch is ordered');
  }

  /** Ids of the batch's well-formed transactions that were not on the chain before. */
  async function newIds(body: unknown): Promise<string[]> {
    const out: string[] = [];
    for (const t of (body as { txs?: unknown[] })?.txs ?? []) {
      let id: string;
      try {
        id = txId(t as Tx);
      } catch {
        continue; // not a transaction at all
      }
      if (!(await node().store.tx(id))) out.push(id);
    }
    return out;
  }

  test('a good batch is ordered in the order given, each with its receipt', async () => {
    const txs = [user(), user(), user()];
    const res = await http.post('/market/api/txs?wait=receipt').send({ txs }).expect(200);
    assert.deepEqual(res.body.ids, txs.map(txId));
    assert.deepEqual(res.body.receipts.map((r: { status: string }) => r.status), ['ok', 'ok', 'ok']);
    const offsets = res.body.receipts.map((r: { offset: number }) => r.offset);
    assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
    // and the state they wrote is there, on every department's node
    await p.node('tax').waitFor(txId(txs[2]), 'receipt');
    assert.ok(await p.node('tax').view().get(`user/market/${txs[2].payload.id}`));
  });

  test('without wait: 202 with the ids, committed soon after', async () => {
    const txs = [user(), user()];
    const res = await http.post('/market/api/txs').send({ txs }).expect(202);
    assert.deepEqual(res.body.ids, txs.map(txId));
    const row = await node().waitFor(res.body.ids[1], 'receipt');
    assert.equal(row.status, 'ok');
  });

  test('a forged signature in the middle refuses the whole batch', async () => {
    const other = ed25519Suite.generateKeyPair();
    const bad = user();
    const forged = { ...bad, signature: signTx({ ...bad, signature: undefined } as never, other.privateKey, ed25519Suite).signature };
    await expectRejected({ txs: [user(), forged, user()] }, 401, 'BAD_SIGNATURE', 1);
  });

  test('the same nonce twice in one batch, and a nonce already used', async () => {
    // the same signed transaction twice: its nonce twice
    const signedReuse = node().signAs('admin', 'user.register', { id: 'twin', name: '双', role: 'approver' });
    await expectRejected({ txs: [user(), signedReuse, { ...signedReuse }] }, 409, 'NONCE_REUSED', 2);
    const done = user();
    await http.post('/market/api/txs?wait=receipt').send({ txs: [done] }).expect(200);
    await expectRejected({ txs: [user(), done] }, 409, 'NONCE_REUSED', 1);
  });

  test('a malformed, an oversized or a role-forbidden transaction names its index', async () => {
    const { signature: _, ...unsigned } = user();
    await expectRejected({ txs: [user(), unsigned] }, 400, 'MALFORMED_TX', 1);
    const big = node().signAs('admin', 'user.register', { id: 'big', name: 'x'.repeat(70_000), role: 'approver' });
    await expectRejected({ txs: [big, user()] }, 413, 'TX_TOO_LARGE', 0);
    const sneaky = node().signAs('approver1', 'user.register', { id: 'sneaky', name: '越权', role: 'admin' });
    await expectRejected({ txs: [user(), user(), sneaky] }, 403, 'FORBIDDEN_KIND', 2);
  });

  test('not a batch, an empty one, or one too many', async () => {
    await expectRejected([user()], 400, 'BAD_BATCH');
    await expectRejected({ txs: [] }, 400, 'BAD_BATCH');
    await expectRejected({ tx: user() }, 400, 'BAD_BATCH');
    const tooMany = Array.from({ length: 1001 }, () => ({}));
    await expectRejected({ txs: tooMany }, 400, 'BAD_BATCH');
  });
});
