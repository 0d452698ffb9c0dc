import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { canonicalJson } from '../../server/chain/canonical.ts';
import { sha256Hex } from '../../server/chain/hash.ts';
import type { ChainNode } from '../../server/chain/node.ts';
import { MANIFEST_KIND, PATHS, type CertEntry, type Manifest } from '../../server/evidence/bundleFormat.ts';
import { buildBundle } from '../../server/evidence/buildBundle.ts';
import { ledgerEvidenceSource } from '../../server/evidence/ledgerEvidenceSource.ts';
import { nodeZkVerify } from '../../server/evidence/nodeVerifiers.ts';
import { verifyBundle } from '../../server/evidence/verifyBundle.ts';
import { unzipFiles } from '../../server/evidence/zip.ts';
import type { Platform } from '../../server/platform.ts';
import { apply, commitTaxAndInsured, login, passDays, payoutEnterprise, payRun as payRunOf, publish, startPayoutPlatform, stateOf, TAX_RULE, TestClock, until, type Session } from '../payout/support.ts';
import { launchChromium, noChromium } from '../web/browser.ts';

/**
 * Evidence bundles on a small chain with the shipped modules: an enterprise that files, is asked a
 * privacy question answered with a proof, applies for a payout, is approved, published and paid in
 * a payment run. Bundles of the enterprise, the application and the run verify; any byte changed
 * fails naming the file; a tampered node's bundle fails; a key rotated out by governance is refused.
 */
const run = promisify(execFile);
const PURPOSE = '2026年惠企政策兑现专项审计';

