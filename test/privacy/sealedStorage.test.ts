import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { approvalModule } from '../../server/approval/index.ts';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { encKid, generateEncKey } from '../../server/chain/sealing/envelope.ts';
import { ChainStore } from '../../server/chain/store/chainStore.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { verifyChain } from '../../server/chain/verify.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { filingDraftOf, login, registerEnterprise, upload, pdf, type TestEnterprise } from '../approval/support.ts';
import { filingSealRecipients, sealFiling } from '../../server/approval/filingSeal.ts';
import { makeConsortium, silentLogger } from '../support/fixtures.ts';
import { TEST_PASSWORD } from '../support/platform.ts';

/**
 * Least knowledge on disk: an enterprise's contact phone and legal representative travel sealed,
 * so only the departments they are sealed (or shared) to hold them in plaintext, in the read
 * model; every other node's database file, and the ordering log, hold ciphertext only, while
 * every node still executes and verifies every transaction from genesis.
 */
describe('sealed filing fields on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-sealed-'));
  const DEPTS = ['market', 'tax', 'housing', 'service'];
  const PHONE = '13912398765';
  const REP = '欧阳封存';
  const keys = makeConsortium(DEPTS);
  let p: Platform;
  let ent: TestEnterprise;

  async function file(e: TestEnterprise, phone: string, rep: string) {
    const s = await e.login();
    const up = await upload(s, pdf(`${e.code}-licence`)).expect(201);
    const draft = filingDraftOf(e, [{ hash: up.body.hash, name: '营业执照.pdf', type: 'pdf', size: up.body.size, category: '营业执照' }]);
    draft.profile = { ...draft.profile, legalRepresentative: rep, contacts: [{ name: '联系人', phone }] };
    const node = p.nodes[0];
    const res = await e.submit('filing.submit', await sealFiling(draft, await filingSealRecipients(node.view(), node.genesis)));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await Promise.all(p.nodes.map((n) => n.waitFor(res.body.id, 'receipt')));
  }

  const bytesOf = (name: string) => Buffer.concat(readdirSync(dir).filter((f) => f.startsWith(name)).map((f) => readFileSync(join(dir, f))));

  /** Every text cell of every table of a department's database. */
  async function allCells(dept: string): Promise<string> {
    const db = p.node(dept).db;
    const tables: { name: string }[] = await db.raw(`SELECT name FROM sqlite_master WHERE type = 'table'`);
    let out = '';
    for (const t of tables) for (const row of await db(t.name).select()) out += JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString('latin1') : v));
    return out;
  }

  before(async () => {
    const log = new LocalLog(join(dir, 'ordering.sqlite'));
    const specs = DEPTS.map((dept) => ({ dept, db: openDb({ client: 'sqlite', filename: join(dir, `${dept}.sqlite`) }), orderer: log }));
    p = await createPlatform({ keys, specs, logger: silentLogger, modules: () => [approvalModule()] });
    await seedDemo(p, { password: TEST_PASSWORD, enterprises: 0 });
    const clerk = await login(p, 'service', 'clerk1');
    ent = await registerEnterprise(p, clerk, 777);
    await file(ent, PHONE, REP);
  });
  after(async () => {
    await p?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the filing is sealed to the service centre and the market regulator', async () => {
    const f = await p.node('tax').view().get<any>(`filing/${ent.code}`);
    assert.equal(f.profile.personal.sealed, 1);
    assert.deepEqual(f.profile.personal.jwe.recipients.map((r: any) => r.header.kid.split('/')[0]).sort(), ['market', 'service']);
    assert.equal(f.profile.contacts, undefined);
  });

  test('no non-recipient table, database file or the ordering log holds the phone or the name', async () => {
    for (const dept of ['tax', 'housing']) {
      const cells = await allCells(dept);
      assert.ok(cells.includes(ent.code), `${dept}'s tables hold the filing`);
      assert.ok(!cells.includes(PHONE) && !cells.includes(REP), `${dept}'s tables hold the plaintext`);
    }
    await Promise.all(p.nodes.map((n) => n.db.raw('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined)));
    for (const name of ['tax.sqlite', 'housing.sqlite', 'ordering.sqlite']) {
      const bytes = bytesOf(name);
      assert.ok(bytes.length > 0 && bytes.includes(Buffer.from(ent.code)), `${name} holds the filing`);
      assert.ok(!bytes.includes(Buffer.from(PHONE)), `${name} holds the phone`);
      assert.ok(!bytes.includes(Buffer.from(REP)), `${name} holds the name`);
    }
  });

  test('the recipients read it through their routes; a non-recipient sees only who it is sealed to', async () => {
    const clerk = await login(p, 'service', 'clerk1');
    const f = (await clerk.get(`/service/api/approval/filings/${ent.code}`).expect(200)).body;
    assert.equal(f.profile.contacts[0].phone, PHONE);
    assert.equal(f.profile.legalRepresentative, REP);
    assert.ok((await allCells('market')).includes(PHONE), 'market, a recipient, keeps it in its read model');
    const own = (await ent.session!.get(`/service/api/approval/filings/${ent.code}`).expect(200)).body;
    assert.equal(own.profile.contacts[0].phone, PHONE, 'the enterprise reads its own filing');
    const approver = await login(p, 'housing', 'approver1');
    const d = (await approver.get(`/housing/api/approval/dossier/${ent.code}?purpose=${encodeURIComponent('工程建设审批 联系核验')}`).expect(200)).body;
    assert.deepEqual(d.filing.profile.contacts, []);
    assert.deepEqual(d.filing.sealed, { to: ['market', 'service'], readable: false });
  });

  test('the portal gets every member’s public encryption key and the filing’s recipients', async () => {
    const res = (await ent.session!.get('/service/api/chain/encKeys').expect(200)).body;
    assert.deepEqual(res.keys.map((k: { dept: string }) => k.dept).sort(), [...DEPTS].sort());
    const to = (await ent.session!.get('/service/api/approval/filing/sealing').expect(200)).body;
    assert.deepEqual(to.recipients.map((r: { kid: string }) => r.kid.split('/')[0]), ['market', 'service']);
  });

  test('a filing not sealed to every required department is refused and writes nothing', async () => {
    const other = await registerEnterprise(p, await login(p, 'service', 'clerk1'), 778);
    const svc = p.node('service').sealRecipients(['service']);
    const res = await other.submit('filing.submit', await sealFiling(filingDraftOf(other), svc));
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'SEAL_RECIPIENTS');
    const stranger = generateEncKey();
    const forged = await sealFiling(filingDraftOf(other), [...p.node('service').sealRecipients(['market', 'service']), { kid: encKid('tax', stranger.publicKey), encKey: stranger.publicKey }]);
    const bad = await other.submit('filing.submit', forged);
    assert.equal(bad.body.code, 'SEAL_RECIPIENTS', 'a key that is not the member’s current one');
    assert.equal(await p.node('service').view().get(`filing/${other.code}`), undefined);
  });

  test('rotating the service centre’s encryption key keeps what was sealed to the old one readable there', async () => {
    const fresh = generateEncKey();
    const kid = p.node('service').addEncKey(fresh.privateKey);
    const proposed = await p.node('service').submitAs('admin', 'gov.propose', { type: 'member.rotateEncKey', params: { dept: 'service', encKey: fresh.publicKey } });
    assert.equal(proposed.receipt?.status, 'ok', proposed.receipt?.reason ?? undefined);
    for (const d of ['market', 'tax']) assert.equal((await p.node(d).submitAs('admin', 'gov.approve', { proposal: proposed.id })).receipt?.status, 'ok');
    const member = await p.node('tax').view().get<any>('member/service');
    assert.equal(member.encKey, fresh.publicKey);
    assert.equal(member.encKeysOld.length, 1);
    const to = (await ent.session!.get('/service/api/approval/filing/sealing').expect(200)).body;
    assert.ok(to.recipients.some((r: { kid: string }) => r.kid === kid), 'new filings are sealed to the new key');

    const second = await registerEnterprise(p, await login(p, 'service', 'clerk1'), 779);
    await file(second, '13700001111', '新钥匙');
    const clerk = await login(p, 'service', 'clerk1');
    assert.equal((await clerk.get(`/service/api/approval/filings/${second.code}`).expect(200)).body.profile.contacts[0].phone, '13700001111');
    // the old filing is still readable at service, with the old key it keeps
    const share = await clerk.post(`/service/api/approval/filings/${ent.code}/share`, { to: 'tax', purpose: '纳税信用核验' }).expect(200);
    await p.node('tax').waitFor(share.body.tx, 'receipt');
    const taxCells = await allCells('tax');
    assert.ok(taxCells.includes(PHONE), 'tax, once shared to with a basis, reads the old filing');
    assert.ok(!taxCells.includes('13700001111'), 'and only the one shared');
  });

  test('every node verifies the chain from genesis with the sealed payloads', async () => {
    const registry = buildRegistry([approvalModule()]);
    for (const dept of ['tax', 'service']) {
      const r = await verifyChain(new ChainStore(p.node(dept).db), keys.genesis, registry);
      assert.equal(r.ok, true, JSON.stringify(r));
    }
  });
});
