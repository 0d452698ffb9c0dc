import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { canonicalJson } from '../../server/chain/canonical.ts';
import type { Proposal } from '../../server/chain/contracts/governance.ts';
import { chainVersionOf, genesisHash } from '../../server/chain/genesis.ts';
import { txRootOf } from '../../server/chain/header.ts';
import type { MemberRecord } from '../../server/chain/identity.ts';
import type { Tx } from '../../server/chain/schema.ts';
import { nextStateHash, type StateWrite } from '../../server/chain/state.ts';
import { suiteByName } from '../../server/chain/suites/index.ts';
import { txId } from '../../server/chain/tx.ts';
import { replayChain } from '../../server/chain/replay.ts';
import { makeConsortium, waitForHeight } from '../support/fixtures.ts';
import { createNetwork, type Network } from '../support/network.ts';

/** What a database backend gives the suite: one fresh database per department. */
export interface Backend {
  db(dept: string): Promise<Knex>;
  stop(): Promise<void>;
}

const byKey = (a: { k: string }, b: { k: string }) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0);

/**
 * The ledger's behaviour on one database: the same scenario runs on SQLite and on MariaDB, so
 * a difference between the two (types, collation, upserts) shows up as a failing check here.
 * The tests run in order and build on each other, like the life of one small chain.
 */
