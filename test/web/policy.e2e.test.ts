import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Module } from '../../server/chain/module.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { portalMiddleware } from '../../server/http/portal.ts';
import { createModules } from '../../server/modules.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import type { ApplicationRecord, AwardRecord, LedgerRecord, ObjectionRecord, PolicyRecord } from '../../server/policy-payout/records.ts';
import { adoptVerificationKeys } from '../../server/privacy-query/bootstrap.ts';
import { sealKey } from '../../web/src/crypto/keyVault.ts';
import { pdf } from '../approval/support.ts';
import { commitTaxAndInsured, DAY, login, passDays, payoutEnterprise, seedStaff, stateOf, TestClock, until, type TestEnterprise } from '../payout/support.ts';
import { makeConsortium, silentLogger } from '../support/fixtures.ts';
import { committed, launchChromium, needBuiltPortal, noChromium, pick, portalPage, shot, shotsOnFailure, signIn } from './browser.ts';

/**
 * 政策兑现 in a real browser (Debian's Chromium) against an in-process platform with every module,
 * real zero-knowledge answers and a test clock: the policy officer publishes a policy with a
 * privacy rule; an enterprise, whose key only its browser holds, applies with its filing; the tax
 * department's node answers the question with a proof and the policy node moves the checks on;
 * the officer is refused an amount above the cap, decides within it and publicises; the
 * enterprise objects and the officer dismisses the objection; the period passes in block time;
 * the officer makes the award payable and the enterprise sees it; a new version replaces the
 * policy; an auditor reads it all
 * without the officer's actions. Screenshots land in
 * test-artifacts/screenshots/policy-*.png.
 */
const PASS = 'qiye-kouling-2026';
const DEPTS = ['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service'];
const TITLE = '高新技术企业研发投入奖励(第二批)';

