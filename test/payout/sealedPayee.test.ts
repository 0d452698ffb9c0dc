import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allCells as cellsOf, fileBytes } from '../support/storedBytes.ts';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { encKid, generateEncKey } from '../../server/chain/sealing/envelope.ts';
import type { Platform } from '../../server/platform.ts';
import { pain001, type Party } from '../../server/policy-payout/payments/bank/pain001.ts';
import { payeeSealRecipients, sealPayee } from '../../server/policy-payout/payeeSeal.ts';
import type { ApplicationRecord, AwardRecord, RunRecord } from '../../server/policy-payout/records.ts';
import {
  apply, applyBody, login, passDays, payeeOf, payoutEnterprise, publish, sealApply, signedPost, startPayoutPlatform, stateOf, TestClock, until, type Session, type TestEnterprise,
} from './support.ts';

/**
 * A payee account travels sealed to the policy department and the finance office: their read
 * models hold it, the finance office's payment file names it exactly as before, and no other
 * node's database file, nor the ordering log, nor any route for another enterprise or department
 * gives it away.
 */
describe('the payee account is sealed on the ledger', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-payee-'));
  const clock = new TestClock();
  const ACCOUNT = '6222987654321012345';
  const BANK = '滨江封存核验银行科技园支行';
  const CNAPS = '313331000042';
  const RECIPIENTS = ['econ', 'finance'];
  const OTHERS = ['market', 'tax', 'hrss', 'housing', 'enforcement', 'audit', 'service'];
  const DECIDE_WHY = '封存核验决定理由研发投入达标';
  let p: Platform;
  let policy: Session;
  let finance: Session;
  let A: TestEnterprise;
  let B: TestEnterprise;
  let pol: string;
  let app: string;
  let award: string;
  let run: string;

  const bytesOf = (name: string) => fileBytes(dir, name);
  /** Every text cell of every table of a department's database. */
  const allCells = (dept: string) => cellsOf(p.node(dept).db);

  before(async () => {
    p = await startPayoutPlatform({ clock, keys: false, dir });
    policy = await login(p, 'econ', 'policy1');
    finance = await login(p, 'finance', 'finance1');
    const clerk = await login(p, 'service', 'clerk1');
    A = await payoutEnterprise(p, clerk, 811);
    B = await payoutEnterprise(p, clerk, 812);
    pol = await publish(policy, { publicityDays: 1 });
    app = await apply(p, A, pol, { payee: { name: A.name, account: ACCOUNT, bankName: BANK, bankCode: CNAPS } });
    const d = await policy.post(`/econ/api/payout/applications/${app}/decision`, { decision: 'approve', amountFen: '1000000', reasons: DECIDE_WHY });
    assert.equal(d.status, 200, JSON.stringify(d.body));
    award = d.body.award;
    assert.equal((await policy.post(`/econ/api/payout/policies/${pol}/publicise`, {})).status, 201);
    await passDays(p, clock, 2);
    await until('payable', async () => (await stateOf<AwardRecord>(p, `pay/award/${award}`))?.status === 'payable');
    const r = await finance.post('/finance/api/payout/runs', { policy: pol });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    run = r.body.run;
    await stateOf(p, `pay/run/${run}`);
  });
  after(async () => {
    await p?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('state holds the name and an envelope to the policy department and finance', async () => {
    for (const key of [`pay/app/${app}`, `pay/award/${award}`]) {
      const rec = (await stateOf<AwardRecord>(p, key, 'market'))!;
      assert.equal(rec.payee.name, A.name);
      assert.equal(rec.payee.bank.sealed, 1);
      assert.deepEqual([...new Set(rec.payee.bank.jwe.recipients.map((x) => x.header.kid.split('/')[0]))].sort(), RECIPIENTS);
      assert.ok(!JSON.stringify(rec).includes(ACCOUNT), key);
    }
  });

  test('no non-recipient table, database file or the ordering log holds the account or the bank', async () => {
    for (const dept of OTHERS) {
      const cells = await allCells(dept);
      assert.ok(cells.includes(award), `${dept}'s tables hold the award`);
      assert.ok(!cells.includes(ACCOUNT) && !cells.includes(BANK) && !cells.includes(CNAPS), `${dept}'s tables hold the plaintext`);
    }
    for (const dept of RECIPIENTS) assert.ok((await allCells(dept)).includes(ACCOUNT), `${dept}, a recipient, keeps it in its read model`);
    await Promise.all(p.nodes.map((n) => n.db.raw('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined)));
    for (const name of [...OTHERS.map((d) => `${d}.sqlite`), 'ordering.sqlite']) {
      const bytes = bytesOf(name);
      assert.ok(bytes.length > 0 && bytes.includes(Buffer.from(pol)), `${name} holds the policy's transactions`);
      assert.ok(!bytes.includes(Buffer.from(ACCOUNT)), `${name} holds the account`);
      assert.ok(!bytes.includes(Buffer.from(BANK)), `${name} holds the bank name`);
    }
  });

  test('the finance office’s pain.001 names the account, byte for byte what the plaintext made', async () => {
    const res = await finance.get(`/finance/api/payout/runs/${run}/pain001.xml`).expect(200);
    assert.ok(res.text.includes(`<Id>${ACCOUNT}</Id>`) || res.text.includes(ACCOUNT));
    const rec = (await stateOf<RunRecord>(p, `pay/run/${run}`, 'finance'))!;
    const plain = pain001(rec, new Map<string, Party>([[award, { code: A.code, payee: { name: A.name, account: ACCOUNT, bankName: BANK, bankCode: CNAPS } }]]));
    assert.equal(res.text, plain);
    const f = (await finance.get(`/finance/api/payout/awards/${award}`).expect(200)).body;
    assert.deepEqual(f.payee, { name: A.name, account: ACCOUNT, bankName: BANK, bankCode: CNAPS });
  });

  test('another enterprise and a non-recipient department cannot read it through any route', async () => {
    for (const dept of ['econ', 'finance', 'market']) {
      const bs = await B.login(dept);
      const a = await bs.get(`/${dept}/api/payout/awards/${award}`).expect(200);
      assert.ok(!JSON.stringify(a.body).includes(ACCOUNT), `B's award view on ${dept}`);
      assert.equal(a.body.payee, undefined);
      assert.equal((await bs.get(`/${dept}/api/payout/applications/${app}`)).status, 404);
      assert.ok(!JSON.stringify((await bs.get(`/${dept}/api/payout/awards?policy=${pol}`).expect(200)).body).includes(ACCOUNT));
    }
    const txId = (await stateOf<ApplicationRecord>(p, `pay/app/${app}`))!.txId;
    assert.ok(!JSON.stringify((await (await B.login('econ')).get(`/econ/api/tx/${txId}`)).body).includes(ACCOUNT), 'the raw transaction');
    // the enterprise itself reads its own account where it is opened
    assert.equal((await (await A.login('econ')).get(`/econ/api/payout/applications/${app}`).expect(200)).body.payee.account, ACCOUNT);

    const approver = await login(p, 'market', 'approver1');
    for (const path of [`/market/api/payout/awards/${award}`, `/market/api/payout/awards?policy=${pol}`, `/market/api/tx/${txId}`, `/market/api/blocks`]) {
      const res = await approver.get(path);
      assert.equal(res.status, 200, path);
      assert.ok(!JSON.stringify(res.body).includes(ACCOUNT), path);
    }
    const auditor = await login(p, 'audit', 'auditor1');
    const why = encodeURIComponent('财政资金拨付专项审计');
    const seen = (await auditor.get(`/audit/api/payout/awards/${award}?purpose=${why}`).expect(200)).body;
    assert.deepEqual(seen.payee, { name: A.name, sealed: { to: RECIPIENTS, readable: false } }, 'audit holds no key to it');
    const file = await auditor.get(`/audit/api/payout/runs/${run}/pain001.xml?purpose=${why}`);
    assert.equal(file.status, 409);
    assert.equal(file.body.code, 'SEALED_PAYEE');
    assert.ok(!JSON.stringify((await auditor.get(`/audit/api/tx/${txId}?purpose=${why}`)).body).includes(ACCOUNT), 'the transaction, even with a purpose');
  });

  test('an account sealed to the policy department alone, or to a key that is not current, is refused', async () => {
    const pol2 = await publish(policy, { title: '第二项政策' });
    const body = await sealApply(p.node('econ'), applyBody(B, pol2));
    const payee = body.payee as { bank: { jwe: { recipients: { header: { kid: string } }[] } } };
    const onlyEcon = { ...body, payee: { ...payee, bank: { ...payee.bank, jwe: { ...payee.bank.jwe, recipients: payee.bank.jwe.recipients.filter((r) => r.header.kid.startsWith('econ/')) } } } };
    const res = await request(p.app.callback()).post('/econ/api/payout/tx').send(B.sign('payout.apply', onlyEcon));
    assert.equal(res.body.code, 'SEAL_RECIPIENTS', JSON.stringify(res.body));
    const stranger = generateEncKey();
    const to = [...(await payeeSealRecipients(p.node('econ').view(), p.node('econ').genesis, 'econ')), { kid: encKid('tax', stranger.publicKey), encKey: stranger.publicKey }];
    const forged = { ...body, payee: await sealPayee(payeeOf(B), to) };
    const res2 = await request(p.app.callback()).post('/econ/api/payout/tx').send(B.sign('payout.apply', forged));
    assert.equal(res2.body.code, 'SEAL_RECIPIENTS', 'a key that is not the member’s');
    const plain = await request(p.app.callback()).post('/econ/api/payout/tx').send(B.sign('payout.apply', applyBody(B, pol2)));
    assert.equal(plain.status, 400, 'a plaintext account is not a payload');
    assert.equal((await signedPost(p, B, 'payout.apply', applyBody(B, pol2))).status, 200);
  });
  test('a bank reference and failure reason are sealed to finance and the policy department: finance reads them, no other node or the ordering log holds them', async () => {
    const REF = 'BREFSEALED77881234';
    const WHY = '封存核验失败原因账户冻结';
    const e2e = (await stateOf<AwardRecord>(p, `pay/award/${award}`, 'finance'))!.current!;
    const st = await finance.post(`/finance/api/payout/runs/${run}/statement`).set('content-type', 'text/csv').send(`endToEndId,status,bankRef,reason\n${e2e},failed,${REF},${WHY}\n`);
    assert.equal(st.status, 200, JSON.stringify(st.body));
    assert.equal(st.body.failed, 1);
    await until('failed everywhere', async () => (await Promise.all(p.nodes.map(async (n) => (await n.view().get<AwardRecord>(`pay/award/${award}`))?.status))).every((s) => s === 'failed'));
    const rec = (await stateOf<AwardRecord>(p, `pay/award/${award}`, 'market'))!;
    const pay = rec.payments.find((x) => x.endToEndId === e2e)!;
    assert.equal(pay.status, 'failed', 'the outcome stays public');
    assert.deepEqual([...new Set(pay.reason!.jwe.recipients.map((x) => x.header.kid.split('/')[0]))].sort(), RECIPIENTS);
    assert.ok(!JSON.stringify(rec).includes(WHY) && !JSON.stringify(rec).includes(REF), 'state, history notes included');

    const rows = (await finance.get(`/finance/api/payout/policies/${pol}/reconciliation`).expect(200)).body.payments as { endToEndId: string; bankRef: string | null; reason: string | null }[];
    assert.deepEqual(rows.filter((x) => x.endToEndId === e2e).map((x) => [x.bankRef, x.reason]), [[REF, WHY]], 'finance reads them opened');
    for (const dept of RECIPIENTS) {
      const cells = await allCells(dept);
      assert.ok(cells.includes(WHY) && cells.includes(REF), `${dept}, a recipient, keeps them in its read model`);
    }
    for (const dept of OTHERS) {
      const cells = await allCells(dept);
      assert.ok(cells.includes(e2e), `${dept}'s tables hold the payment`);
      assert.ok(!cells.includes(WHY) && !cells.includes(REF), `${dept}'s tables hold the plaintext`);
    }
    await Promise.all(p.nodes.map((n) => n.db.raw('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined)));
    for (const name of [...OTHERS.map((d) => `${d}.sqlite`), 'ordering.sqlite']) {
      const bytes = bytesOf(name);
      assert.ok(!bytes.includes(Buffer.from(WHY)) && !bytes.includes(Buffer.from(REF)), `${name} holds the reason or the reference`);
    }
  });
  test('the decision reasons are sealed to the policy department: it and the enterprise read them there, no other node or the ordering log holds them', async () => {
    const rec = (await stateOf<ApplicationRecord>(p, `pay/app/${app}`, 'market'))!;
    assert.equal(rec.decision!.decision, 'approve', 'the decision stays public');
    assert.deepEqual([...new Set(rec.decision!.reasons.jwe.recipients.map((x) => x.header.kid.split('/')[0]))], ['econ']);
    assert.ok(!JSON.stringify(rec).includes(DECIDE_WHY));
    assert.equal((await policy.get(`/econ/api/payout/applications/${app}`).expect(200)).body.decision.reasons, DECIDE_WHY);
    assert.equal((await (await A.login('econ')).get(`/econ/api/payout/applications/${app}`).expect(200)).body.decision.reasons, DECIDE_WHY, 'the enterprise, through the policy department');
    assert.ok((await allCells('econ')).includes(DECIDE_WHY));
    for (const dept of [...OTHERS, 'finance']) assert.ok(!(await allCells(dept)).includes(DECIDE_WHY), `${dept}'s tables hold the reasons`);
    await Promise.all(p.nodes.map((n) => n.db.raw('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined)));
    for (const name of [...[...OTHERS, 'finance'].map((d) => `${d}.sqlite`), 'ordering.sqlite']) assert.ok(!bytesOf(name).includes(Buffer.from(DECIDE_WHY)), `${name} holds the reasons`);
  });
});