export function ledgerSuite(label: string, startBackend: () => Promise<Backend>): void {
  describe(`ledger suite on ${label}`, () => {
    const keys = makeConsortium(['market', 'tax', 'hrss', 'housing']);
    let backend: Backend;
    let net: Network;
    const node = (dept: string) => net.nodes[dept];

    /** Appends a transaction record straight to the log, past the submit pre-checks. */
    async function appendRaw(tx: Tx, copies = 1): Promise<number> {
      return net.log.appendAt(Array.from({ length: copies }, () => Buffer.from(canonicalJson({ t: 'tx', tx }))));
    }

    before(async () => {
      backend = await startBackend();
      net = await createNetwork(keys, { db: (dept) => backend.db(dept) });
    });
    after(async () => {
      await net?.stop();
      await backend?.stop();
    });

    test('user registrations commit on every node', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await node('market').submitAs('admin', 'user.register', { id: `clerk${i}`, name: `窗口${i}`, role: 'clerk' }, 'none')).id);
      ids.push((await node('tax').submitAs('admin', 'user.register', { id: 'appr1', name: '审批员', role: 'approver' }, 'none')).id);
      for (const id of ids) assert.equal((await node('market').waitFor(id, 'receipt')).status, 'ok');
      const last = await node('hrss').waitFor(ids.at(-1)!, 'receipt');
      await waitForHeight(net.all(), last.height);
      assert.equal((await node('housing').view().get<{ role: string }>('user/market/clerk3'))?.role, 'clerk');
      assert.equal((await node('hrss').view().get<{ role: string }>('user/tax/appr1'))?.role, 'approver');
    });

    test('a governance proposal takes effect when a quorum has approved', async () => {
      const econKey = suiteByName(keys.genesis.suite).generateKeyPair().publicKey;
      const params = { dept: 'econ', name: '经济和信息化局', nameEn: 'Economy & IT', nodeKey: econKey };
      const proposed = await node('market').submitAs('admin', 'gov.propose', { type: 'member.add', params });
      assert.equal(proposed.receipt?.status, 'ok');
      const proposal = () => node('housing').view().get<Proposal>(`gov/proposal/${proposed.id}`);

      const tax = await node('tax').submitAs('admin', 'gov.approve', { proposal: proposed.id });
      assert.equal(tax.receipt?.status, 'ok');
      await waitForHeight(net.all(), tax.receipt!.height);
      assert.equal((await proposal())?.status, 'open', 'two of four is not a quorum');

      const hrss = await node('hrss').submitAs('admin', 'gov.approve', { proposal: proposed.id });
      assert.equal(hrss.receipt?.status, 'ok');
      assert.ok(hrss.receipt!.events.some((e) => e.type === 'gov.applied'));
      await waitForHeight(net.all(), hrss.receipt!.height);
      assert.deepEqual((await proposal())?.approvals, ['hrss', 'market', 'tax']);
      assert.equal((await proposal())?.status, 'done');
      assert.equal((await node('housing').view().get<MemberRecord>('member/econ'))?.nodeKey, econKey);
      assert.deepEqual(await node('tax').view().get('members'), ['econ', 'housing', 'hrss', 'market', 'tax']);

      const late = await node('housing').submitAs('admin', 'gov.approve', { proposal: proposed.id });
      assert.equal(late.receipt?.status, 'rejected');
      assert.equal(late.receipt?.code, 'PROPOSAL_CLOSED');
    });

    test('a rejected transaction keeps its place in its block, with status and code', async () => {
      // An approver may not register staff; the node's pre-check would refuse it, so log it directly.
      const forbidden = node('tax').signAs('appr1', 'user.register', { id: 'sneaky', name: '越权', role: 'admin' });
      const offset = await appendRaw(forbidden);
      const missing = await node('tax').submitAs('admin', 'user.disable', { id: 'nobody' });

      for (const n of net.all()) {
        const notFound = await n.waitFor(missing.id, 'receipt');
        assert.equal(notFound.status, 'rejected');
        assert.equal(notFound.code, 'NOT_FOUND');
        const row = await n.waitFor(txId(forbidden), 'receipt');
        assert.equal(row.status, 'rejected');
        assert.equal(row.code, 'FORBIDDEN_KIND');
        assert.equal(row.offset, offset);
        const block = (await n.store.blockByHeight(row.height))!;
        const txs = await n.store.txsOfBlock(row.height);
        assert.equal(txs[row.index].id, row.id, 'it sits at its index in the block');
        assert.equal(block.header.txCount, txs.length);
        assert.equal(block.header.txRoot, txRootOf(txs.map((t) => ({ txId: t.id, status: t.status, code: t.code ?? undefined, events: t.events })), chainVersionOf(keys.genesis)));
        assert.deepEqual(await n.store.historyOfTx(row.id), [], 'a rejected transaction writes nothing');
      }
    });

    test('a record logged twice is receipted once, at its first offset', async () => {
      const tx = node('market').signAs('admin', 'user.register', { id: 'dup1', name: '重复', role: 'clerk' });
      const first = await appendRaw(tx, 2); // two copies in one block
      await node('market').waitFor(txId(tx), 'receipt');
      const again = await appendRaw(tx); // and one in a later block
      const marker = await node('market').submitAs('admin', 'user.register', { id: 'after_dup', name: '之后', role: 'clerk' });
      assert.equal(marker.receipt?.status, 'ok');
      await waitForHeight(net.all(), marker.receipt!.height);
      for (const n of net.all()) {
        const row = (await n.store.tx(txId(tx)))!;
        assert.equal(row.status, 'ok');
        assert.equal(row.offset, first);
        const copies = await n.db('txs').whereIn('log_offset', [first + 1, again]).count({ c: '*' }).first();
        assert.equal(Number(copies!.c), 0, `${n.dept} receipted a copy`);
      }
    });

    test('every node has the same blocks, state hashes and state', async () => {
      const height = node('market').height;
      await waitForHeight(net.all(), height, { final: true });
      for (let h = 0; h <= height; h++) {
        const blocks = await Promise.all(net.all().map((n) => n.store.blockByHeight(h)));
        assert.equal(new Set(blocks.map((b) => b!.hash)).size, 1, `block ${h} differs between nodes`);
        assert.equal(new Set(blocks.map((b) => b!.header.stateHash)).size, 1, `state hash ${h} differs`);
      }
      const heads = await Promise.all(net.all().map((n) => n.store.head()));
      assert.equal(new Set(heads.map((h) => `${h!.height}:${h!.hash}:${h!.stateHash}`)).size, 1);
      const dumps = await Promise.all(net.all().map(async (n) => canonicalJson((await n.db('state').select('k', 'v')).sort(byKey))));
      assert.equal(new Set(dumps).size, 1, 'state tables differ');
    });

    test('state_history replays to the current state and to every header state hash', async () => {
      for (const n of net.all()) {
        const rows: { k: string; height: number; tx_id: string; old_v: string | null; new_v: string | null }[] = await n.db('state_history').orderBy('id');
        const state = new Map<string, string>();
        for (const r of rows) {
          assert.equal(r.old_v ?? null, state.get(r.k) ?? null, `${n.dept}: history of ${r.k} at ${r.height} does not chain`);
          if (r.new_v === null) state.delete(r.k);
          else state.set(r.k, r.new_v);
        }
        const table = (await n.db('state').select('k', 'v')).sort(byKey);
        assert.deepEqual(table, [...state].map(([k, v]) => ({ k, v })).sort(byKey), `${n.dept}: state and state_history disagree`);

        let prev = genesisHash(keys.genesis);
        for (let h = 0; h <= n.height; h++) {
          const writes: StateWrite[] = rows
            .filter((r) => Number(r.height) === h)
            .map((r) => ({ key: r.k, old: r.old_v, new: r.new_v, txId: r.tx_id }))
            .sort((a, b) => (a.key < b.key ? -1 : 1));
          prev = nextStateHash(prev, writes);
          assert.equal(prev, (await n.store.blockByHeight(h))!.header.stateHash, `${n.dept}: state hash at ${h}`);
        }
      }
    });

    test('the verifier replays every node from genesis to the same result', async () => {
      for (const n of net.all()) {
        const r = await replayChain(n.store, keys.genesis, buildRegistry([]));
        // from 0: every node here started at genesis, not from a snapshot
        assert.deepEqual(r, { ok: true, height: n.height, txs: Number((await n.db('txs').count({ c: '*' }).first())!.c), from: 0 });
      }
    });
  });
}
