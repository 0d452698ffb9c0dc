import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { canonicalJson } from '../../server/chain/canonical.ts';
import { ed25519Suite } from '../../server/chain/suites/ed25519.ts';
import { sha256Hex } from '../../server/chain/hash.ts';
import type { Tx } from '../../server/chain/schema.ts';
import { TX_COLUMN_WIDTHS } from '../../server/chain/store/chainStore.ts';
import { signTx, txId } from '../../server/chain/tx.ts';
import { VerifyPool } from '../../server/chain/verifyPool.ts';
import { makeConsortium, waitForHeight } from '../support/fixtures.ts';
import { createNetwork, type Network } from '../support/network.ts';

/** A database server for the suite: one fresh database per name asked for. */
export interface ForgeryBackend {
  db(name: string): Promise<Knex>;
  stop(): Promise<void>;
}

const txRecord = (tx: unknown) => canonicalJson({ t: 'tx', tx });

/**
 * The log is not trusted: anyone with broker access could append to it. Records that bypass
 * the HTTP checks must be rejected inside their block, identically on every node, never
 * silently dropped and never applied, and their receipts must be storable whatever they hold
 * (MySQL in strict mode refuses a value longer than its column, and the block with it).
 */
export function logForgerySuite(label: string, startBackend: () => Promise<ForgeryBackend>): void {
  describe(`records appended straight to the log, on ${label}`, () => {
    const pool = new VerifyPool(2);
    let backend: ForgeryBackend;
    let networks = 0;
    const network = async (opts: { verifyPool?: VerifyPool } = {}): Promise<Network> => {
      const n = ++networks;
      return createNetwork(makeConsortium(['market', 'tax', 'hrss', 'housing']), { db: (dept) => backend.db(`f${n}_${dept}`), verifyPool: opts.verifyPool });
    };
    before(async () => {
      backend = await startBackend();
    });
    after(async () => {
      await pool.close();
      await backend?.stop();
    });

    test('forged, garbage and duplicate records each get one receipt and change no state', async () => {
      const net = await network({ verifyPool: pool });
      try {
        const market = net.nodes.market;
        const good = Array.from({ length: 40 }, (_, i) => market.signAs(undefined, 'user.register', { id: `ok${i}`, name: '正常', role: 'approver' }));
        const attacker = ed25519Suite.generateKeyPair();
        // Claims the market node as signer but is signed by someone else.
        const forged = { ...market.signAs(undefined, 'user.register', { id: 'forged', name: '伪造', role: 'admin' }) };
        forged.signature = signTx({ ...forged, signature: undefined } as any, attacker.privateKey, ed25519Suite).signature;
        const records = [
          ...good.slice(0, 20).map(txRecord),
          txRecord(forged),
          'this is not json',
          txRecord(good[3]), // a duplicate of an earlier record
          ...good.slice(20).map(txRecord),
        ];
        await net.log.append(records.map((r) => Buffer.from(r)));
        const last = await market.waitFor(txId(good[39]), 'final');
        const nodes = net.all();
        await waitForHeight(nodes, last.height);

        const forgedRow = await market.store.tx(sha256Hex(txRecord(forged)));
        assert.equal(forgedRow?.status, 'rejected', 'a broken record is receipted under the hash of its bytes');
        assert.equal(forgedRow?.code, 'BAD_SIGNATURE');
        assert.equal(await market.view().get('user/market/forged'), undefined);

        const rows = await market.db('txs').select('id', 'status', 'code', 'log_offset');
        assert.equal(rows.filter((r: any) => r.id === txId(good[3])).length, 1, 'duplicate receipted once');
        assert.equal(Number(rows.find((r: any) => r.id === txId(good[3]))!.log_offset), (await market.store.tx(txId(good[3])))!.offset);
        assert.ok(rows.some((r: any) => r.code === 'MALFORMED_TX'), 'garbage stays visible as a rejected record');
        assert.equal(rows.filter((r: any) => r.status === 'ok').length, 40);

        assert.equal(await market.store.tx(txId(forged)), undefined, 'the forgery claims no id');
        for (const n of nodes) assert.equal((await n.store.blockByHeight(last.height))!.hash, (await market.store.blockByHeight(last.height))!.hash);
      } finally {
        await net.stop();
      }
    });

    test('oversized fields are rejected in their block and their receipts fit the columns', async () => {
      const net = await network();
      try {
        const market = net.nodes.market;
        const base = market.signAs(undefined, 'user.register', { id: 'base', name: '基', role: 'approver' });
        const resign = (changes: Record<string, unknown>): Tx => {
          const { signature: _, ...unsigned } = { ...base, ...changes, nonce: base.nonce + 1 + Object.keys(changes).join().length };
          return signTx(unsigned as Tx, (market as any).privateKey, market.suite);
        };
        const k64 = `user.${'r'.repeat(59)}`; // 64 characters: fits, and no contract has it
        const forgeries: { what: string; text: string; code: string }[] = [
          { what: 'a kind past 64 characters', text: txRecord(resign({ kind: `user.${'r'.repeat(300)}` })), code: 'MALFORMED_TX' },
          { what: 'an unknown kind of 64 characters', text: txRecord(resign({ kind: k64 })), code: 'UNKNOWN_KIND' },
          { what: 'a long actor', text: txRecord(resign({ actor: '张'.repeat(3000) })), code: 'MALFORMED_TX' },
          { what: 'a long signer', text: txRecord({ ...base, signer: 'a'.repeat(20_000) }), code: 'MALFORMED_TX' },
          { what: 'a long signature', text: txRecord({ ...base, signature: 'b'.repeat(20_000) }), code: 'MALFORMED_TX' },
          { what: 'a long chain id', text: txRecord({ ...base, chain: 'c'.repeat(5000) }), code: 'MALFORMED_TX' },
          { what: 'a huge nonce', text: JSON.stringify({ t: 'tx', tx: { ...base, nonce: 1e300 } }), code: 'MALFORMED_TX' },
          // the schema's message names the unknown key: a reason far longer than a TEXT column
          { what: 'a long unknown field', text: txRecord({ ...base, ['x'.repeat(70_000)]: 1 }), code: 'MALFORMED_TX' },
          { what: 'an attestation with a long signature', text: canonicalJson({ t: 'sig', h: 1, hash: 'a'.repeat(64), dept: 'market', sig: 'd'.repeat(50_000) }), code: 'MALFORMED_TX' },
        ];
        const after = market.signAs(undefined, 'user.register', { id: 'after', name: '后', role: 'approver' });
        await net.log.append([...forgeries.map((f) => Buffer.from(f.text)), Buffer.from(txRecord(after))]);
        const last = await market.waitFor(txId(after), 'final');
        assert.equal(last.status, 'ok', 'the chain goes on after the forgeries');
        await waitForHeight(net.all(), last.height);

        for (const f of forgeries) {
          const id = f.code === 'UNKNOWN_KIND' ? txId(JSON.parse(f.text).tx) : sha256Hex(f.text);
          const row = await market.store.tx(id);
          assert.equal(row?.status, 'rejected', f.what);
          assert.equal(row?.code, f.code, f.what);
          assert.ok(row!.kind.length <= TX_COLUMN_WIDTHS.kind && row!.signer.length <= TX_COLUMN_WIDTHS.signer, f.what);
          assert.ok((row!.actor ?? '').length <= TX_COLUMN_WIDTHS.actor && (row!.reason ?? '').length <= TX_COLUMN_WIDTHS.reason, f.what);
        }
        const unknown = await market.store.tx(txId(JSON.parse(forgeries[1].text).tx));
        assert.equal(unknown?.kind, k64, 'a kind that fits is shown as it is');
        for (const n of net.all()) {
          assert.equal(n.isHalted, false, `${n.dept} halted`);
          for (let h = 1; h <= last.height; h++) assert.equal((await n.store.blockByHeight(h))!.hash, (await market.store.blockByHeight(h))!.hash, `${n.dept} at ${h}`);
        }
      } finally {
        await net.stop();
      }
    });

    test('a broken copy logged before the genuine transaction does not shadow it', async () => {
      const net = await network();
      try {
        const market = net.nodes.market;
        const genuine = market.signAs(undefined, 'user.register', { id: 'real', name: '真', role: 'approver' });
        const broken = { ...genuine, signature: genuine.signature.replace(/^./, (c) => (c === '0' ? '1' : '0')) };
        await net.log.append([Buffer.from(txRecord(broken))]);
        await market.submit(genuine);
        const row = await market.waitFor(txId(genuine), 'receipt');
        assert.equal(row.status, 'ok');
        assert.equal((await market.view().get<{ role: string }>('user/market/real'))?.role, 'approver');
      } finally {
        await net.stop();
      }
    });
  });
}
