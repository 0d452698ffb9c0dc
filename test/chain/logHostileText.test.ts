import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { canonicalJson } from '../../server/chain/canonical.ts';
import { publicTx } from '../../server/chain/http/chainRoutes.ts';
import { sha256Hex } from '../../server/chain/hash.ts';
import { openLedgerStore } from '../../server/chain/store/chainStore.ts';
import { ed25519Suite } from '../../server/chain/suites/ed25519.ts';
import { txId, txSigningMessage } from '../../server/chain/tx.ts';
import { replayChain } from '../../server/chain/replay.ts';
import { createLocalNetwork, makeConsortium, waitForHeight } from '../support/fixtures.ts';

/**
 * Records the HTTP edge would refuse can still be appended to the log by whoever reaches the
 * broker: text with lone surrogates (no UTF-8 form, so no canonical bytes) and values nested
 * ten thousand deep (which would overflow a recursive serialiser at a depth that differs
 * between processes). Each must be rejected in its block with the same code on every node,
 * and the nodes must go on.
 */
describe('hostile text and nesting in the ordering log', () => {
  const keys = makeConsortium(['market', 'tax', 'hrss', 'housing']);
  let net: Awaited<ReturnType<typeof createLocalNetwork>>;
  before(async () => {
    net = await createLocalNetwork(keys);
  });
  after(() => net.stop());

  /** A record signed by the market node over an id its own writer computed; JSON.stringify escapes lone surrogates. */
  function record(payloadJson: string, nonce: number): string {
    const market = net.nodes.market;
    const head = { chain: keys.genesis.chain, kind: 'user.register', signer: market.publicKey, nonce, time: Date.now() };
    const unsigned = `{"chain":${JSON.stringify(head.chain)},"kind":"user.register","nonce":${nonce},"payload":${payloadJson},"signer":"${head.signer}","time":${head.time}}`;
    const signature = ed25519Suite.sign(keys.nodeKeys.market, txSigningMessage(sha256Hex(unsigned)));
    return `{"t":"tx","tx":${unsigned.slice(0, -1)},"signature":"${signature}"}}`;
  }

  test('lone surrogates and deep nesting are rejected with a code in their block; the chain goes on', async () => {
    const market = net.nodes.market;
    const nonce = Date.now() * 10;
    const cases: [string, string, string][] = [
      ['lone surrogate in a value', record(JSON.stringify({ id: 'lone1', name: 'x\ud800', role: 'approver' }), nonce + 1), 'ILL_FORMED_TEXT'],
      ['lone surrogate in a key', record('{"id":"lone2","name":"n","role":"approver","\\udc00":1}', nonce + 2), 'ILL_FORMED_TEXT'],
      ['nested 10,000 deep', record(`{"id":"deep1","name":${'['.repeat(10_000)}${']'.repeat(10_000)},"role":"approver"}`, nonce + 3), 'TOO_DEEP'],
      ['nested 65 deep', record(`{"id":"deep2","name":${'{"a":'.repeat(64)}1${'}'.repeat(64)},"role":"approver"}`, nonce + 4), 'TOO_DEEP'],
    ];
    const good = market.signAs(undefined, 'user.register', { id: 'after', name: '之后', role: 'approver' });
    await net.log.append([...cases.map(([, text]) => Buffer.from(text)), Buffer.from(canonicalJson({ t: 'tx', tx: good }))]);

    const last = await market.waitFor(txId(good), 'final');
    assert.equal(last.status, 'ok', 'the transaction after them is applied');
    const nodes = Object.values(net.nodes);
    await waitForHeight(nodes, last.height);
    for (const [what, text, code] of cases) {
      const row = await market.store.tx(sha256Hex(text));
      assert.equal(row?.status, 'rejected', `${what}: receipted as rejected under the hash of its bytes`);
      assert.equal(row?.code, code, what);
    }
    for (const id of ['lone1', 'lone2', 'deep1', 'deep2']) assert.equal(await market.view().get(`user/market/${id}`), undefined);
    for (const n of nodes) {
      assert.equal(n.isHalted, false, `${n.dept} goes on`);
      assert.equal((await n.store.blockByHeight(last.height))!.hash, (await market.store.blockByHeight(last.height))!.hash, `${n.dept} agrees`);
    }
    // What the block and transaction routes answer must serialise: a record too deep is shown as its text.
    for (const row of await market.store.txsOfBlock((await market.store.tx(sha256Hex(cases[2][1])))!.height)) {
      assert.doesNotThrow(() => JSON.stringify(publicTx(row)), row.id);
    }
    assert.equal(publicTx((await market.store.tx(sha256Hex(cases[2][1])))!).tx, cases[2][1]);
    const replay = await replayChain(openLedgerStore(market.db), keys.genesis, buildRegistry([]));
    assert.ok(replay.ok, `the replay derives the same receipts: ${JSON.stringify(replay)}`);
  });

  test('canonical JSON names the problem with a code instead of throwing a bare error', () => {
    assert.throws(() => canonicalJson({ a: 'x\ud800' }), { code: 'ILL_FORMED_TEXT' });
    assert.throws(() => canonicalJson({ ['\udc00']: 1 }), { code: 'ILL_FORMED_TEXT' });
    let v: unknown = 1;
    for (let i = 0; i < 10_000; i++) v = [v];
    assert.throws(() => canonicalJson(v), { code: 'TOO_DEEP' });
    let ok: unknown = 1;
    for (let i = 0; i < 64; i++) ok = { a: ok };
    assert.equal(canonicalJson(ok).length, 64 * 6 + 1, 'sixty-four levels are still a ledger value');
    assert.equal(canonicalJson({ a: 'x\ud83d\ude00' }), '{"a":"x😀"}', 'a surrogate pair is text like any other');
  });
});
