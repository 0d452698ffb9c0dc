import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import type { BlockTx } from '../../server/chain/execute.ts';
import type { Header, Receipt } from '../../server/chain/schema.ts';
import type { StateWrite } from '../../server/chain/state.ts';
import { openLedgerStore, type LedgerStore } from '../../server/chain/store/chainStore.ts';
import type { CommitInput } from '../../server/chain/store/ledgerStore.ts';

const H = (c: string) => c.repeat(64);

function header(height: number, time: number, txCount: number, certs: Header['certs'] = []): Header {
  return { chain: 'c', height, prev: H('0'), txRoot: H('1'), stateHash: H(String(height % 10)), firstOffset: height, lastOffset: height, time, txCount, certs };
}

function tx(id: string, kind: string, payload: Record<string, unknown>, nonce: number): BlockTx {
  const t = { chain: 'c', kind, payload, signer: 'ab'.repeat(32), actor: 'u1', nonce, time: 1, signature: 'cd'.repeat(64) };
  return { offset: nonce, id, raw: JSON.stringify(t), tx: t };
}

function block(height: number, txs: BlockTx[], writes: StateWrite[], extra: Partial<CommitInput> = {}): CommitInput {
  const receipts: Receipt[] = txs.map((t, index) => ({
    txId: t.id, height, index, offset: t.offset,
    status: index === 1 ? 'rejected' : 'ok',
    ...(index === 1 ? { code: 'BAD_PAYLOAD', reason: 'no' } : {}),
    events: index === 0 ? [{ type: 'x.done', data: { n: index } }] : [],
  }));
  return { header: header(height, 1000 * height, txs.length), hash: H(String.fromCharCode(97 + height)), txs, receipts, writes, nonces: txs.map((t) => ({ signer: t.tx!.signer, nonce: t.tx!.nonce })), finalHeight: 0, ...extra };
}

const w = (key: string, old: string | null, now: string | null, txId: string): StateWrite => ({ key, old, new: now, txId });

/**
 * The ledger store port, run on each implementation: whatever the database, the node, the
 * replay and the audit pages read the same rows back.
 */
