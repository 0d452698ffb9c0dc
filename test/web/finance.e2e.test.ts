import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { portalMiddleware } from '../../server/http/portal.ts';
import { createModules } from '../../server/modules.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { at, child, children, parseXml } from '../../server/policy-payout/payments/bank/xml.ts';
import type { ApplicationRecord, AwardRecord, ExpertRecord } from '../../server/policy-payout/records.ts';
import { pdf, png } from '../approval/support.ts';
import { apply, DAY, expertKeys, login, passDays, payoutEnterprise, publish, seedStaff, stateOf, synced, TestClock, until, type Session, type TestEnterprise } from '../payout/support.ts';
import { makeConsortium, silentLogger } from '../support/fixtures.ts';
import { committed, download, launchChromium, needBuiltPortal, noChromium, portalPage, shot, shotsOnFailure, signIn } from './browser.ts';

/**
 * The reviewing expert's and the finance officer's payout pages in a real browser (Debian's
 * Chromium) against an in-process platform whose blocks take their time from a test clock.
 * The expert makes an X25519 key in the browser and registers it before the draw; the
 * enterprise applies with two attachments, which the node seals to that key; the expert opens
 * them in the browser (hash checked against the chain) and signs a score. Two awards are then
 * decided, published and released (the clock passes the period); the finance officer triggers a
 * run, takes its pain.001, has a statement with an unknown payment refused whole, records a CSV
 * statement (one settled, one failed), retries the failure in a new run settled by a pain.002,
 * and reads the reconciliation and its chart. Screenshots land in test-artifacts/screenshots/.
 */
const PASS = 'zhuanjia-kouling-2026';
const REPORT = pdf('rd-audit-report-2025 研发投入专项审计');
const PHOTO = png();

/**
 * A copy of the built portal, complete (every asset any file names is there), to serve for this
 * run: the pages load their chunks lazily, and a rebuild of web/dist meanwhile would replace them.
 */
async function snapshotPortal(): Promise<string> {
  for (let i = 0; i < 60; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'tongban-portal-'));
    try {
      cpSync('web/dist', dir, { recursive: true });
      const texts = [readFileSync(join(dir, 'index.html'), 'utf8'), ...readdirSync(join(dir, 'assets')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dir, 'assets', f), 'utf8'))];
      const named = new Set(texts.flatMap((t) => [...t.matchAll(/assets\/([\w.-]+\.(?:js|css))/g)].map((m) => m[1])));
      if ([...named].every((f) => existsSync(join(dir, 'assets', f)))) return dir;
    } catch {
      // caught mid-build: try again
    }
    rmSync(dir, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('web/dist stayed incomplete: run `npm run build:web`');
}

