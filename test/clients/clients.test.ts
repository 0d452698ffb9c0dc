import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { unclassifiedStateLeaves } from '../../server/chain/classification.ts';
import { clientActorId } from '../../server/chain/identity.ts';
import { STATE_CLASSES } from '../../server/http/stateClasses.ts';
import { canonicalJson } from '../../server/chain/canonical.ts';
import { signTx, txId } from '../../server/chain/tx.ts';
import { suiteByName } from '../../server/chain/suites/index.ts';
import { keygen, TongbanClient, TongbanError } from '../../sdk/index.ts';
import { refusal, startClientWorld, type ClientWorld } from './support.ts';


describe('integration clients: registration, submission once per reference, the rule of their staff', () => {
  let w: ClientWorld;
  before(async () => {
    w = await startClientWorld({ rate: { perSecond: 1, burst: 6 } });
  });
  after(() => w.stop());

  test('an administrator registers a client with its own key; the list shows its role, grants and actor name', async () => {
    const { keys } = await w.client('crm');
    const list = (await w.admin.get('/market/api/admin/clients').expect(200)).body.items;
    const crm = list.find((c: { id: string }) => c.id === 'crm');
    assert.equal(crm.key, keys.publicKey);
    assert.equal(crm.role, 'approver');
    assert.deepEqual(crm.kinds, ['note.make']);
    assert.equal(crm.actor, clientActorId('market', 'crm'));
    assert.equal(crm.active, true);
  });

  test("registration refuses a kind the client's role may not submit, an unknown kind, the admin role, a used key and a used id, writing nothing", async () => {
    const { keys } = await w.client('erp');
    const before = await w.txCount();
    const base = { id: 'bad1', name: '坏', publicKey: 'a'.repeat(64), role: 'approver', kinds: ['note.make'], events: [] };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ kinds: ['enterprise.register'] }, 403, 'KIND_NOT_FOR_ROLE'],
      [{ kinds: ['filing.submit'] }, 403, 'KIND_NOT_FOR_ROLE'],
      [{ kinds: ['nothing.here'] }, 400, 'UNKNOWN_KIND'],
      [{ role: 'admin', kinds: ['user.register'] }, 400, 'BAD_REQUEST'],
      [{ role: 'auditor', kinds: ['audit.view'] }, 403, 'AUDITOR_OUTSIDE_AUDIT'],
      [{ publicKey: keys.publicKey }, 409, 'KEY_IN_USE'],
      [{ id: 'erp' }, 409, 'CLIENT_EXISTS'],
      [{ publicKey: 'zz' }, 400, 'BAD_REQUEST'],
    ];
    for (const [change, status, code] of cases) {
      const res = await w.admin.post('/market/api/admin/clients', { ...base, ...change });
      assert.equal(res.status, status, `${JSON.stringify(change)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, code, JSON.stringify(change));
      assert.ok(res.body.message.length > 10);
    }
    assert.equal(await w.txCount(), before, 'nothing was ordered');
    const ids = (await w.admin.get('/market/api/admin/clients').expect(200)).body.items.map((c: { id: string }) => c.id);
    assert.ok(!ids.includes('bad1'));
  });

  test('a submission with a reference makes one transaction; the same reference answers its receipt; a different body is 409 and writes nothing', async () => {
    const { sdk } = await w.client('once');
    const first = await sdk.submit('note.make', { text: '第一' }, { ref: 'ORDER-1' });
    assert.equal(first.receipt.status, 'ok');
    assert.equal(first.receipt.events[0].data.by, 'client:market:once');
    const again = await sdk.submit('note.make', { text: '第一' }, { ref: 'ORDER-1' });
    assert.equal(again.id, first.id, 'signed afresh (new nonce and time), still the first transaction');
    const count = await w.txCount();
    const e = await refusal(() => sdk.submit('note.make', { text: '第二' }, { ref: 'ORDER-1' }));
    assert.equal(e.status, 409);
    assert.equal(e.code, 'IDEMPOTENCY_CONFLICT');
    assert.equal(await w.txCount(), count);
  });

  test('a kind not granted, and a body without ref, are refused with nothing written and the reference still free', async () => {
    const { sdk } = await w.client('narrow', { role: 'approver', kinds: ['note.make'] });
    const count = await w.txCount();
    const e = await refusal(() => sdk.submit('approval.decide', { id: 'AP-1-0', decision: 'approve', opinion: '同意' }, { ref: 'R-1' }));
    assert.equal(e.status, 403);
    assert.equal(e.code, 'KIND_NOT_GRANTED');
    assert.equal(await w.txCount(), count);
    const ok = await sdk.submit('note.make', { text: '之后' }, { ref: 'R-1' });
    assert.equal(ok.receipt.status, 'ok', 'the refused submission did not keep the reference');
    const bare = await request(w.url).post('/market/api/clients/tx').send({ tx: {} });
    assert.equal(bare.status, 400);
    assert.equal(bare.body.code, 'BAD_REQUEST');
  });

  test('a client of another department, or a staff key, is not a client here', async () => {
    const node = w.p.node('tax');
    const tx = node.signAs(undefined, 'note.make', { text: '节点' });
    const res = await request(w.url).post('/market/api/clients/tx').send({ ref: 'X', tx });
    assert.equal(res.status, 403);
    assert.equal(res.body.code, 'NOT_A_CLIENT');
  });

  test('a disabled client is refused at its door, the general doors refuse any client, and the contract in its block on every node', async () => {
    const { sdk, keys } = await w.client('old');
    await w.admin.post('/market/api/admin/clients/old/disable', {}).expect(200);
    const e = await refusal(() => sdk.submit('note.make', { text: '停用后' }, { ref: 'D-1' }));
    assert.equal(e.code, 'CLIENT_DISABLED');
    assert.equal(e.status, 403);
    const read = await refusal(() => sdk.events({ follow: false }).next());
    assert.equal(read.code, 'CLIENT_DISABLED');
    // straight into the log, past every door: the chain's own rule refuses it
    const genesis = w.p.node('market').genesis;
    const suite = suiteByName(genesis.suite);
    const tx = signTx({ chain: genesis.chain, kind: 'note.make', payload: { text: '绕过' }, signer: keys.publicKey, actor: 'client:market:old', nonce: 1, time: Date.now() }, keys.privateKey, suite);
    // the general doors are not a client's: they would skip its reference and its rate limit
    const general = await request(w.url).post('/market/api/tx').send(tx);
    assert.equal(general.status, 403);
    assert.equal(general.body.code, 'CLIENT_DOOR');
    const batch = await request(w.url).post('/market/api/txs').send({ txs: [tx] });
    assert.equal(batch.body.code, 'CLIENT_DOOR');
    await w.log.append([Buffer.from(canonicalJson({ t: 'tx', tx }))]);
    const id = txId(tx);
    for (const d of ['market', 'tax']) {
      const row = await w.p.node(d).waitFor(id, 'receipt');
      assert.equal(row.status, 'rejected');
      assert.equal(row.code, 'CLIENT_DISABLED');
    }
  });

  test('a rotated key is refused for submissions and signed reads; the new key works', async () => {
    const { sdk, keys } = await w.client('rot');
    const fresh = keygen(keys.suite);
    const res = await w.admin.post('/market/api/admin/clients/rot/rotate', { publicKey: fresh.publicKey }).expect(200);
    assert.deepEqual(res.body.client.keysOld, [keys.publicKey]);
    const e = await refusal(() => sdk.submit('note.make', { text: '旧钥' }, { ref: 'K-1' }));
    assert.equal(e.code, 'KEY_ROTATED');
    const read = await refusal(() => sdk.events({ follow: false }).next());
    assert.equal(read.code, 'KEY_ROTATED');
    const renewed = new TongbanClient({ url: w.url, dept: 'market', clientId: 'rot', key: fresh.privateKey, retries: 1 });
    assert.equal((await renewed.submit('note.make', { text: '新钥' }, { ref: 'K-1' })).receipt.status, 'ok');
  });

  test('every state record the client contracts wrote is classified, leaf by leaf', async () => {
    const rows = (await w.p.node('market').db('state_history').whereNotNull('new_v').select('k', 'new_v')) as { k: string; new_v: string }[];
    const mine = rows.filter((r) => /^(client|clients)\//.test(r.k) || (r.k.startsWith('key/') && JSON.parse(r.new_v).type === 'client'));
    assert.ok(mine.length >= 10, `${mine.length} client records`);
    for (const r of mine) assert.deepEqual(unclassifiedStateLeaves(STATE_CLASSES, r.k, JSON.parse(r.new_v)), [], r.k);
  });

  test('past its rate a client gets 429 RATE_LIMITED with Retry-After', async () => {
    const { sdk } = await w.client('busy');
    let limited: TongbanError | undefined;
    for (let i = 0; i < 10 && !limited; i++) {
      try {
        await sdk.submit('note.make', { text: `第${i}` }, { ref: `B-${i}` });
      } catch (e) {
        if (!(e instanceof TongbanError)) throw e;
        limited = e;
      }
    }
    assert.ok(limited, 'refused within ten quick submissions');
    assert.equal(limited!.status, 429);
    assert.equal(limited!.code, 'RATE_LIMITED');
    assert.ok(limited!.retryAfter! >= 1);
  });
});