describe('evidence bundles', () => {
  const clock = new TestClock();
  let p: Platform;
  let auditor: Session;
  let code: string;
  let app: string;
  let payRun: string;
  const zips = new Map<string, Buffer>();
  const dir = mkdtempSync(join(tmpdir(), 'tongban-evidence-'));

  const fetchBundle = async (subject: string) => {
    const res = await auditor.get(`/audit/api/audit/evidence?subject=${encodeURIComponent(subject)}&purpose=${encodeURIComponent(PURPOSE)}`).buffer(true).parse((r, cb) => {
      const parts: Buffer[] = [];
      r.on('data', (c: Buffer) => parts.push(c));
      r.on('end', () => cb(null, Buffer.concat(parts)));
    });
    assert.equal(res.status, 200, String(res.body));
    assert.equal(res.headers['content-type'], 'application/zip');
    return res.body as Buffer;
  };

  before(async () => {
    p = await startPayoutPlatform({ clock });
    const policy = await login(p, 'econ', 'policy1');
    const finance = await login(p, 'finance', 'finance1');
    auditor = await login(p, 'audit', 'auditor1');
    const clerk = await login(p, 'service', 'clerk1');
    const A = await payoutEnterprise(p, clerk, 301);
    code = A.code;
    await commitTaxAndInsured(p, [{ code, taxFen: '150000000', insured: 25 }]);
    const pol = await publish(policy, { eligibility: { privacy: [TAX_RULE], industries: [], regions: [] } });
    app = await apply(p, A, pol, { requestedFen: '10000000' });
    await until('checked', async () => (await stateOf<any>(p, `pay/app/${app}`))?.status === 'deciding');
    const decided = await policy.post(`/econ/api/payout/applications/${app}/decision`, { decision: 'approve', amountFen: '8000000', reasons: '核定奖励8万元' });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const award = decided.body.award as string;
    assert.equal((await policy.post(`/econ/api/payout/policies/${pol}/publicise`, {})).status, 201);
    await passDays(p, clock, 8);
    await until('payable', async () => {
      if ((await stateOf<any>(p, `pay/award/${award}`))?.status === 'payable') return true;
      await finance.post(`/finance/api/payout/policies/${pol}/release`, {});
      return false;
    });
    const res = await payRunOf(finance, await login(p, 'finance', 'finance2'), { policy: pol });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    payRun = res.body.run;
    // everything so far final: a later transaction waits for finality
    await p.node('audit').submitAs('admin', 'user.register', { id: 'tick1', name: 'tick', role: 'auditor' }, 'final');
  });
  after(async () => {
    await p?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the audit page refuses a bundle without a purpose, to a non-auditor, and for a malformed subject', async () => {
    const none = await auditor.get(`/audit/api/audit/evidence?subject=${code}`);
    assert.equal(none.status, 400);
    assert.equal(none.body.code, 'PURPOSE_REQUIRED');
    const bad = await auditor.get(`/audit/api/audit/evidence?subject=${encodeURIComponent('x; drop')}&purpose=${encodeURIComponent(PURPOSE)}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'BAD_SUBJECT');
    const missing = await auditor.get(`/audit/api/audit/evidence?subject=PA-999999-0&purpose=${encodeURIComponent(PURPOSE)}`);
    assert.equal(missing.status, 404);
    const policy = await login(p, 'econ', 'policy1');
    assert.equal((await policy.get(`/econ/api/audit/evidence?subject=${code}&purpose=${encodeURIComponent(PURPOSE)}`)).status, 403);
  });

  test('bundles of the enterprise, its application and the payment run verify, and the look is on the chain', async () => {
    for (const subject of [code, app, payRun]) {
      const zip = await fetchBundle(subject);
      zips.set(subject, zip);
      const files = unzipFiles(zip);
      const r = await verifyBundle(files, { zkVerify: nodeZkVerify });
      assert.ok(r.ok, `${subject}: ${JSON.stringify(r.failure)}`);
      assert.deepEqual(r.notes, []);
      const m = JSON.parse(Buffer.from(files.get(PATHS.manifest)!).toString()) as Manifest;
      assert.equal(m.subject, subject);
      assert.equal(m.purpose, PURPOSE);
      assert.ok(m.auditViewTx);
      const view = await p.node('audit').waitFor(m.auditViewTx!, 'receipt');
      assert.equal(view.status, 'ok');
      for (const name of [PATHS.report, PATHS.verifier, PATHS.genesis, PATHS.headers, PATHS.certs, PATHS.governance]) assert.ok(files.has(name), `${subject}: ${name}`);
      assert.ok([...files.keys()].some((f) => f.startsWith('records/')));
    }
    const ent = unzipFiles(zips.get(code)!);
    const zk = [...ent.keys()].filter((f) => f.startsWith('privacy/'));
    assert.ok(zk.length >= 1, 'the privacy answer about the enterprise comes with its proof and key');
    const passed = (await verifyBundle(ent, { zkVerify: nodeZkVerify })).passed.map((x) => x.check);
    for (const c of ['fileHash', 'genesis', 'headers', 'governance', 'certificate', 'txId', 'txSignature', 'inclusion', 'zk', 'issuer']) assert.ok(passed.includes(c as never), c);
    const report = Buffer.from(ent.get(PATHS.report)!).toString();
    assert.match(report, /电子证据报告/);
    assert.match(report, new RegExp(code));
    // sealed payee accounts are sealed to econ and finance, not to the audit department: still sealed, and the bundle verifies
    const apply = [...ent.entries()].find(([f, b]) => f.startsWith('records/') && Buffer.from(b).toString().includes('"kind":"payout.apply"'));
    assert.ok(apply);
    assert.match(Buffer.from(apply![1]).toString(), /"sealed":1/);
    assert.ok(![...ent.keys()].some((f) => f.startsWith('opened/') && Buffer.from(ent.get(f)!).toString().includes('6222021001')), 'no opened payee account');
  });

  test('the command-line verifier passes the bundle and names the file of a changed one', async () => {
    const file = join(dir, 'run.zip');
    writeFileSync(file, zips.get(payRun)!);
    const ok = await run('npx', ['tsx', 'server/cli/verifyEvidence.ts', file], { timeout: 120_000 });
    assert.match(ok.stdout, /VERIFIED/);
    const files = unzipFiles(zips.get(payRun)!);
    const { zipFiles } = await import('../../server/evidence/zip.ts');
    const headers = files.get(PATHS.headers)!;
    const changed = new Map(files).set(PATHS.headers, Uint8Array.from(headers, (b, i) => (i === 10 ? b ^ 1 : b)));
    writeFileSync(file, zipFiles(changed));
    const bad = await run('npx', ['tsx', 'server/cli/verifyEvidence.ts', file], { timeout: 120_000 }).catch((e) => e);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /FAILED: 文件完整性 \/ file integrity/);
    assert.match(bad.stdout, /chain\/headers\.json/);
  });

  test('the page inside the bundle verifies it in Chromium with every request blocked, and names a changed file', { skip: noChromium }, async () => {
    const files = unzipFiles(zips.get(code)!);
    const page = join(dir, 'verify.html');
    writeFileSync(page, files.get(PATHS.verifier)!);
    const goods = [code, app, payRun].map((subject) => {
      const file = join(dir, `${subject}.zip`);
      writeFileSync(file, zips.get(subject)!);
      return file;
    });
    const { zipFiles } = await import('../../server/evidence/zip.ts');
    const bad = join(dir, 'changed.zip');
    const report = files.get(PATHS.report)!;
    writeFileSync(bad, zipFiles(new Map(files).set(PATHS.report, Uint8Array.from(report, (b, i) => (i === 100 ? b ^ 1 : b)))));
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ offline: true });
      const requests: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        requests.push(url);
        return route.abort();
      });
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      for (const good of goods) {
        await tab.goto(pathToFileURL(page).href);
        await tab.setInputFiles('#file', good);
        await tab.waitForSelector('#result[data-outcome]', { timeout: 60_000 });
        assert.equal(await tab.getAttribute('#result', 'data-outcome'), 'pass', (await tab.textContent('#result')) ?? '');
        assert.match((await tab.textContent('#result'))!, /核验通过 \/ Verified/);
        assert.match((await tab.textContent('#result'))!, /最终性证书 \/ finality certificate/);
        if (good === goods[0]) assert.match((await tab.textContent('#result'))!, /零知识证明 \/ zero-knowledge proof/, 'the proof is checked in the page');
      }
      await tab.reload();
      await tab.setInputFiles('#file', bad);
      await tab.waitForSelector('#result[data-outcome]', { timeout: 60_000 });
      assert.equal(await tab.getAttribute('#result', 'data-outcome'), 'fail');
      assert.equal(await tab.textContent('#result [data-file]'), PATHS.report);
      assert.match((await tab.textContent('#result'))!, /文件完整性 \/ file integrity/);
      assert.deepEqual(requests, [], 'the page asked for nothing outside itself');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  test('changing any one byte of any file makes verification fail, naming that file and the check', async () => {
    const files = unzipFiles(zips.get(code)!);
    for (const [path, bytes] of files) {
      // the manifest at every 7th byte, as any of its hashes could be the one changed
      const positions = path === PATHS.manifest ? Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => i * 7) : [0, bytes.length >> 1, bytes.length - 1];
      for (const at of new Set(positions)) {
        const changed = new Map(files).set(path, Uint8Array.from(bytes, (b, i) => (i === at ? b ^ 0x01 : b)));
        const r = await verifyBundle(changed, { zkVerify: nodeZkVerify });
        assert.ok(!r.ok, `${path}@${at} passed`);
        assert.equal(r.failure!.file, path, `${path}@${at}: ${JSON.stringify(r.failure)}`);
        assert.ok(r.failure!.check && r.failure!.zh && r.failure!.en && r.failure!.meaningZh, path);
      }
    }
  });

  test('a bundle made on one node verifies against the headers another department\'s node holds', async () => {
    const files = unzipFiles(zips.get(app)!);
    const other = (n: ChainNode) => async (heights: number[]) => new Map(await Promise.all(heights.map(async (h) => [h, (await n.store.blockByHeight(h))!.hash] as [number, string])));
    const r = await verifyBundle(files, { zkVerify: nodeZkVerify, otherNode: other(p.node('market')) });
    assert.ok(r.ok, JSON.stringify(r.failure));
    assert.ok(r.passed.some((x) => x.check === 'otherNode'));
    const liar = await verifyBundle(files, { otherNode: async (hs) => new Map(hs.map((h) => [h, sha256Hex(`other-${h}`)])) });
    assert.equal(liar.failure?.check, 'otherNode');
  });

  test('a bundle from a node whose database was altered fails', async () => {
    const node = p.node('housing');
    const source = (n: ChainNode) => ledgerEvidenceSource({ store: n.store, genesis: n.genesis, dept: n.dept, registry: n.registry, keyring: n.keyring, sign: (k, x) => n.signAs(undefined, k, x) });
    const row = await node.db('txs').where({ kind: 'payout.apply' }).first('id', 'raw', 'status');
    // a payload rewritten in place
    await node.db('txs').where({ id: row.id }).update({ raw: row.raw.replace('"requestedFen":"10000000"', '"requestedFen":"90000000"') });
    let r = await verifyBundle((await buildBundle(source(node), { subject: app, requester: { dept: 'housing', id: 'admin', role: 'admin' } })).files, { zkVerify: nodeZkVerify });
    assert.equal(r.failure?.check, 'txId', JSON.stringify(r.failure));
    assert.match(r.failure!.file, /^records\//);
    // an outcome rewritten, and the block header's root with it: the certificate no longer matches
    await node.db('txs').where({ id: row.id }).update({ raw: row.raw, status: 'rejected' });
    r = await verifyBundle((await buildBundle(source(node), { subject: app, requester: { dept: 'housing', id: 'admin', role: 'admin' } })).files, { zkVerify: nodeZkVerify });
    assert.equal(r.failure?.check, 'inclusion', JSON.stringify(r.failure));
    await node.db('txs').where({ id: row.id }).update({ status: row.status });
  });

  test('a certificate signed with a key governance had already rotated out fails', async () => {
    const { suiteByName } = await import('../../server/chain/suites/index.ts');
    const market = p.node('market');
    const oldKey = (market as unknown as { privateKey: string }).privateKey;
    const suite = suiteByName(market.genesis.suite);
    const fresh = suite.generateKeyPair();
    const prop = await market.submitAs('admin', 'gov.propose', { type: 'member.rotateKey', params: { dept: 'market', nodeKey: fresh.publicKey } });
    assert.equal(prop.receipt?.status, 'ok');
    for (const d of ['tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance']) {
      const r = await p.node(d).submitAs('admin', 'gov.approve', { proposal: prop.id });
      assert.equal(r.receipt?.status, 'ok', `${d}: ${r.receipt?.code}`);
    }
    const rotatedAt = (await market.waitFor(prop.id, 'receipt')).height;
    await p.node('audit').submitAs('admin', 'user.register', { id: 'tick2', name: 'tick', role: 'auditor' }, 'final');
    // the first bundle's audit view is a transaction about the enterprise after the rotation
    await fetchBundle(code);
    await p.node('audit').submitAs('admin', 'user.register', { id: 'tick3', name: 'tick', role: 'auditor' }, 'final');
    const files = unzipFiles(await fetchBundle(code));
    const honest = await verifyBundle(files, { zkVerify: nodeZkVerify });
    assert.ok(honest.ok, JSON.stringify(honest.failure));
    assert.ok(honest.passed.some((x) => x.check === 'governance' && x.count >= 7), 'the rotation is replayed from the governance transactions');

    // Forge: the newest certificate counts market's signature made with its old key.
    const certs = JSON.parse(Buffer.from(files.get(PATHS.certs)!).toString()) as CertEntry[];
    const last = certs[certs.length - 1];
    assert.ok(last.carrier > rotatedAt);
    const chain = market.genesis.chain;
    const sig = suite.sign(oldKey, Buffer.from(`tongban/block/v1:${chain}:${last.cert.height}:${last.cert.hash}`));
    last.cert.sigs = [...last.cert.sigs.filter((s) => s.dept !== 'market'), { dept: 'market', sig }].sort((a, b) => (a.dept < b.dept ? -1 : 1));
    const forged = new Map(files).set(PATHS.certs, Buffer.from(canonicalJson(certs)));
    // the issuer re-signs a manifest naming the changed file (as a dishonest issuer could)
    const m = JSON.parse(Buffer.from(files.get(PATHS.manifest)!).toString()) as Manifest;
    const { attestation: _a, ...unsigned } = m;
    unsigned.files[PATHS.certs] = sha256Hex(forged.get(PATHS.certs)!);
    const audit = p.node('audit');
    const manifest = { ...unsigned, attestation: { tx: audit.signAs(undefined, MANIFEST_KIND, { manifest: sha256Hex(canonicalJson(unsigned)) }) } };
    forged.set(PATHS.manifest, Buffer.from(canonicalJson(manifest)));
    const r = await verifyBundle(forged, { zkVerify: nodeZkVerify });
    assert.equal(r.failure?.check, 'certificate', JSON.stringify(r.failure));
    assert.equal(r.failure?.file, PATHS.certs);
    assert.match(r.failure!.en, /market signed with a key governance had rotated out at block \d+/);
    assert.match(r.failure!.zh, /已于第 \d+ 块经治理轮换/);
  });
});

