import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { canonicalJson as serverCanonical } from '../../server/chain/canonical.ts';
import { ed25519Suite } from '../../server/chain/suites/ed25519.ts';
import { checkTxStateless, txId as serverTxId } from '../../server/chain/tx.ts';
import { loginMessage } from '../../server/http/auth.ts';
import type { Platform } from '../../server/platform.ts';
import { ApiError, createClient, type KeyValueStore } from '../../web/src/api/client.ts';
import { keyStore, KeyVaultError, openKey, parseBackup, sealKey, backupText } from '../../web/src/crypto/keyVault.ts';
import { canonicalJson, generateSecretKey, newTx, publicKeyOf, signChallenge, signTx, txId } from '../../web/src/crypto/txSign.ts';
import { startTestPlatform } from '../support/platform.ts';

const CHAIN = 'test-chain';
const opts = { chain: CHAIN, suite: ed25519Suite, maxTxBytes: 64 * 1024 };

/** The browser's signing code must produce exactly what the server verifies. */
describe('browser signing', () => {
  const secret = generateSecretKey();
  const signer = publicKeyOf(secret);
  const unsigned = () =>
    newTx({ chain: CHAIN, kind: 'filing.submit', payload: { code: '91310000MA1FL8XQ3K', 名称: '示例企业 “甲”', items: [3, { b: 1, a: 'x' }], ok: true, none: null }, signer });

  test('a transaction signed in the browser passes checkStateless, with the same id', () => {
    const { tx, id } = signTx(unsigned(), secret);
    const checked = checkTxStateless(tx, opts);
    assert.equal(checked.id, id);
    assert.equal(serverTxId(tx), txId(tx));
  });

  test('the same public key as the server derives', () => {
    assert.equal(ed25519Suite.publicKeyOf(secret), signer);
  });

  test('changing anything after signing breaks the signature', () => {
    const { tx } = signTx(unsigned(), secret);
    assert.throws(() => checkTxStateless({ ...tx, payload: { ...tx.payload, ok: false } }, opts), { code: 'BAD_SIGNATURE' });
    assert.throws(() => checkTxStateless({ ...tx, nonce: tx.nonce + 1 }, opts), { code: 'BAD_SIGNATURE' });
  });

  test('canonical JSON matches the server byte for byte', () => {
    const v = { z: 1, a: [{ y: '\u2028', x: 'é' }], m: { '10': 1, '9': 2, é: 3, e: 4 }, n: -0, s: '"\\' };
    assert.equal(canonicalJson(v), serverCanonical(v));
  });

  test('floats are refused before signing, as the ledger would', () => {
    assert.throws(() => canonicalJson({ amount: 1.5 }), /safe integers/);
  });

  test('a signed login challenge verifies as the server checks it', () => {
    const message = loginMessage(CHAIN, 'market', 'abc123').toString();
    const sig = signChallenge(message, secret);
    assert.ok(ed25519Suite.verify(signer, loginMessage(CHAIN, 'market', 'abc123'), sig));
    assert.ok(!ed25519Suite.verify(signer, loginMessage(CHAIN, 'tax', 'abc123'), sig));
  });
});

describe('browser signing against a running node', () => {
  let p: Platform;
  let baseUrl: string;
  before(async () => {
    p = await startTestPlatform({ depts: ['market', 'tax', 'hrss', 'housing'], demo: false });
    baseUrl = `http://127.0.0.1:${((await p.listen(0)).address() as AddressInfo).port}`;
  });
  after(() => p.stop());

  test('the node accepts the signature and then refuses the key as unregistered', async () => {
    const secret = generateSecretKey();
    const { tx } = signTx(newTx({ chain: p.node('market').genesis.chain, kind: 'user.register', payload: { id: 'x1', name: 'x', role: 'clerk' }, signer: publicKeyOf(secret) }), secret);
    const c = createClient({ baseUrl });
    await assert.rejects(c.post('/market/api/tx', tx), (e: ApiError) => e.status === 403 && e.code === 'UNKNOWN_SIGNER');
    await assert.rejects(c.post('/market/api/tx', { ...tx, time: tx.time + 1 }), (e: ApiError) => e.code === 'BAD_SIGNATURE');
  });

  test('enterprise sign-in: the challenge signature is accepted, the unregistered key is not', async () => {
    const c = createClient({ baseUrl });
    const secret = generateSecretKey();
    const ch = await c.get<{ challenge: string; message: string }>('/market/api/auth/challenge');
    const body = { publicKey: publicKeyOf(secret), challenge: ch.challenge, signature: signChallenge(ch.message, secret) };
    await assert.rejects(c.post('/market/api/auth/enterprise', body), (e: ApiError) => e.code === 'UNKNOWN_SIGNER' && /not registered/.test(e.message));
  });
});

describe('enterprise key vault', () => {
  const secret = generateSecretKey();
  const ITER = 100_000; // the floor parseBackup accepts; the portal uses 600,000

  test('seals and opens with the passphrase; the backup text round-trips', async () => {
    const b = await sealKey(secret, 'correct horse battery', '91310000MA1FL8XQ3K', ITER);
    assert.equal(b.publicKey, publicKeyOf(secret));
    assert.ok(!JSON.stringify(b).includes(secret), 'the secret is not in the record');
    assert.equal(await openKey(parseBackup(backupText(b)), 'correct horse battery'), secret);
  });

  test('a wrong passphrase or a swapped public key does not open', async () => {
    const b = await sealKey(secret, 'correct horse battery', 'x', ITER);
    await assert.rejects(openKey(b, 'wrong horse battery'), (e: KeyVaultError) => e.code === 'WRONG_PASSPHRASE');
    const other = publicKeyOf(generateSecretKey());
    await assert.rejects(openKey({ ...b, publicKey: other }, 'correct horse battery'), (e: KeyVaultError) => e.code === 'WRONG_PASSPHRASE');
  });

  test('short passphrases and foreign files are refused', async () => {
    await assert.rejects(sealKey(secret, 'short', 'x', ITER), (e: KeyVaultError) => e.code === 'WEAK_PASSPHRASE');
    assert.throws(() => parseBackup('not json'), (e: KeyVaultError) => e.code === 'BAD_BACKUP');
    assert.throws(() => parseBackup('{"format":"tongban-key/v1"}'), (e: KeyVaultError) => e.code === 'BAD_BACKUP');
  });

  test('keeps the sealed record in the given storage', async () => {
    const map = new Map<string, string>();
    const store: KeyValueStore = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
    const ks = keyStore(store);
    assert.equal(ks.load(), null);
    const b = await sealKey(secret, 'correct horse battery', 'x', ITER);
    ks.save(b);
    assert.deepEqual(ks.load(), b);
    ks.remove();
    assert.equal(ks.load(), null);
  });
});