export function ledgerStoreSuite(name: string, open: () => Promise<{ db: Knex; stop(): Promise<void> }>, implementation: string): void {
  describe(`ledger store on ${name}`, () => {
    let db: Knex;
    let stop: () => Promise<void>;
    let store: LedgerStore;
    before(async () => {
      ({ db, stop } = await open());
      store = openLedgerStore(db);
      await store.migrate();
      await store.commitBlock(block(0, [], [w('members', null, '["m"]', 'genesis')]));
      await store.commitBlock(
        block(1, [tx('t1', 'ap.apply', { code: 'ENT%1' }, 1), tx('t2', 'ap.decide', { id: 'AP-1' }, 2)], [w('ap/AP-1', null, '{"by":"ENT%1"}', 't1'), w('ap/AP_2', null, '{"by":"x"}', 't1')], {
          attestations: [{ height: 0, dept: 'm', hash: H('a'), sig: 'ef', offset: 3 }],
        }),
      );
      await store.commitBlock(block(2, [tx('t3', 'ap.apply', { code: 'ENT2' }, 3)], [w('ap/AP-1', '{"by":"ENT%1"}', '{"by":"ENT%1","done":true}', 't3'), w('ap/AP_2', '{"by":"x"}', null, 't3')], { finalHeight: 1 }));
    });
    after(async () => {
      await db.destroy();
      await stop();
    });

    test('the implementation is picked by the database', () => {
      assert.equal(store.constructor.name, implementation);
    });

    test('head, state and the execution reader after the blocks', async () => {
      assert.deepEqual(await store.head(), { height: 2, hash: H('c'), stateHash: H('2'), lastOffset: 2, finalHeight: 1 });
      assert.equal(await store.get('ap/AP-1'), '{"by":"ENT%1","done":true}');
      assert.equal(await store.get('ap/AP_2'), undefined, 'deleted');
      assert.deepEqual([...(await store.getMany(['members', 'ap/AP_2', 'none']))], [['members', '["m"]']]);
      assert.equal(await store.execution.get('members'), '["m"]');
      assert.deepEqual([...(await store.knownTxIds(['t1', 't9', 't3']))].sort(), ['t1', 't3']);
      const signer = 'ab'.repeat(32);
      assert.deepEqual([...(await store.usedNonces([{ signer, nonce: 2 }, { signer, nonce: 7 }]))], [`${signer}:2`]);
    });

    test('what the replay reads: stored transactions, history in write order, state in key order', async () => {
      const txs = await store.storedTxs(1, 2);
      assert.deepEqual(txs.map((t) => [t.id, Number(t.height), Number(t.idx), Number(t.offset), t.status, t.code]), [
        ['t1', 1, 0, 1, 'ok', null],
        ['t2', 1, 1, 2, 'rejected', 'BAD_PAYLOAD'],
        ['t3', 2, 0, 3, 'ok', null],
      ]);
      assert.equal(txs[0].events, JSON.stringify([{ type: 'x.done', data: { n: 0 } }]));
      const all = await store.historyPage(0, 100);
      assert.deepEqual(all.map((r) => [r.k, Number(r.height), r.tx_id]), [
        ['members', 0, 'genesis'],
        ['ap/AP-1', 1, 't1'],
        ['ap/AP_2', 1, 't1'],
        ['ap/AP-1', 2, 't3'],
        ['ap/AP_2', 2, 't3'],
      ]);
      const rest = await store.historyPage(Number(all[2].id), 2);
      assert.deepEqual(rest.map((r) => r.k), ['ap/AP-1', 'ap/AP_2']);
      assert.deepEqual((await store.statePage(undefined, 1)).map((r) => r.k), ['ap/AP-1']);
      assert.deepEqual((await store.statePage('ap/AP-1', 10)).map((r) => r.k), ['members']);
    });

    test('what the audit pages read: keys by subject and prefix, the timeline, who and when', async () => {
      assert.deepEqual(await store.keysMentioning('ENT%1', 10), ['ap/AP-1']);
      // LIKE wildcards in a subject are matched literally
      assert.deepEqual(await store.keysMentioning('AP_', 10), ['ap/AP_2']);
      assert.deepEqual(await store.keysUnderPrefix('ap/', 10), ['ap/AP-1', 'ap/AP_2']);
      const t = await store.timeline(['ap/AP_2'], 'AP-1', { limit: 10, offset: 0 });
      assert.equal(t.total, 3);
      assert.deepEqual(t.rows.map((r) => [r.id, r.height, r.index, r.status]), [
        ['t1', 1, 0, 'ok'],
        ['t2', 1, 1, 'rejected'],
        ['t3', 2, 0, 'ok'],
      ]);
      assert.deepEqual((await store.timeline([], undefined, { limit: 10, offset: 0 })).total, 0);
      assert.deepEqual([...(await store.blockTimes([1, 2, 2]))].sort(), [[1, 1000], [2, 2000]]);
      assert.deepEqual([...(await store.keysOfTxs(['t3']))], [['t3', ['ap/AP-1', 'ap/AP_2']]]);
      assert.deepEqual([...(await store.valuesOfKeys(['ap/AP_2']))], [['ap/AP_2', [{ height: 1, value: '{"by":"x"}' }]]]);
      assert.deepEqual((await store.txsByIds(['t3', 't1'])).map((r) => r.id).sort(), ['t1', 't3']);
      assert.deepEqual(await store.attestationsBetween(0, 5), [{ height: 0, dept: 'm', hash: H('a') }]);
      assert.deepEqual(await store.okTxsOfKinds(['ap.apply']), [
        { kind: 'ap.apply', time: 1000, events: JSON.stringify([{ type: 'x.done', data: { n: 0 } }]) },
        { kind: 'ap.apply', time: 2000, events: JSON.stringify([{ type: 'x.done', data: { n: 0 } }]) },
      ]);
    });

    test('a block whose projection fails leaves nothing, and the state cache keeps the committed value', async () => {
      await assert.rejects(
        store.commitBlock(block(3, [tx('t4', 'ap.apply', {}, 4)], [w('members', '["m"]', '["m","n"]', 't4')]), async () => {
          throw new Error('projection failed');
        }),
        /projection failed/,
      );
      assert.equal((await store.head())!.height, 2);
      assert.equal(await store.tx('t4'), undefined);
      assert.equal(await store.execution.get('members'), '["m"]');
    });

    test('a snapshot is of the moment it was taken and keeps it while blocks are committed', async () => {
      const snap = await store.snapshot();
      try {
        // committed before the copy's first use: the copy still does not see it
        await store.commitBlock(block(3, [], [w('members', '["m"]', '["m","n"]', 'x')]));
        assert.equal((await snap.store.head())!.height, 2);
        assert.equal(await snap.store.get('members'), '["m"]');
        assert.equal((await store.head())!.height, 3);
      } finally {
        await snap.release();
      }
    });
  });
}
