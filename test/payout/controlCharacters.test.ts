import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { EnterpriseRegister, FilingPersonal, FilingSubmit } from '../../server/approval/schema.ts';
import { sealFiling } from '../../server/approval/filingSeal.ts';
import { encKid, generateEncKey } from '../../server/chain/sealing/envelope.ts';
import { PayoutConfig } from '../../server/policy-payout/config.ts';
import { pain001, type Party } from '../../server/policy-payout/payments/bank/pain001.ts';
import { at, child, children, parseXml } from '../../server/policy-payout/payments/bank/xml.ts';
import type { RunRecord } from '../../server/policy-payout/records.ts';
import { Payee, PolicyPublish } from '../../server/policy-payout/schema.ts';
import type { Platform } from '../../server/platform.ts';
import { filingDraftOf, filingOf, registerEnterprise, type TestEnterprise } from '../approval/support.ts';
import { login, startTestPlatform } from '../support/platform.ts';
import { pain001Problems } from './pain001Schema.ts';

/**
 * Names and titles end up in pain.001 files, CSV exports and reports. A control character in
 * one would make the whole payment file invalid XML (or break a report's lines), so every
 * schema that feeds them refuses control characters when the text is filed, with the code
 * CONTROL_CHARACTER; a payment file can then no longer be made invalid by what was filed.
 */

const PAYEE = { name: '滨江星月贸易有限公司', account: '6227000000000001', bankName: '中国建设银行滨江分行', bankCode: '105331000017' };
const POLICY = {
  title: '高新技术企业研发投入奖励', legalBasis: '滨江市促进科技创新若干政策第五条', budgetFen: '100000000', capFen: '1000000',
  window: { opensAt: 0, closesAt: 1 }, review: { method: 'none' }, publicityDays: 5,
};
const DEBTOR = { name: '滨江市财政局国库支付中心', account: '330100100000000001', bankName: '中国人民银行滨江市中心支行', bankCode: '001331000018' };
const CONTROLS = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000B', '\u000C', '\u001B', '\u001F', '\u007F', '\u0085', '\u009F'];

const codeOf = (r: { success: boolean; error?: { issues: { code: string; params?: Record<string, unknown> }[] } }) =>
  r.success ? 'accepted' : (r.error!.issues[0].params?.code as string | undefined) ?? r.error!.issues[0].code;

function pain001Of(payee: typeof PAYEE, title: string, debtor = DEBTOR): string {
  const run: RunRecord = {
    id: 'PR-42-0', status: 'approved', policy: 'PL-7-0', policyTitle: title, debtor, items: [{ award: 'AW-100-0', endToEndId: 'AW-100-0-1', amountFen: '150000' }] as RunRecord['items'],
    count: 1, totalFen: '150000', createdAt: Date.UTC(2026, 2, 31), by: { dept: 'finance', user: 'finance1' }, txId: 'f'.repeat(64),
  };
  return pain001(run, new Map<string, Party>([['AW-100-0', { code: '91330106MA0000000X', payee }]]));
}

