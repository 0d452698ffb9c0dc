import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha256Hex } from '../../server/chain/hash.ts';
import { encKid, encPublicOf, generateEncKey, recipientDepts, reseal, seal, Sealed } from '../../server/chain/sealing/envelope.ts';
import { openSealed } from '../../server/chain/sealing/openSealed.ts';

const market = generateEncKey();
const service = generateEncKey();
const tax = generateEncKey();
const to = (dept: string, k: { publicKey: string }) => ({ kid: encKid(dept, k.publicKey), encKey: k.publicKey });
const ring = (dept: string, k: { privateKey: string; publicKey: string }) => new Map([[encKid(dept, k.publicKey), k.privateKey]]);

test('each recipient opens the one envelope; anyone else gets nothing', async () => {
  const s = await seal({ phone: '13911112222' }, [to('service', service), to('market', market)]);
  assert.equal(Sealed.safeParse(s).success, true);
  assert.deepEqual(recipientDepts(s), ['market', 'service']);
  assert.deepEqual((await openSealed(s, ring('market', market)))?.value, { phone: '13911112222' });
  assert.deepEqual((await openSealed(s, ring('service', service)))?.value, { phone: '13911112222' });
  assert.equal(await openSealed(s, ring('tax', tax)), undefined);
  assert.ok(!JSON.stringify(s).includes('13911112222'));
});

test('a salted commitment: the same value sealed twice commits differently; a re-seal with the salt commits the same', async () => {
  const a = await seal({ phone: '13911112222' }, [to('market', market)]);
  const b = await seal({ phone: '13911112222' }, [to('market', market)]);
  assert.notEqual(a.commit, b.commit, 'a phone number cannot be guessed from its commitment');
  const opened = (await openSealed(a, ring('market', market)))!;
  const shared = await reseal(opened.value, opened.salt, [to('tax', tax)]);
  assert.equal(shared.commit, a.commit);
  assert.deepEqual((await openSealed(shared, ring('tax', tax)))?.value, { phone: '13911112222' });
});

test('an envelope whose plaintext is not its commitment is refused, and a tampered ciphertext does not open', async () => {
  const s = await seal({ phone: '13911112222' }, [to('market', market)]);
  await assert.rejects(openSealed({ ...s, commit: sha256Hex('other') }, ring('market', market)), (e: any) => e.code === 'SEAL_COMMIT_MISMATCH');
  const flipped = s.jwe.ciphertext.startsWith('A') ? 'B' + s.jwe.ciphertext.slice(1) : 'A' + s.jwe.ciphertext.slice(1);
  await assert.rejects(openSealed({ ...s, jwe: { ...s.jwe, ciphertext: flipped } }, ring('market', market)), (e: any) => e.code === 'SEAL_UNREADABLE');
});

test('the golden vectors’ sealed filing opens with the vector market key and holds what the generator sealed', async () => {
  const stored = Sealed.parse(JSON.parse(readFileSync(join(import.meta.dirname, '../approval/vectorSealed.json'), 'utf8')));
  const priv = sha256Hex('tongban-vectors/enc/market');
  const opened = await openSealed(stored, new Map([[encKid('market', encPublicOf(priv)), priv]]));
  // the filing's personal part: contacts, and the headcount and material names sealed with them
  assert.deepEqual(opened?.value, {
    legalRepresentative: '王向量',
    contacts: [{ name: '李联系', phone: '13900000000' }],
    employees: 50,
    materialNames: { '24f8b0135eb70ea18e82851d29de5e48ac893458c925fee0244c20dc0d22416a': '营业执照.pdf' },
  });
  assert.equal(opened?.salt, sha256Hex('tongban-vectors/salt/filing'));
});

test('the synchronous opener refuses what jose would: a changed wrapped key, protected header or tag, or the wrong key under the right id', async () => {
  const s = await seal({ phone: '13911112222' }, [to('service', service), to('market', market)]);
  const flip = (b64: string) => (b64.startsWith('A') ? 'B' : 'A') + b64.slice(1);
  const mine = s.jwe.recipients.findIndex((r) => r.header.kid.startsWith('market/'));
  const recipients = s.jwe.recipients.map((r, i) => (i === mine ? { ...r, encrypted_key: flip(r.encrypted_key) } : r));
  for (const jwe of [{ ...s.jwe, recipients }, { ...s.jwe, protected: flip(s.jwe.protected) }, { ...s.jwe, tag: flip(s.jwe.tag) }]) {
    await assert.rejects(openSealed({ ...s, jwe }, ring('market', market)), (e: any) => e.code === 'SEAL_UNREADABLE');
  }
  const impostor = new Map([[encKid('market', market.publicKey), tax.privateKey]]);
  await assert.rejects(openSealed(s, impostor), (e: any) => e.code === 'SEAL_UNREADABLE');
});
