import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { clientAuthHeader, clientRequestText } from '../../shared/clientRequest.ts';
import { signatureHeader } from '../../server/events/signature.ts';
import { signText, TongbanError, verifyWebhook, type FeedEvent, type TongbanClient } from '../../sdk/index.ts';
import { login } from '../support/platform.ts';
import { refusal, startClientWorld, type ClientWorld } from './support.ts';

async function collect(it: AsyncGenerator<FeedEvent>, n: number): Promise<FeedEvent[]> {
  const out: FeedEvent[] = [];
  for await (const e of it) {
    out.push(e);
    if (out.length >= n) break;
  }
  return out;
}

describe('the SDK: the feed with a checkpoint, inclusion proofs checked offline, webhook deliveries checked', () => {
  let w: ClientWorld;
  let sdk: TongbanClient;
  let keys: { privateKey: string; suite: 'ed25519' | 'sm2' };
  const ids: string[] = [];
  before(async () => {
    w = await startClientWorld();
    ({ sdk, keys } = await w.client('feed', { events: ['note.*', 'client.registered'] }));
    for (let i = 0; i < 3; i++) ids.push((await sdk.submit('note.make', { text: `记录${i}` }, { ref: `F-${i}` })).id);
  });
  after(() => w.stop());

  test('events come within the grant; the checkpoint resumes with no gap and no duplicate', async () => {
    // the caller stores each event's id once it has handled the event, and resumes from it
    let stored = '0';
    const first: FeedEvent[] = [];
    for await (const e of sdk.events({ kinds: ['note.made'], follow: false })) {
      first.push(e);
      stored = e.id;
      if (first.length === 2) break;
    }
    assert.deepEqual(first.map((e) => e.txId), ids.slice(0, 2));
    assert.equal(first[0].data.by, 'client:market:feed');
    const checkpoints: string[] = [];
    const rest = await collect(sdk.events({ after: stored, kinds: ['note.made'], follow: false, onCheckpoint: (c) => checkpoints.push(c) }), 10);
    assert.deepEqual(rest.map((e) => e.txId), ids.slice(2));
    assert.deepEqual(checkpoints, rest.map((e) => e.id), 'onCheckpoint follows each handled event');
    const all = await collect(sdk.events({ follow: false }), 100);
    assert.ok(all.every((e) => e.type.startsWith('note.') || e.type === 'client.registered'), 'only granted types');
    assert.ok(all.some((e) => e.type === 'client.registered'));
  });

  test('kinds outside the grant are 403; a cursor from another department or the future is 400', async () => {
    const e = await refusal(() => collect(sdk.events({ kinds: ['user.registered'], follow: false }), 1));
    assert.equal(e.status, 403);
    assert.equal(e.code, 'KINDS_NOT_GRANTED');
    const taxAdmin = await login(w.p, 'tax', 'admin');
    const taxEvent = (await taxAdmin.get('/tax/api/events?after=0&kinds=user.registered').expect(200)).body.events[0] as FeedEvent;
    const market = (await w.admin.get('/market/api/events?after=0&limit=1000').expect(200)).body.events as FeedEvent[];
    assert.ok(!market.some((m) => m.id === taxEvent.id), 'the test needs an event in tax\'s feed only');
    const other = await refusal(() => collect(sdk.events({ after: taxEvent.id, follow: false }), 1));
    assert.equal(other.status, 400);
    assert.equal(other.code, 'CURSOR_NOT_IN_FEED');
    const adminToo = await w.admin.get(`/market/api/events?after=${taxEvent.id}`);
    assert.equal(adminToo.body.code, 'CURSOR_NOT_IN_FEED');
    const future = await refusal(() => collect(sdk.events({ after: `${w.p.node('market').height + 50}-0-0`, follow: false }), 1));
    assert.equal(future.code, 'CURSOR_AHEAD');
    const height = await collect(sdk.events({ after: String(w.p.node('market').height), follow: false }), 1);
    assert.deepEqual(height, [], 'a bare height replays from after that block');
  });

  test('a signed read is refused when replayed, stale, forged or unsigned', async () => {
    const g = w.p.node('market').genesis;
    const path = '/market/api/events?after=0&kinds=note.made';
    const header = (t: number, key = keys.privateKey) => clientAuthHeader('feed', t, signText(keys.suite, key, clientRequestText(g.chain, 'market', 'feed', 'GET', path, t)));
    const h = header(Date.now());
    await request(w.url).get(path).set('authorization', h).expect(200);
    const replay = await request(w.url).get(path).set('authorization', h);
    assert.deepEqual([replay.status, replay.body.code], [401, 'REPLAYED']);
    const stale = await request(w.url).get(path).set('authorization', header(Date.now() - 120_000));
    assert.deepEqual([stale.status, stale.body.code], [401, 'STALE_REQUEST']);
    const forged = await request(w.url).get(path).set('authorization', header(Date.now(), '1'.repeat(64)));
    assert.deepEqual([forged.status, forged.body.code], [401, 'BAD_SIGNATURE']);
    const other = await request(w.url).get('/market/api/events?after=0&kinds=user.registered').set('authorization', header(Date.now()));
    assert.deepEqual([other.status, other.body.code], [401, 'BAD_SIGNATURE'], 'the signature covers the query');
    const junk = await request(w.url).get(path).set('authorization', 'TongbanClient nonsense');
    assert.deepEqual([junk.status, junk.body.code], [401, 'BAD_CLIENT_AUTH']);
    const none = await request(w.url).get(path);
    assert.equal(none.status, 401);
  });

  test("waitFinal and verifyInclusion check a transaction's block and certificate offline; a tampered proof fails", async () => {
    const proof = await sdk.waitFinal(ids[0], { timeoutMs: 30_000, pollMs: 100 });
    assert.equal(proof.receipt.id, ids[0]);
    const [event] = await collect(sdk.events({ kinds: ['note.made'], follow: false }), 1);
    const ok = await sdk.verifyInclusion(event);
    assert.equal(ok.height, event.height);
    assert.ok(ok.certifiedAt >= ok.height);
    const changed = await refusal(() => sdk.verifyInclusion({ ...event, data: { ...event.data, text: '改过' } }));
    assert.equal(changed.code, 'NOT_INCLUDED');
    const { verifyTxInclusion } = await import('../../shared/verify/inclusion.ts');
    const g = w.p.node('market').genesis;
    const trust = { chain: g.chain, suite: g.suite, version: g.version ?? 1, members: g.members };
    assert.equal(verifyTxInclusion(proof, trust).ok, true);
    const bad = (p: typeof proof) => verifyTxInclusion(p, trust).ok;
    assert.equal(bad({ ...proof, receipt: { ...proof.receipt, status: 'rejected' } }), false, 'another outcome');
    assert.equal(bad({ ...proof, cert: { ...proof.cert, sigs: proof.cert.sigs.slice(0, 1) } }), false, 'below the quorum');
    assert.equal(bad({ ...proof, proof: { ...proof.proof, index: proof.proof.index + 1 } }), false, 'another leaf');
    assert.equal(verifyTxInclusion(proof, { ...trust, members: trust.members.map((m) => ({ ...m, nodeKey: '0'.repeat(64) })) }).ok, false, 'other member keys');
  });

  test("a proof is only of the department's own feed for the client; someone else's transaction is 404", async () => {
    const taxAdmin = await login(w.p, 'tax', 'admin');
    const taxTx = ((await taxAdmin.get('/tax/api/events?after=0&kinds=user.registered').expect(200)).body.events[0] as FeedEvent).txId;
    const e = await refusal(() => sdk.proof(taxTx));
    assert.equal(e.status, 404);
    const bad = await refusal(() => sdk.proof('xyz'));
    assert.equal(bad.code, 'BAD_TX_ID');
  });

  test('verifyWebhook passes a delivery as signed and refuses a forged, stale or malformed one with 401', () => {
    const secret = 'whsec_test';
    const body = JSON.stringify({ webhook: 'w1', event: { id: '5-0-0' } });
    const now = Math.floor(Date.now() / 1000);
    const good = { 'x-tongban-signature': signatureHeader(secret, body, now), 'x-tongban-event-id': '5-0-0' };
    assert.deepEqual(verifyWebhook(good, body, secret), { eventId: '5-0-0', t: now });
    const forgedMac = createHmac('sha256', 'another secret').update(`${now}.${body}`).digest('hex');
    const cases: [Record<string, string>, string, string][] = [
      [{ 'x-tongban-signature': `t=${now},v1=${forgedMac}` }, body, 'WEBHOOK_FORGED'],
      [good, body.replace('w1', 'w2'), 'WEBHOOK_FORGED'],
      [{ 'x-tongban-signature': signatureHeader(secret, body, now - 3600) }, body, 'WEBHOOK_STALE'],
      [{}, body, 'WEBHOOK_MALFORMED'],
    ];
    for (const [headers, b, code] of cases) {
      assert.throws(() => verifyWebhook(headers, b, secret), (e: TongbanError) => e.code === code && e.status === 401, code);
    }
  });
});