describe('control characters in names: refused when filed, so pain.001 stays valid XML', () => {
  test('every name that reaches a payment file refuses every control character with CONTROL_CHARACTER', () => {
    for (const c of CONTROLS) {
      const name = `滨江${c}贸易有限公司`;
      assert.equal(codeOf(Payee.safeParse({ ...PAYEE, name })), 'CONTROL_CHARACTER', `payee name with U+${c.charCodeAt(0).toString(16)}`);
      assert.equal(codeOf(Payee.safeParse({ ...PAYEE, bankName: name })), 'CONTROL_CHARACTER');
      assert.equal(codeOf(PolicyPublish.safeParse({ ...POLICY, title: name })), 'CONTROL_CHARACTER');
      assert.equal(codeOf(EnterpriseRegister.safeParse({ code: 'x', name, publicKey: 'a'.repeat(64), verification: { method: 'window' } })), 'CONTROL_CHARACTER');
      assert.equal(codeOf(PayoutConfig.safeParse({ debtor: { ...DEBTOR, name } })), 'CONTROL_CHARACTER');
    }
    // a name is one line; free text may break lines, but holds no other control character
    assert.equal(codeOf(Payee.safeParse({ ...PAYEE, name: '滨江\n贸易' })), 'CONTROL_CHARACTER');
    assert.equal(codeOf(PolicyPublish.safeParse({ ...POLICY, summary: '第一条\n第二条\t附则' })), 'accepted');
    assert.equal(codeOf(PolicyPublish.safeParse({ ...POLICY, summary: '第一条\u0000' })), 'CONTROL_CHARACTER');
    assert.equal(codeOf(Payee.safeParse({ ...PAYEE, name: '滨江\uFFFE贸易' })), 'CONTROL_CHARACTER');
    assert.equal(codeOf(Payee.safeParse({ ...PAYEE, name: '滨江\ud800贸易' })), 'CONTROL_CHARACTER');
    assert.equal(codeOf(Payee.safeParse({ ...PAYEE, name: '  滨江😀贸易有限公司  ' })), 'accepted', 'ordinary text, emoji and surrounding spaces (trimmed) pass');
  });

  test('any payee and title the schemas accept makes a pain.001 that parses, fits the schema and keeps the names', () => {
    // any code point at all, control characters and lone surrogates included
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(text, text, text, (name, bankName, title) => {
        const payee = Payee.safeParse({ ...PAYEE, name, bankName });
        const policy = PolicyPublish.safeParse({ ...POLICY, title });
        if (!payee.success || !policy.success) return;
        const xml = pain001Of(payee.data, policy.data.title);
        const doc = parseXml(xml);
        assert.deepEqual(pain001Problems(doc), []);
        const tx = children(child(child(doc, 'CstmrCdtTrfInitn'), 'PmtInf'), 'CdtTrfTxInf')[0];
        assert.equal(at(tx, 'Cdtr', 'Nm'), [...payee.data.name].slice(0, 140).join('').trim());
        assert.equal(at(tx, 'CdtrAgt', 'FinInstnId', 'Nm'), payee.data.bankName);
      }),
      { numRuns: 2000 },
    );
  });

  test('a name recorded before the rule still makes a valid file: the character is written as U+FFFD', () => {
    const xml = pain001Of({ ...PAYEE, name: '滨江\u0001贸易\ud800' }, '奖励\u001B[0m', { ...DEBTOR, name: '国库\uFFFF' });
    const doc = parseXml(xml);
    assert.deepEqual(pain001Problems(doc), []);
    const tx = children(child(child(doc, 'CstmrCdtTrfInitn'), 'PmtInf'), 'CdtTrfTxInf')[0];
    assert.equal(at(tx, 'Cdtr', 'Nm'), '滨江\uFFFD贸易\uFFFD');
    assert.equal(at(child(child(doc, 'CstmrCdtTrfInitn'), 'GrpHdr'), 'InitgPty', 'Nm'), '国库\uFFFD');
  });

  test('control characters in the filing schemas that feed names: profile, legal representative, contacts', async () => {
    const ent = { code: '91330106MA0000000X', name: '滨江' } as TestEnterprise;
    const draft = filingDraftOf(ent);
    const bad = '张\u0007建国';
    // the personal part is checked before the browser seals it (and again where a recipient opens it)
    const personal = { legalRepresentative: draft.profile.legalRepresentative, contacts: draft.profile.contacts };
    for (const c of [{ ...personal, legalRepresentative: bad }, { ...personal, contacts: [{ ...personal.contacts[0], name: bad }] }]) {
      assert.equal(codeOf(FilingPersonal.safeParse(c)), 'CONTROL_CHARACTER');
    }
    assert.equal(codeOf(FilingPersonal.safeParse(personal)), 'accepted');
    const key = generateEncKey().publicKey;
    const base = await sealFiling(draft, [{ kid: encKid('service', key), encKey: key }]);
    for (const c of [{ ...base, profile: { ...base.profile, name: bad } }, { ...base, profile: { ...base.profile, address: `滨江市\n江南区` } }]) {
      assert.equal(codeOf(FilingSubmit.safeParse(c)), 'CONTROL_CHARACTER');
    }
    assert.equal(codeOf(FilingSubmit.safeParse(base)), 'accepted');
  });

  describe('over HTTP', () => {
    let p: Platform;
    let ent: TestEnterprise;
    const txCount = async (dept: string) => Number(((await p.node(dept).db('txs').count({ n: '*' }).first()) as { n: number }).n);
    before(async () => {
      p = await startTestPlatform({ depts: ['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service'] });
      ent = await registerEnterprise(p, await login(p, 'service', 'clerk1'), 7070);
    });
    after(() => p.stop());

    test('a filing and a policy with a control character in a name are a 400 CONTROL_CHARACTER and write nothing', async () => {
      const before = await txCount('service');
      const filing = await filingOf(ent);
      const res = await ent.submit('filing.submit', { ...filing, profile: { ...filing.profile, name: '滨江\u001B[31m建设有限公司' } });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.code, 'CONTROL_CHARACTER');
      assert.match(res.body.message, /profile\.name/);
      assert.equal(await txCount('service'), before);

      const officer = await login(p, 'econ', 'policy1');
      const econBefore = await txCount('econ');
      const pol = await officer.post('/econ/api/payout/policies', { ...POLICY, title: '研发\u0000奖励' });
      assert.equal(pol.status, 400, JSON.stringify(pol.body));
      assert.equal(pol.body.code, 'CONTROL_CHARACTER');
      assert.equal(await txCount('econ'), econBefore);
    });
  });
});