/** The payout platform (all shipped modules, demo staff, no demo data) with the portal, on a test clock. */
async function startPlatform(clock: TestClock, dist: string): Promise<Platform> {
  const keys = makeConsortium(['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service'], { txTtlMs: 400 * DAY }, { config: {} });
  const log = new LocalLog(':memory:', clock);
  const specs = keys.genesis.members.map((m) => ({ dept: m.dept, db: openDb({ client: 'sqlite', filename: ':memory:' }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger: silentLogger, modules: createModules, extraMiddleware: [portalMiddleware(dist)] });
  await seedStaff(p);
  return p;
}

describe('expert review and finance disbursement in a browser', { skip: noChromium }, () => {
  const clock = new TestClock();
  let p: Platform;
  let base: string;
  let browser: Browser;
  let expert: Page;
  let fin: Page;
  let fin2: Page;
  let policy: Session;
  let A: TestEnterprise;
  let B: TestEnterprise;
  let pol: string;
  let appA: string;
  let appB: string;
  let awardA: string;
  let awardB: string;
  let run1: string;
  let run2: string;
  let publicKey: string;
  let dist: string;

  const confirmBox = (page: Page, button: string) => page.locator('.el-message-box__btns button', { hasText: button }).click();
  const statementInput = (page: Page) => page.getByTestId('statement-file').locator('input[type=file]');
  const award = (id: string) => stateOf<AwardRecord>(p, `pay/award/${id}`, 'finance');

  afterEach((t) => shotsOnFailure(t, { 'fail-expert': expert, 'fail-finance': fin, 'fail-finance2': fin2 }));

  /**
   * 复核: finance2 finds the prepared run on the home page (待我复核), opens it and approves it after
   * a confirmation; finance1's page then shows the approved run with its file.
   */
  async function secondOfficerApproves(run: string) {
    await fin.getByTestId('run-status').filter({ hasText: '待复核' }).waitFor();
    await fin.getByTestId('review-own').waitFor();
    assert.equal(await fin.getByTestId('run-approve').count(), 0, 'whoever prepared a run has no approve button');
    assert.equal(await fin.getByTestId('pain001-download').count(), 0, 'no payment file before the approval');
    if (!fin2.url().includes('/finance/')) await signIn(fin2, base, 'finance', 'finance2');
    await fin2.goto(`${base}/finance/`);
    const todo = fin2.getByTestId('work-item-runsToReview');
    await todo.filter({ hasText: '1' }).waitFor();
    await todo.click();
    await fin2.getByTestId(`run-${run}`).click();
    await fin2.getByTestId('review-waiting').filter({ hasText: 'finance1' }).waitFor();
    await fin2.getByTestId('run-approve').click();
    await fin2.locator('.el-message-box').getByRole('button', { name: '复核通过' }).click();
    await fin2.getByTestId('review-approved').filter({ hasText: 'finance2' }).waitFor();
    await fin.reload();
    await fin.getByTestId('run-status').filter({ hasText: '已复核' }).waitFor();
  }

  before(async () => {
    needBuiltPortal();
    dist = await snapshotPortal();
    p = await startPlatform(clock, dist);
    base = `http://127.0.0.1:${((await p.listen(0)).address() as AddressInfo).port}`;
    policy = await login(p, 'econ', 'policy1');
    const clerk = await login(p, 'service', 'clerk1');
    A = await payoutEnterprise(p, clerk, 601);
    B = await payoutEnterprise(p, clerk, 602);
    // The policy's panel is fixed when it is published (after expert1 registers in the browser).
    // expert2 is on it, but declares conflicts with both enterprises, so expert1 is drawn first.
    const e2 = await login(p, 'econ', 'expert2');
    assert.equal((await e2.post('/econ/api/payout/experts/key', { encKey: expertKeys().publicKey, conflicts: { enterprises: [A.code, B.code] } })).status, 200);
    browser = await launchChromium();
    // The expert and the finance officer each have their own browser (cookies, stored key).
    expert = await portalPage(browser, { acceptDownloads: true });
    fin = await portalPage(browser, { acceptDownloads: true });
    // the second finance officer, who reviews the runs finance1 prepares
    fin2 = await portalPage(browser);
  });
  after(async () => {
    await browser?.close();
    await p?.stop();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  test('评审密钥: the expert makes an X25519 key in the browser, backs it up and registers its public key', async () => {
    await signIn(expert, base, 'econ', 'expert1');
    await expert.goto(`${base}/econ/expert-key`);
    assert.match(await expert.getByTestId('expert-key-intro').innerText(), /解密密钥[\s\S]*只有持有对应私钥的专家/);
    await expert.getByTestId('expert-key-pass').fill(PASS);
    await expert.getByTestId('expert-key-pass2').fill(PASS);
    await expert.getByTestId('expert-key-generate').click();
    publicKey = (await expert.getByTestId('expert-pubkey').innerText()).trim();
    assert.match(publicKey, /^[0-9a-f]{64}$/);
    const backup = await download(expert, () => expert.getByTestId('expert-key-export').click());
    assert.equal(backup.name, 'tongban-expert-key-econ-expert1.json');
    const b = JSON.parse(backup.body.toString('utf8'));
    assert.equal(b.format, 'tongban-expert-key/v1');
    assert.equal(b.publicKey, publicKey);
    assert.ok(!JSON.stringify(b).includes('"secret'), 'the backup holds the key only sealed');
    await expert.getByTestId('expert-register').click();
    await committed(expert);
    await expert.getByTestId('expert-reg-state').filter({ hasText: '已登记(与本浏览器一致)' }).waitFor();
    await shot(expert, 'expert-01-key');
    const rec = await stateOf<ExpertRecord>(p, 'pay/expert/econ/expert1');
    assert.equal(rec?.encKey, publicKey, 'the chain holds the key made in the browser');
  });

  test('setup: the enterprise applies with two attachments; expert1 is drawn and the node seals them to the key', async () => {
    // No privacy rules: the checks pass at once and the expert is drawn when the application lands.
    pol = await publish(policy, { review: { method: 'expert', experts: 1 } });
    const s = await A.login('econ');
    const att = [];
    for (const [body, type, name] of [[REPORT, 'application/pdf', '研发投入专项审计报告.pdf'], [PHOTO, 'image/png', '研发中心现场照片.png']] as const) {
      const up = await s.post(`/econ/api/payout/attachments?policy=${pol}`).set('content-type', type).send(body);
      assert.equal(up.status, 201, JSON.stringify(up.body));
      att.push({ hash: up.body.hash, name, type: up.body.type, size: up.body.size });
    }
    appA = await apply(p, A, pol, { requestedFen: '15000000', attachments: att });
    const rec = await until('A in review', async () => {
      const a = await stateOf<ApplicationRecord>(p, `pay/app/${appA}`);
      return a?.status === 'reviewing' && a;
    });
    assert.deepEqual(rec.review!.experts, ['expert1']);
  });

  test('待我评审: the expert opens the application, decrypts its materials in the browser and signs a score', async () => {
    await expert.goto(`${base}/econ/assigned`);
    await expert.getByTestId(`assigned-${appA}`).waitFor();
    assert.match(await expert.getByTestId('assigned-list').innerText(), /滨江测试601科技有限公司[\s\S]*待评分/);
    assert.match((await expert.getByTestId('menu-expert-assigned').getAttribute('class'))!, /is-active/, 'the menu shows where the expert is');
    await shot(expert, 'expert-02-assigned');
    await expert.getByTestId(`assigned-${appA}`).click();
    await expert.getByTestId('review-application').waitFor();
    assert.match(await expert.getByTestId('review-statement').innerText(), /研发投入3200万元/);

    // A wrong passphrase opens nothing, and says so.
    await expert.getByTestId('materials-pass').fill('not-the-passphrase');
    await expert.getByTestId('materials-decrypt').click();
    await expert.getByTestId('materials-panel').getByTestId('error').filter({ hasText: '口令不正确' }).waitFor();
    await expert.getByTestId('materials-pass').fill(PASS);
    await expert.getByTestId('materials-decrypt').click();
    await expert.getByTestId('material-check-0').filter({ hasText: '与链上一致' }).waitFor();
    await expert.getByTestId('material-check-1').filter({ hasText: '与链上一致' }).waitFor();
    // The decrypted PDF is byte for byte what the enterprise uploaded; the photo renders.
    const file = await download(expert, () => expert.getByTestId('material-download-0').click());
    assert.equal(file.name, '研发投入专项审计报告.pdf');
    assert.ok(file.body.equals(REPORT), 'the decrypted attachment is the uploaded file');
    assert.match(file.body.toString('utf8'), /rd-audit-report-2025 研发投入专项审计/);
    await expert.getByTestId('material-preview-1').click();
    const img = expert.getByTestId('material-image');
    await img.waitFor();
    // The tiny photo is 1×1: a decoded image, not a broken one.
    await expert.waitForFunction((el) => {
      const i = el as unknown as { complete: boolean; naturalWidth: number };
      return i.complete && i.naturalWidth === 1;
    }, await img.elementHandle());
    await shot(expert, 'expert-03-review');

    await expert.getByTestId('score-input').locator('input').fill('88');
    await expert.getByTestId('score-input').locator('input').press('Tab');
    await expert.getByTestId('score-opinion').fill('研发投入真实,审计报告完整,建议按12万元核定。');
    await expert.getByTestId('score-recommend').fill('120,000');
    await expert.getByTestId('score-submit').click();
    await expert.getByTestId('my-score').waitFor();
    await committed(expert.getByTestId('score-card'));
    await shot(expert, 'expert-04-scored');
    const a = await stateOf<ApplicationRecord>(p, `pay/app/${appA}`);
    assert.equal(a?.status, 'deciding');
    assert.deepEqual(a?.review?.scores.map((s) => [s.expert, s.score, s.recommendFen?.sealed]), [['expert1', 88, 1]], 'the score public, the recommendation sealed');
    const view = JSON.parse((await p.node('econ').db('pay_applications').where({ id: appA }).first('json')).json);
    assert.equal(view.review.scores[0].recommendFen, '12000000', 'the deciding department opens it');
  });

  test('回避: drawn for a second application, the expert steps back with a reason and the next expert of the policy panel takes the place', async () => {
    appB = await apply(p, B, pol, { requestedFen: '8000000' });
    await until('B in review', async () => (await stateOf<ApplicationRecord>(p, `pay/app/${appB}`))?.status === 'reviewing');
    assert.deepEqual((await stateOf<ApplicationRecord>(p, `pay/app/${appB}`))?.review?.experts, ['expert1']);
    // expert2, on the policy's panel, withdraws the conflicts it declared: the one to step in
    const e2 = await login(p, 'econ', 'expert2');
    assert.equal((await e2.post('/econ/api/payout/experts/key', { encKey: expertKeys().publicKey })).status, 200);

    await expert.goto(`${base}/econ/assigned/${appB}`);
    await expert.getByTestId('conflict-declare').click();
    // The reason is required: an empty one is not sent.
    await confirmBox(expert, '确定');
    await expert.locator('.el-message-box__errormsg', { hasText: '请填写回避理由' }).waitFor();
    await expert.locator('.el-message-box__input input').fill('与该企业法定代表人系亲属');
    await confirmBox(expert, '确定');
    await expert.getByTestId('conflict-declared').waitFor();
    await committed(expert.getByTestId('conflict-box'));
    await shot(expert, 'expert-05-recused');
    const b = await stateOf<ApplicationRecord>(p, `pay/app/${appB}`);
    assert.deepEqual(b?.review?.experts, ['expert2']);
    // on the ledger the line is public-safe; the reason is sealed to the policy department, whose read model opens it
    assert.doesNotMatch(JSON.stringify(b!.review!.excluded.at(-1)), /亲属/);
    const officer = await login(p, 'econ', 'policy1');
    await until('the reason in the read model', async () => /亲属/.test((await officer.get(`/econ/api/payout/applications/${appB}`)).body.review?.excluded?.at(-1)?.reason ?? ''));
    // and the enterprise is on expert1's declared conflicts for later draws
    const reg = await stateOf<ExpertRecord>(p, 'pay/expert/econ/expert1');
    assert.ok(reg?.declared.enterprises.includes(B.code));
    assert.equal((await e2.post(`/econ/api/payout/applications/${appB}/review`, { score: 80, opinion: '符合条件。' })).status, 200);
  });

  test('setup: both applications are decided, published, and payable once the period passes', async () => {
    const ok = await policy.post(`/econ/api/payout/applications/${appA}/decision`, { decision: 'approve', amountFen: '12000000', reasons: '专家评审88分,核定奖励12万元' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    awardA = ok.body.award;
    const okB = await policy.post(`/econ/api/payout/applications/${appB}/decision`, { decision: 'approve', amountFen: '8000000', reasons: '核定奖励8万元' });
    assert.equal(okB.status, 200, JSON.stringify(okB.body));
    awardB = okB.body.award;
    assert.equal((await policy.post(`/econ/api/payout/policies/${pol}/publicise`, {})).status, 201);
    await passDays(p, clock, 8);
    await until('both payable', async () => (await award(awardA))?.status === 'payable' && (await award(awardB))?.status === 'payable');
    await synced(p);
  });

  test('待支付款项: the finance officer sees the payable awards, confirms count and total, prepares a run; a second officer approves it; then its pain.001', async () => {
    await signIn(fin, base, 'finance', 'finance1');
    // Before any run: the two awards are reserved against the budget, nothing is paid.
    await fin.goto(`${base}/finance/budgets`);
    const card = fin.getByTestId(`budget-${pol}`);
    await card.getByTestId('check-balanced').filter({ hasText: '✓' }).waitFor();
    assert.equal(await card.getByTestId('bucket-reservedFen').locator('.bucket-value').innerText(), '¥200,000.00');
    assert.equal(await card.getByTestId('budget-chart').getAttribute('data-paid'), '0');
    await fin.goto(`${base}/finance/payable`);
    await fin.getByTestId('payable-list').waitFor();
    await fin.getByTestId('payable-policy').click();
    await fin.locator('.el-select-dropdown__item:visible', { hasText: pol }).first().click();
    await fin.getByTestId(`award-${awardA}`).waitFor();
    await fin.getByTestId(`award-${awardB}`).waitFor();
    assert.match(await fin.getByTestId('payable-list').innerText(), /¥120,000\.00[\s\S]*待支付/);
    assert.match((await fin.getByTestId('menu-fin-payable').getAttribute('class'))!, /is-active/);
    await shot(fin, 'finance-01-payable');

    await fin.getByTestId('run-trigger-button').click();
    await fin.getByTestId('run-confirm').waitFor();
    assert.equal(await fin.getByTestId('run-confirm-count').innerText(), '2');
    assert.equal(await fin.getByTestId('run-confirm-total').innerText(), '¥200,000.00');
    await confirmBox(fin, '确认发起');
    await fin.waitForURL(/\/finance\/payment-runs\/PR-\d+-\d+/);
    run1 = /payment-runs\/(PR-\d+-\d+)/.exec(fin.url())![1];
    assert.equal((await award(awardA))?.status, 'payable', 'prepared: nothing is paid yet');
    await shot(fin, 'finance-02a-run-prepared');
    await secondOfficerApproves(run1);
    await shot(fin2, 'finance-02b-run-approved');
    await fin.getByTestId(`e2e-${awardA}-1`).waitFor();
    await fin.getByTestId(`e2e-${awardB}-1`).waitFor();
    assert.equal(await fin.getByTestId('run-total').innerText(), '¥200,000.00');
    await committed(fin.getByTestId('run-summary'));

    const file = await download(fin, () => fin.getByTestId('pain001-download').click());
    assert.equal(file.name, `${run1}.pain001.xml`);
    const xml = file.body.toString('utf8');
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>/);
    const doc = parseXml(xml);
    assert.equal(doc.name, 'Document');
    const init = child(doc, 'CstmrCdtTrfInitn')!;
    assert.equal(at(init, 'GrpHdr', 'MsgId'), run1);
    assert.equal(at(init, 'GrpHdr', 'CtrlSum'), '200000.00');
    const txs = children(child(init, 'PmtInf')!, 'CdtTrfTxInf');
    const byId = new Map(txs.map((tx) => [at(tx, 'PmtId', 'EndToEndId'), at(tx, 'Amt', 'InstdAmt')]));
    assert.deepEqual(Object.fromEntries(byId), { [`${awardA}-1`]: '120000.00', [`${awardB}-1`]: '80000.00' });
    await shot(fin, 'finance-02-run');
    assert.equal((await award(awardA))?.status, 'paying');
  });

  test('a statement naming an unknown payment is refused whole with the server\'s message; nothing is recorded', async () => {
    const csv = ['endToEndId,status,bankRef,reason', `${awardA}-1,settled,B2026030100001,`, 'AW-99999-0-1,settled,B2026030100002,'].join('\r\n');
    await statementInput(fin).setInputFiles({ name: 'statement-bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const err = fin.getByTestId('statement-upload').getByTestId('error');
    await err.waitFor();
    const text = await err.innerText();
    assert.match(text, /no payment AW-99999-0-1/);
    assert.match(text, /UNKNOWN_PAYMENT/);
    await shot(fin, 'finance-03-statement-refused');
    // The valid line went nowhere either: the award is still in flight and no payment is recorded.
    assert.equal((await award(awardA))?.status, 'paying');
    const pays: { status: string }[] = await p.node('finance').db('pay_payments').select('status');
    assert.deepEqual(pays.map((x) => x.status), ['sent', 'sent']);
  });

  test('银行回单: a CSV statement settles one payment and fails the other with its reason; read again, it is skipped', async () => {
    const csv = ['endToEndId,status,bankRef,reason', `${awardA}-1,settled,B2026030100001,`, `${awardB}-1,failed,,AC04 账户已销户`].join('\r\n');
    await statementInput(fin).setInputFiles({ name: 'statement.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await fin.getByTestId('statement-result').waitFor();
    assert.equal(await fin.getByTestId('statement-settled').locator('.el-statistic__number').innerText(), '1');
    assert.equal(await fin.getByTestId('statement-failed').locator('.el-statistic__number').innerText(), '1');
    assert.equal(await fin.getByTestId('statement-skipped').locator('.el-statistic__number').innerText(), '0');
    await fin.getByTestId(`pay-status-${awardA}-1`).filter({ hasText: '已到账' }).waitFor();
    await fin.getByTestId(`failure-${awardB}-1`).filter({ hasText: 'AC04 账户已销户' }).waitFor();
    await committed(fin.getByTestId('statement-result'));
    await shot(fin, 'finance-04-statement');

    await statementInput(fin).setInputFiles({ name: 'statement.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await fin.getByTestId('statement-skipped').locator('.el-statistic__number').filter({ hasText: '2' }).waitFor();
    assert.equal(await fin.getByTestId('statement-settled').locator('.el-statistic__number').innerText(), '0');
    assert.equal((await award(awardA))?.status, 'paid');
    assert.equal((await award(awardB))?.status, 'failed');
  });

  test('the failed payment is retried in a new run under a new end-to-end id, and a pain.002 settles it', async () => {
    await fin.getByTestId('retry-failed').click();
    await fin.getByTestId('run-confirm').waitFor();
    assert.equal(await fin.getByTestId('run-confirm-count').innerText(), '1');
    assert.equal(await fin.getByTestId('run-confirm-total').innerText(), '¥80,000.00');
    await confirmBox(fin, '确认发起');
    await fin.getByTestId(`e2e-${awardB}-2`).waitFor();
    run2 = /payment-runs\/(PR-\d+-\d+)/.exec(fin.url())![1];
    assert.notEqual(run2, run1);
    await secondOfficerApproves(run2);
    const report = `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr><MsgId>S2</MsgId><CreDtTm>2026-03-02T10:00:00+08:00</CreDtTm></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>${run2}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>${run2}-1</OrgnlPmtInfId><TxInfAndSts><OrgnlEndToEndId>${awardB}-2</OrgnlEndToEndId><TxSts>ACSC</TxSts><AcctSvcrRef>B2026030200007</AcctSvcrRef></TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`;
    await statementInput(fin).setInputFiles({ name: 'pain002.xml', mimeType: 'application/xml', buffer: Buffer.from(report) });
    await fin.getByTestId('statement-result').waitFor();
    assert.equal(await fin.getByTestId('statement-settled').locator('.el-statistic__number').innerText(), '1');
    await fin.getByTestId(`pay-status-${awardB}-2`).filter({ hasText: '已到账' }).waitFor();
    const b = await award(awardB);
    assert.equal(b?.status, 'paid');
    assert.equal(b?.paid?.endToEndId, `${awardB}-2`);
    await fin.goto(`${base}/finance/payable?policy=${pol}&status=paid`);
    await fin.getByTestId(`award-${awardA}`).waitFor();
    await fin.getByTestId(`award-${awardB}`).waitFor();
    await fin.goto(`${base}/finance/payment-runs`);
    await fin.getByTestId(`run-${run2}`).waitFor();
    await shot(fin, 'finance-05-runs');
  });

  test('预算对账: the reconciliation reconciles, the chart shows the paid budget, and the CSV says the same', async () => {
    await fin.goto(`${base}/finance/budgets`);
    const card = fin.getByTestId(`budget-${pol}`);
    await card.getByTestId('check-balanced').filter({ hasText: '✓' }).waitFor();
    await card.getByTestId('check-matches').filter({ hasText: '✓' }).waitFor();
    assert.equal(await card.getByTestId('bucket-paidFen').locator('.bucket-value').innerText(), '¥200,000.00');
    assert.equal(await card.getByTestId('bucket-reservedFen').locator('.bucket-value').innerText(), '¥0.00');
    assert.equal(await card.getByTestId('bucket-remainingFen').locator('.bucket-value').innerText(), '¥800,000.00');
    const chart = card.getByTestId('budget-chart');
    assert.equal(await chart.getAttribute('data-paid'), '20000000');
    assert.equal(await chart.getAttribute('data-failed'), '0');
    await chart.locator('canvas').waitFor();
    await shot(fin, 'finance-06-budget');
    const csv = await download(fin, () => card.getByTestId('recon-csv').click());
    assert.equal(csv.name, `reconciliation-${pol}.csv`);
    const lines = csv.body.toString('utf8').replace(/^\uFEFF/, '').split('\r\n');
    assert.equal(lines[1].split(',').slice(3, 11).join(','), '"1000000.00","0.00","0.00","0.00","200000.00","800000.00","true","true"');
  });

  test('an auditor reads the same reconciliation, with nothing to trigger', async () => {
    await signIn(fin, base, 'audit', 'auditor1');
    await fin.goto(`${base}/audit/budgets`);
    // the books name every award: the auditor gives a purpose once, recorded on the chain with each look
    await fin.locator('.purpose-dialog input').fill('财政资金拨付专项审计');
    await fin.locator('.purpose-dialog .el-button--primary').click();
    const card = fin.getByTestId(`budget-${pol}`);
    await card.getByTestId('check-matches').filter({ hasText: '✓' }).waitFor();
    assert.equal(await card.getByTestId('bucket-paidFen').locator('.bucket-value').innerText(), '¥200,000.00');
    await fin.goto(`${base}/audit/payment-runs/${run1}`);
    // the same purpose goes with the run's look: no second question in this tab
    await fin.getByTestId(`e2e-${awardA}-1`).waitFor();
    assert.equal(await fin.getByTestId('statement-upload').count(), 0, 'no statement upload for an auditor');
    assert.equal(await fin.getByTestId('retry-failed').count(), 0);
  });
});
