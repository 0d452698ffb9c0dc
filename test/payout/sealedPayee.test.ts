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
  apply, applyBody, login, passDays, payeeOf, payoutEnterprise, payRun, publish, sealApply, signedPost, startPayoutPlatform, stateOf, TestClock, until, type Session, type TestEnterprise,
} from './support.ts';
import { pdf } from '../approval/support.ts';

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
  const STATEMENT = '封存核验申报说明研发投入四千七百万元';
  const FILE_NAME = '封存核验研发专项审计报告.pdf';
  const OBJECTION = '封存核验异议理由研发费用归集存疑';
  let p: Platform;
  let policy: Session;
  let finance: Session;
  let A: TestEnterprise;
  let B: TestEnterprise;
  let pol: string;
  let app: string;
  let award: string;
  let run: string;
  let objection: string;

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
    const up = await (await A.login('econ')).post(`/econ/api/payout/attachments?policy=${pol}`).set('content-type', 'application/pdf').send(pdf(`${A.code}-sealed-audit`)).expect(201);
    app = await apply(p, A, pol, {
      statement: STATEMENT,
      attachments: [{ hash: up.body.hash, name: FILE_NAME, type: 'pdf', size: up.body.size }],
      payee: { name: A.name, account: ACCOUNT, bankName: BANK, bankCode: CNAPS },
    });
    const d = await policy.post(`/econ/api/payout/applications/${app}/decision`, { decision: 'approve', amountFen: '1000000', reasons: DECIDE_WHY });
    assert.equal(d.status, 200, JSON.stringify(d.body));
    award = d.body.award;
    assert.equal((await policy.post(`/econ/api/payout/policies/${pol}/publicise`, {})).status, 201);
    // an objection from another department's staff: its node seals the reasons to econ before signing
    const market = await login(p, 'market', 'inspector1');
    const o = await market.post(`/market/api/payout/awards/${award}/objections`, { reasons: OBJECTION });
    assert.equal(o.status, 201, JSON.stringify(o.body));
    objection = o.body.objection;
    await stateOf(p, `pay/objection/${objection}`);
    assert.equal((await policy.post(`/econ/api/payout/objections/${objection}/resolve`, { outcome: 'dismiss', reasons: '经核实不影响兑现' })).status, 200);
    await passDays(p, clock, 2);
    await until('payable', async () => (await stateOf<AwardRecord>(p, `pay/award/${award}`))?.status === 'payable');
    const r = await payRun(finance, await login(p, 'finance', 'finance2'), { policy: pol });
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

  test('the statement, the file name and the objection\'s reasons are sealed to the policy department alone', async () => {
    const rec = (await stateOf<ApplicationRecord>(p, `pay/app/${app}`, 'market'))!;
    assert.equal(rec.statement.sealed, 1);
    assert.deepEqual(rec.statement.jwe.recipients.map((x) => x.header.kid.split('/')[0]), ['econ']);
    assert.deepEqual(rec.attachmentNames?.jwe.recipients.map((x) => x.header.kid.split('/')[0]), ['econ']);
    assert.deepEqual(Object.keys(rec.attachments[0]).sort(), ['hash', 'size', 'type'], 'hash, type and size stay public');
    const ob = (await stateOf<{ reasons: { sealed: number; jwe: { recipients: { header: { kid: string } }[] } } }>(p, `pay/objection/${objection}`, 'market'))!;
    assert.equal(ob.reasons.sealed, 1);
    assert.deepEqual(ob.reasons.jwe.recipients.map((x) => x.header.kid.split('/')[0]), ['econ']);
    // the recipient's read model and routes open them; another department's show them as sealed
    const mine = (await policy.get(`/econ/api/payout/applications/${app}`).expect(200)).body;
    assert.equal(mine.statement, STATEMENT);
    assert.equal(mine.attachments[0].name, FILE_NAME);
    const objs = (await policy.get(`/econ/api/payout/objections?award=${award}`).expect(200)).body.items;
    assert.equal(objs[0].reasons, OBJECTION);
    const fin = (await finance.get(`/finance/api/payout/objections?award=${award}`).expect(200)).body.items;
    assert.equal(fin[0].reasons, undefined);
    assert.deepEqual(fin[0].reasonsSealed?.to, ['econ']);
    // an auditor's first recorded look: sealed until a recipient's node shares with audit on that basis
    const audit = (await (await login(p, 'audit', 'auditor1')).get(`/audit/api/payout/applications/${app}?purpose=${encodeURIComponent('政策资金专项审计')}`).expect(200)).body;
    assert.equal(audit.statement, undefined);
    assert.deepEqual(audit.statementSealed?.to, ['econ']);
    assert.equal(audit.attachments[0].name, undefined);
  });

  test('no non-recipient table, database file or the ordering log holds the statement, the file name or the objection', async () => {
    for (const dept of [...OTHERS, 'finance']) {
      const cells = await allCells(dept);
      assert.ok(cells.includes(app), `${dept}'s tables hold the application`);
      for (const secret of [STATEMENT, FILE_NAME, OBJECTION]) assert.ok(!cells.includes(secret), `${dept}'s tables hold ${secret}`);
    }
    const econ = await allCells('econ');
    for (const secret of [STATEMENT, FILE_NAME, OBJECTION]) assert.ok(econ.includes(secret), `econ, the recipient, keeps ${secret} in its read model`);
    await Promise.all(p.nodes.map((n) => n.db.raw('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined)));
    for (const name of [...[...OTHERS, 'finance'].map((d) => `${d}.sqlite`), 'ordering.sqlite']) {
      const bytes = bytesOf(name);
      assert.ok(bytes.length > 0 && bytes.includes(Buffer.from(app)), `${name} holds the application`);
      for (const secret of [STATEMENT, FILE_NAME, OBJECTION]) assert.ok(!bytes.includes(Buffer.from(secret)), `${name} holds ${secret}`);
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
    assert.deepEqual(seen.payee, { name: A.name, sealed: { to: RECIPIENTS, readable: false } }, 'audit holds no key to it before its look is recorded');
    // the recorded look is the basis of a share to audit by the policy's department; the next look opens it
    const share = await until('the account shared to audit', () => p.node('audit').view().get<{ fields: Record<string, { by: { dept: string } }> }>(`seal/share/record/${award}/audit`));
    assert.equal(share.fields['payee.bank'].by.dept, RECIPIENTS[0]);
    const again = (await auditor.get(`/audit/api/payout/awards/${award}?purpose=${why}`).expect(200)).body;
    assert.equal(again.payee.account, ACCOUNT);
    assert.ok(!JSON.stringify(await p.node('audit').db('pay_awards').select('json')).includes(ACCOUNT), 'opened per look, never stored on the audit node');
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