describe('policy payout pages in a browser', { skip: noChromium }, () => {
  const clock = new TestClock();
  // The policy node releases awards by itself once a period ends; the test turns that off after
  // the checks, so that the release the officer asks for on the page is the one that lands.
  let automation = true;
  let p: Platform;
  let base: string;
  let browser: Browser;
  let ent: Page;
  let staff: Page;
  let A: TestEnterprise;
  let pol: string;
  let appId: string;
  let awardId: string;

  const app = () => stateOf<ApplicationRecord>(p, `pay/app/${appId}`);
  const award = () => stateOf<AwardRecord>(p, `pay/award/${awardId}`);
  const ledger = () => stateOf<LedgerRecord>(p, `pay/ledger/${pol}`);

  afterEach((t) => shotsOnFailure(t, { 'policy-fail-enterprise': ent, 'policy-fail-staff': staff }));

  before(async () => {
    needBuiltPortal();
    const modules = (): Module[] => {
      const ms = createModules();
      const payout = ms.find((m) => m.name === 'payout')!;
      const own = payout.afterBlock!;
      payout.afterBlock = (block, node) => (automation ? own(block, node) : Promise.resolve());
      return ms;
    };
    // As startPayoutPlatform (test/payout/support.ts), with the portal served and the switch above.
    const keys = makeConsortium(DEPTS, { txTtlMs: 400 * DAY }, { config: {} });
    const log = new LocalLog(':memory:', clock);
    const specs = keys.genesis.members.map((m) => ({ dept: m.dept, db: openDb({ client: 'sqlite', filename: ':memory:' }), orderer: log }));
    p = await createPlatform({ keys, specs, logger: silentLogger, modules, extraMiddleware: [portalMiddleware()] });
    await seedStaff(p);
    await adoptVerificationKeys(p.nodes);
    base = `http://127.0.0.1:${((await p.listen(0)).address() as AddressInfo).port}`;

    // The enterprise is registered at the window and has filed the one form (consenting to econ's
    // questions); the tax office has committed its figure. Its key exists only in its browser.
    const clerk = await login(p, 'service', 'clerk1');
    A = await payoutEnterprise(p, clerk, 7301);
    await commitTaxAndInsured(p, [{ code: A.code, taxFen: '150000000', insured: 25 }]);
    const backup = await sealKey(Buffer.from(A.secret).toString('hex'), PASS, A.code, 100_000);

    browser = await launchChromium();
    // Where the portal keeps the sealed key (web/src/crypto/keyVault.ts), as if imported from its backup file.
    ent = await portalPage(browser, { init: `localStorage.setItem('tongban.enterpriseKey', ${JSON.stringify(JSON.stringify(backup))});` });
    staff = await portalPage(browser);
  });
  after(async () => {
    await browser?.close();
    await p?.stop();
  });

  test('发布政策: the officer publishes a policy with a privacy rule; amounts typed in yuan land in fen', async () => {
    await signIn(staff, base, 'econ', 'policy1');
    await staff.goto(`${base}/econ/policies`);
    await staff.getByTestId('to-publish').click();
    await staff.getByTestId('publish-form').waitFor();
    await staff.getByTestId('p-title').fill(TITLE);
    await staff.getByTestId('p-basis').fill('《滨江市促进科技创新若干政策》第五条');
    await staff.getByTestId('p-budget').fill('1,000,000');
    await staff.getByTestId('p-cap').fill('200,000');
    assert.match(await staff.getByTestId('p-cap-fen').innerText(), /20000000 分/);
    await staff.getByTestId('p-industries').fill('C');
    await staff.getByTestId('p-regions').fill('江南区');
    await staff.getByTestId('rule-add').click();
    await pick(staff, 'rule-field-0', 'tax.paid');
    await staff.getByTestId('rule-period-0').fill('2025');
    await staff.getByTestId('rule-threshold-0').fill('1,000,000');
    await staff.getByTestId('rule-label-0').fill('2025年纳税额不低于100万元');
    await staff.getByTestId('publish-submit').click();
    // ¥1,000,000 or more is published only once the officer confirms the amount
    const confirm = staff.locator('.el-message-box');
    await confirm.waitFor();
    assert.match(await confirm.innerText(), /1,000,000\.00/);
    await staff.locator('.publish-confirm').click();
    await committed(staff);
    await shot(staff, 'policy-01-publish');
    const link = staff.getByTestId('published-link');
    pol = (await link.innerText()).match(/PL-\d+-\d+/)![0];

    const rec = await stateOf<PolicyRecord>(p, `pay/policy/${pol}`);
    assert.deepEqual([rec?.budgetFen, rec?.capFen, rec?.publicityDays], ['100000000', '20000000', 7]);
    assert.deepEqual(rec?.eligibility.privacy.map((r) => [r.field, r.period, r.predicate.kind, r.predicate.params.threshold, r.basis.type]), [['tax.paid', '2025', 'gte', '100000000', 'consent']]);
    assert.deepEqual([rec?.eligibility.industries, rec?.eligibility.regions], [['C'], ['江南区']]);

    await link.click();
    await staff.getByTestId('policy-detail').waitFor();
    assert.equal(await staff.getByTestId('policy-title').innerText(), TITLE);
    assert.match(await staff.getByTestId('policy-cap').innerText(), /¥200,000\.00/);
    await staff.getByRole('tab', { name: /可申报企业/ }).click();
    await staff.getByTestId('candidates').filter({ hasText: A.code }).waitFor();
    await shot(staff, 'policy-02-detail-candidates');
    await staff.goto(`${base}/econ/policies`);
    await staff.getByTestId(`phase-${pol}`).filter({ hasText: '申报中' }).waitFor();
    await shot(staff, 'policy-03-list');
  });

  test('申报: the enterprise finds the policy, uploads an attachment and applies, signed in its browser', async () => {
    await ent.goto(`${base}/econ/login`);
    await ent.getByRole('tab', { name: '企业密钥登录' }).click();
    await ent.getByTestId('ent-pass').fill(PASS);
    await ent.getByTestId('ent-login').click();
    await ent.getByTestId('role-intro').waitFor();
    await ent.goto(`${base}/econ/policy-eligible`);
    await ent.getByTestId(`eligible-${pol}`).waitFor();
    assert.match(await ent.getByTestId(`eligible-${pol}`).innerText(), /2025年纳税额不低于100万元/);
    await shot(ent, 'policy-04-eligible');
    await ent.getByTestId(`apply-${pol}`).click();
    await ent.getByTestId('apply-form').waitFor();
    await ent.getByTestId('a-requested').fill('150,000');
    await ent.getByTestId('a-statement').fill('本企业2025年研发投入3200万元，申请研发投入奖励。');
    await ent.getByTestId('a-account').fill('6222021001000073010');
    await ent.getByTestId('a-bank').fill('中国工商银行滨江江南支行');
    await ent.getByTestId('a-bank-code').fill('102331000013');
    await ent.getByTestId('attachment-upload').locator('input[type=file]').setInputFiles({ name: '研发投入专项审计报告.pdf', mimeType: 'application/pdf', buffer: pdf('policy-e2e-audit') });
    await ent.getByTestId('attachments').getByText('研发投入专项审计报告.pdf').waitFor();
    await ent.getByTestId('sign-pass').fill(PASS);
    await ent.getByTestId('sign-submit').click();
    await committed(ent);
    appId = (await ent.getByTestId('applied-id').innerText()).match(/PA-\d+-\d+/)![0];
    await shot(ent, 'policy-05-apply');
    // the next application starts with the account of this one, kept in this browser only
    await ent.goto(`${base}/econ/policy-apply/${pol}`);
    await ent.getByTestId('a-payee-remembered').waitFor();
    assert.equal(await ent.getByTestId('a-account').inputValue(), '6222021001000073010');
    assert.equal(await ent.getByTestId('a-bank-code').inputValue(), '102331000013');

    const rec = await app();
    assert.equal(rec?.code, A.code);
    assert.equal(rec?.requestedFen, '15000000');
    assert.equal(rec?.payee.name, A.name, 'paid to an account in its own name');
    assert.deepEqual(rec?.attachments.map((m) => m.type), ['pdf']);
    assert.ok(rec?.attachmentNames, 'the file name is on the ledger only sealed');
    assert.ok(!JSON.stringify(rec).includes('研发投入专项审计报告'), 'nor is it in plaintext anywhere in the record');
    const view = await p.node('econ').db('pay_applications').where({ id: appId }).first('json');
    assert.deepEqual(JSON.parse(view.json).attachments.map((m: { name?: string }) => m.name), ['研发投入专项审计报告.pdf'], 'the policy department\'s read model opens it');
  });

  test('资格核验: the tax node answers with a proof; the officer sees it marked as verified by proof', async () => {
    const ready = await until('the checks to pass', async () => {
      const a = await app();
      return a && a.status !== 'checking' && a;
    }, 90_000);
    assert.equal(ready.status, 'deciding', JSON.stringify(ready.rejection ?? ready.checks));
    automation = false;
    await staff.goto(`${base}/econ/policy-applications`);
    await staff.getByTestId(`papp-status-${appId}`).filter({ hasText: '待核定' }).waitFor();
    await shot(staff, 'policy-06-applications');
    await staff.getByTestId(`papp-${appId}`).click();
    const check = staff.getByTestId('check-tax');
    await check.getByTestId('proof-verified').waitFor();
    assert.match(await check.innerText(), /通过[\s\S]*2025年纳税额不低于100万元[\s\S]*是[\s\S]*已由证明核验/);
    // sealed in the enterprise's browser to this department: its page shows them opened
    assert.match(await staff.getByTestId('pol-statement').innerText(), /研发投入3200万元/);
    assert.match(await staff.getByTestId('pol-attachment').first().innerText(), /研发投入专项审计报告\.pdf/);
    await shot(staff, 'policy-07-application');
  });

  test('核定: an amount above the cap is refused with the chain\'s reason and changes nothing; one within it is awarded', async () => {
    const form = staff.getByTestId('pol-decision-form');
    await form.getByTestId('pd-amount').fill('250,000');
    await form.getByTestId('pd-warning').waitFor();
    await form.getByTestId('pd-reasons').fill('研发投入真实，核定奖励。');
    await form.getByTestId('pd-submit').click();
    const refused = form.getByTestId('error');
    await refused.waitFor();
    assert.match(await refused.innerText(), /ABOVE_CAP/);
    await shot(staff, 'policy-08-above-cap');
    assert.equal((await app())?.status, 'deciding');
    assert.deepEqual([(await ledger())?.awardedFen, (await ledger())?.remainingFen], ['0', '100000000']);

    await form.getByTestId('pd-amount').fill('120,000');
    await form.getByTestId('pd-submit').click();
    await committed(staff.getByTestId('pol-decision-card'));
    await staff.getByTestId('award-status').filter({ hasText: '待公示' }).waitFor();
    const decided = await app();
    assert.deepEqual([decided?.status, decided?.decision?.amountFen], ['approved', '12000000']);
    awardId = decided!.award!;
    assert.deepEqual([(await ledger())?.awardedFen, (await ledger())?.remainingFen], ['12000000', '88000000']);
  });

  test('公示: the officer publicises; the list shows the period; the enterprise sees its award in publicity and objects', async () => {
    await staff.goto(`${base}/econ/policies/${pol}`);
    await staff.getByTestId('publicise').click();
    await committed(staff.getByTestId('policy-actions'));
    assert.equal((await award())?.status, 'publicised');
    await staff.goto(`${base}/econ/publicity`);
    const lists = staff.getByTestId('publications');
    await lists.filter({ hasText: pol }).waitFor();
    await lists.locator('.el-table__expand-icon').first().click();
    await lists.getByText(A.name).waitFor();
    await shot(staff, 'policy-09-publicity');

    await ent.goto(`${base}/econ/my-policy-applications`);
    await ent.getByTestId(`mine-status-${appId}`).filter({ hasText: '公示中' }).waitFor();
    assert.equal(await ent.getByTestId('pt-publicised').getAttribute('data-state'), 'current');
    await ent.getByTestId(`object-pick-${awardId}`).click();
    await ent.getByTestId('object-reasons').fill('核定金额低于申请金额，请说明核减依据。');
    await ent.getByTestId('sign-pass').fill(PASS);
    await ent.getByTestId('sign-submit').click();
    await committed(ent.getByTestId('objection-box'));
    await shot(ent, 'policy-10-enterprise-objected');
    assert.equal((await award())?.openObjections.length, 1);
  });

  test('异议处理: the officer dismisses the objection; before the period ends nothing can be released', async () => {
    const objection = (await award())!.openObjections[0];
    await staff.goto(`${base}/econ/publicity`);
    // sealed in the enterprise's browser to this department: its page opens them
    await staff.getByTestId(`resolve-${objection}`).waitFor();
    assert.match(await staff.getByTestId(`obj-reasons-${objection}`).innerText(), /核减依据/);
    await staff.getByTestId(`resolve-${objection}`).click();
    await staff.getByTestId('resolve-reasons').fill('核减部分为不符合归集口径的费用，异议不成立。');
    await shot(staff, 'policy-11-objection-resolve');
    await staff.getByTestId('resolve-submit').click();
    await committed(staff.getByTestId('objections-card'));
    const rec = await stateOf<ObjectionRecord>(p, `pay/objection/${objection}`);
    assert.equal(rec?.status, 'dismissed');
    assert.equal((rec?.reasons as unknown as { sealed: number }).sealed, 1, 'the browser sealed the reasons');

    await staff.goto(`${base}/econ/policies/${pol}`);
    await staff.getByTestId('release').click();
    const refused = staff.getByTestId('policy-actions').getByTestId('error');
    await refused.waitFor();
    assert.match(await refused.innerText(), /NOTHING_TO_RELEASE/);
    assert.equal((await award())?.status, 'publicised');
  });

  test('拨付: once the period has passed in block time the officer makes the award payable, and the enterprise sees it', async () => {
    await passDays(p, clock, 8);
    await staff.reload();
    await staff.getByTestId('release').click();
    await committed(staff.getByTestId('policy-actions'));
    assert.equal((await award())?.status, 'payable');
    assert.deepEqual([(await ledger())?.awardedFen, (await ledger())?.reservedFen], ['0', '12000000']);
    await staff.getByTestId('reconcile').click();
    assert.match(await staff.getByTestId('reconciliation').innerText(), /台账平衡[\s\S]*与奖补明细一致/);
    assert.match(await staff.getByTestId('ledger-reservedFen').innerText(), /¥120,000\.00/);
    await shot(staff, 'policy-12-released');

    await ent.goto(`${base}/econ/my-policy-applications`);
    await ent.getByTestId(`mine-status-${appId}`).filter({ hasText: '可拨付' }).waitFor();
    assert.equal(await ent.getByTestId('pt-payable').getAttribute('data-state'), 'current');
    assert.match(await ent.getByTestId(`mine-${appId}`).innerText(), /¥120,000\.00/);
    await shot(ent, 'policy-13-enterprise-payable');
  });

  test('新版本: a new version starts from the old terms (amounts back in yuan) and replaces it', async () => {
    await staff.goto(`${base}/econ/policies/${pol}`);
    await staff.getByTestId('new-version').click();
    await staff.getByTestId('publish-form').waitFor();
    assert.equal(await staff.getByTestId('p-title').inputValue(), TITLE);
    assert.equal(await staff.getByTestId('p-cap').inputValue(), '200,000.00');
    assert.equal(await staff.getByTestId('rule-threshold-0').inputValue(), '1,000,000.00');
    await staff.getByTestId('p-cap').fill('250,000');
    await staff.getByTestId('publish-submit').click();
    await staff.locator('.publish-confirm').click();
    await committed(staff);
    const next = (await staff.getByTestId('published-link').innerText()).match(/PL-\d+-\d+/)![0];
    const rec = await stateOf<PolicyRecord>(p, `pay/policy/${next}`);
    assert.deepEqual([rec?.supersedes, rec?.version, rec?.capFen, rec?.budgetFen], [pol, 2, '25000000', '100000000']);
    assert.equal(rec?.eligibility.privacy[0].predicate.params.threshold, '100000000', 'the rule survives the round trip through yuan');
    assert.equal((await stateOf<{ policy: string }>(p, `pay/next/${pol}`))?.policy, next, 'the old version names its successor');
    await staff.getByTestId('published-link').click();
    await staff.getByTestId('policy-versions').filter({ hasText: pol }).waitFor();
    await shot(staff, 'policy-14-new-version');
  });

  test('审计: an auditor reads the policy, its ledger and applications, with no officer actions', async () => {
    await signIn(staff, base, 'audit', 'auditor1');
    await staff.goto(`${base}/audit/policies/${pol}`);
    await staff.getByTestId('policy-detail').waitFor();
    await staff.getByTestId('ledger-reservedFen').filter({ hasText: '¥120,000.00' }).waitFor();
    assert.equal(await staff.getByTestId('policy-actions').count(), 0);
    await staff.goto(`${base}/audit/policy-applications/${appId}`);
    // another department's application: the auditor states a purpose, recorded with the look
    await staff.locator('.purpose-dialog input').fill('政策资金使用专项审计');
    await staff.locator('.purpose-dialog .el-button--primary').click();
    await staff.getByTestId('check-tax').getByTestId('proof-verified').waitFor();
    assert.equal(await staff.getByTestId('pol-decision-card').count(), 0);
    assert.equal(await staff.getByTestId('award-status').innerText(), '可拨付');
    // sealed to the policy's department: the audit node shows that they are sealed, not what they say
    assert.match(await staff.getByTestId('pol-statement').innerText(), /已密封/);
    assert.match(await staff.getByTestId('pol-attachment').first().innerText(), /已密封/);
    assert.doesNotMatch(await staff.locator('body').innerText(), /研发投入专项审计报告|研发投入3200万元/);
    await shot(staff, 'policy-15-auditor-application');
  });
});
