import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allCells as cellsOf, fileBytes } from '../support/storedBytes.ts';
import { after, before, describe, test } from 'node:test';
import { approvalModule } from '../../server/approval/index.ts';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { encKid, generateEncKey } from '../../server/chain/sealing/envelope.ts';
import { openLedgerStore } from '../../server/chain/store/chainStore.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { replayChain } from '../../server/chain/replay.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { filingDraftOf, login, registerEnterprise, upload, pdf, TestEnterprise, testCode } from '../approval/support.ts';
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
  const DEPTS = ['market', 'tax', 'housing', 'service', 'enforcement'];
  const PHONE = '13912398765';
  const REP = '欧阳封存';
  const FILE_NAME = '封存核验营业执照正副本扫描件.pdf';
  const keys = makeConsortium(DEPTS);
  let p: Platform;
  let ent: TestEnterprise;

  async function file(e: TestEnterprise, phone: string, rep: string) {
    const s = await e.login();
    const up = await upload(s, pdf(`${e.code}-licence`)).expect(201);
    const draft = filingDraftOf(e, [{ hash: up.body.hash, name: FILE_NAME, type: 'pdf', size: up.body.size, category: '营业执照' }]);
    draft.profile = { ...draft.profile, legalRepresentative: rep, contacts: [{ name: '联系人', phone }] };
    const node = p.nodes[0];
    const res = await e.submit('filing.submit', await sealFiling(draft, await filingSealRecipients(node.view(), node.genesis)));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await Promise.all(p.nodes.map((n) => n.waitFor(res.body.id, 'receipt')));
  }

  const bytesOf = (name: string) => fileBytes(dir, name);

  /** Every text cell of every table of a department's database. */
  const allCells = (dept: string) => cellsOf(p.node(dept).db);

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
    assert.equal(f.profile.employees, undefined, 'the headcount travels in the same envelope');
    assert.deepEqual(Object.keys(f.materials[0]).sort(), ['category', 'hash', 'size', 'type'], 'a material\'s name is sealed; hash, size, type and category stay public');
  });

  test('the recipients\' read models show the file name and headcount; the others only the public fields', async () => {
    for (const dept of ['service', 'market']) {
      const row = await p.node(dept).db('ap_filings').where({ code: ent.code }).first('json');
      const f = JSON.parse(row.json);
      assert.equal(f.materials[0].name, FILE_NAME, dept);
      assert.equal(f.profile.employees, 86, dept);
    }
    const row = await p.node('tax').db('ap_filings').where({ code: ent.code }).first('json');
    const f = JSON.parse(row.json);
    assert.equal(f.materials[0].name, undefined);
    assert.equal(f.profile.employees, undefined);
    assert.equal(f.materials[0].category, '营业执照');
  });

  test('no non-recipient table, database file or the ordering log holds the phone, the name or a file name', async () => {
    for (const dept of ['tax', 'housing']) {
      const cells = await allCells(dept);
      assert.ok(cells.includes(ent.code), `${dept}'s tables hold the filing`);
      assert.ok(!cells.includes(PHONE) && !cells.includes(REP) && !cells.includes(FILE_NAME), `${dept}'s tables hold the plaintext`);
    }
    await Promise.all(p.nodes.map((n) => n.db.raw('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined)));
    for (const name of ['tax.sqlite', 'housing.sqlite', 'ordering.sqlite']) {
      const bytes = bytesOf(name);
      assert.ok(bytes.length > 0 && bytes.includes(Buffer.from(ent.code)), `${name} holds the filing`);
      assert.ok(!bytes.includes(Buffer.from(PHONE)), `${name} holds the phone`);
      assert.ok(!bytes.includes(Buffer.from(REP)), `${name} holds the name`);
      assert.ok(!bytes.includes(Buffer.from(FILE_NAME)), `${name} holds the material's file name`);
    }
  });

  describe('supervision text', () => {
    const FINDING = '冷库温控记录缺失七日封存测试';
    const OPINION = '经查证据确凿封存意见测试';
    let inspection: string;
    let caseId: string;

    before(async () => {
      const inspector = await login(p, 'market', 'inspector1');
      const rec = await inspector.post('/market/api/approval/inspections/adhoc', {
        code: ent.code, subject: '冷链专项检查', result: 'rectify',
        findings: [{ severity: 'major', category: '食品安全', description: FINDING, legalBasis: '《中华人民共和国食品安全法》第一百二十四条' }],
      }).expect(201);
      inspection = rec.body.records.find((k: string) => k.startsWith('insp/')).slice(5);
      caseId = rec.body.records.find((k: string) => k.startsWith('case/')).slice(5);
      const enforcer = await login(p, 'enforcement', 'enforcer1');
      const d = await enforcer.post(`/enforcement/api/approval/cases/${caseId}/decision`, { type: 'warning', legalBasis: '《中华人民共和国行政处罚法》第三十三条', opinion: OPINION }).expect(200);
      await Promise.all(p.nodes.map((n) => n.waitFor(d.body.tx, 'receipt')));
    });

    test('a finding and a case opinion are sealed to the inspecting and the enforcement departments only', async () => {
      const insp = await p.node('tax').view().get<any>(`insp/${inspection}`);
      assert.equal(insp.findings[0].description.sealed, 1);
      assert.equal(insp.findings[0].severity, 'major', 'the severity stays public: it opened the case');
      assert.deepEqual(insp.findings[0].description.jwe.recipients.map((r: any) => r.header.kid.split('/')[0]).sort(), ['enforcement', 'market']);
      const c = await p.node('tax').view().get<any>(`case/${caseId}`);
      assert.equal(c.decision.opinion.sealed, 1);
      assert.equal(c.decision.type, 'warning', 'the decision type stays public (行政处罚公示)');
      for (const dept of ['tax', 'housing', 'service']) {
        const cells = await allCells(dept);
        assert.ok(cells.includes(caseId), `${dept}'s tables hold the case`);
        assert.ok(!cells.includes(FINDING) && !cells.includes(OPINION), `${dept}'s tables hold the plaintext`);
      }
      await Promise.all(p.nodes.map((n) => n.db.raw('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined)));
      for (const name of ['tax.sqlite', 'housing.sqlite', 'service.sqlite', 'ordering.sqlite']) {
        const bytes = bytesOf(name);
        assert.ok(bytes.includes(Buffer.from(caseId)), `${name} holds the case`);
        assert.ok(!bytes.includes(Buffer.from(FINDING)), `${name} holds the finding`);
        assert.ok(!bytes.includes(Buffer.from(OPINION)), `${name} holds the opinion`);
      }
    });

    test('the recipients read them through their routes; the enterprise on a non-recipient node sees them sealed', async () => {
      const inspector = await login(p, 'market', 'inspector1');
      const i = (await inspector.get(`/market/api/approval/inspections/${inspection}`).expect(200)).body;
      assert.equal(i.findings[0].description, FINDING);
      assert.equal(i.subject, '冷链专项检查');
      const enforcer = await login(p, 'enforcement', 'enforcer1');
      const c = (await enforcer.get(`/enforcement/api/approval/cases/${caseId}`).expect(200)).body;
      assert.equal(c.decision.opinion, OPINION);
      assert.equal(c.subject, FINDING, 'the case carries the finding it came from');
      assert.equal(c.category, '食品安全');
      const own = (await ent.session!.get(`/service/api/approval/cases/${caseId}`).expect(200)).body;
      assert.deepEqual(own.decision.opinion, { sealed: true, to: ['enforcement', 'market'] });
      assert.equal(own.decision.type, 'warning');
      const atMarket = await ent.login('market');
      const viaMarket = (await atMarket.get(`/market/api/approval/inspections/${inspection}`).expect(200)).body;
      assert.equal(viaMarket.findings[0].description, FINDING, 'the enterprise reads it through a recipient’s node');
      await ent.login('service');
    });

    test('supervision text not sealed to every department with a basis is refused and writes nothing', async () => {
      const market = p.node('market');
      const only = market.sealRecipients(['market']);
      const { seal } = await import('../../server/chain/sealing/envelope.ts');
      const tx = market.signAs('inspector1', 'inspection.plan', { code: ent.code, subject: await seal('只封给自己', only), withinDays: 5 });
      const { submitChecked } = await import('../../server/chain/preflight.ts');
      await assert.rejects(submitChecked(market, tx), (e: any) => e.code === 'SEAL_RECIPIENTS' && e.status === 400);
      const plain = market.signAs('inspector1', 'inspection.plan', { code: ent.code, subject: '明文', withinDays: 5 });
      await assert.rejects(submitChecked(market, plain), (e: any) => e.status === 400, 'a plaintext subject is not a payload');
    });
  });

  describe('the window clerk\'s notes', () => {
    const REG_NOTE = '窗口核验封存备注甲';
    const KEY_NOTE = '密钥遗失封存备注乙';
    let noted: TestEnterprise;

    before(async () => {
      const clerk = await login(p, 'service', 'clerk1');
      noted = new TestEnterprise(p, testCode(780), '滨江备注封存有限公司');
      await clerk.post('/service/api/approval/enterprises', { code: noted.code, name: noted.name, publicKey: noted.publicKey, verification: { method: 'window', note: REG_NOTE } }).expect(201);
      const fresh = new TestEnterprise(p, noted.code, noted.name);
      const rot = await clerk.post(`/service/api/approval/enterprises/${noted.code}/keys`, { publicKey: fresh.publicKey, reason: 'lost', note: KEY_NOTE }).expect(200);
      await Promise.all(p.nodes.map((n) => n.waitFor(rot.body.tx, 'receipt')));
    });

    test('registration and key notes are sealed to the registration departments and the market regulator only', async () => {
      const e = await p.node('tax').view().get<any>(`ent/${noted.code}`);
      assert.equal(e.verification.note.sealed, 1);
      assert.equal(e.verification.method, 'window', 'how the window verified stays public');
      assert.deepEqual(e.verification.note.jwe.recipients.map((r: any) => r.header.kid.split('/')[0]).sort(), ['market', 'service']);
      assert.equal(e.keys[0].note.sealed, 1);
      assert.equal(e.keys[0].reason, 'lost', 'the reason stays public');
      for (const dept of ['tax', 'housing', 'enforcement']) {
        const cells = await allCells(dept);
        assert.ok(cells.includes(noted.code), `${dept}'s tables hold the enterprise`);
        assert.ok(!cells.includes(REG_NOTE) && !cells.includes(KEY_NOTE), `${dept}'s tables hold a note`);
      }
      await Promise.all(p.nodes.map((n) => n.db.raw('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined)));
      for (const name of ['tax.sqlite', 'housing.sqlite', 'enforcement.sqlite', 'ordering.sqlite']) {
        const bytes = bytesOf(name);
        assert.ok(bytes.includes(Buffer.from(noted.code)), `${name} holds the enterprise`);
        assert.ok(!bytes.includes(Buffer.from(REG_NOTE)), `${name} holds the registration note`);
        assert.ok(!bytes.includes(Buffer.from(KEY_NOTE)), `${name} holds the key note`);
      }
      assert.ok((await allCells('market')).includes(REG_NOTE), 'market, a recipient, keeps it in its read model');
    });

    test('the window reads them through its route', async () => {
      const clerk = await login(p, 'service', 'clerk1');
      const e = (await clerk.get(`/service/api/approval/enterprises/${noted.code}`).expect(200)).body;
      assert.equal(e.verification.note, REG_NOTE);
      assert.equal(e.keys[0].note, KEY_NOTE);
    });

    test('a note not sealed to the market regulator is refused and writes nothing', async () => {
      const service = p.node('service');
      const { seal } = await import('../../server/chain/sealing/envelope.ts');
      const { submitChecked } = await import('../../server/chain/preflight.ts');
      const other = new TestEnterprise(p, testCode(781), '滨江未封存有限公司');
      const tx = service.signAs('clerk1', 'enterprise.register', { code: other.code, name: other.name, publicKey: other.publicKey, verification: { method: 'window', note: await seal('只封给窗口', service.sealRecipients(['service'])) } });
      await assert.rejects(submitChecked(service, tx), (e: any) => e.code === 'SEAL_RECIPIENTS' && e.status === 400);
      const plain = service.signAs('clerk1', 'enterprise.register', { code: other.code, name: other.name, publicKey: other.publicKey, verification: { method: 'window', note: '明文' } });
      await assert.rejects(submitChecked(service, plain), (e: any) => e.status === 400, 'a plaintext note is not a payload');
      assert.equal(await service.view().get(`ent/${other.code}`), undefined);
    });
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
    for (const d of ['market', 'tax', 'housing']) assert.equal((await p.node(d).submitAs('admin', 'gov.approve', { proposal: proposed.id })).receipt?.status, 'ok');
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
      const r = await replayChain(openLedgerStore(p.node(dept).db), keys.genesis, registry);
      assert.equal(r.ok, true, JSON.stringify(r));
    }
  });
});
