import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChainNode } from '../../server/chain/node.ts';
import { createModules } from '../../server/modules.ts';
import type { Platform } from '../../server/platform.ts';
import { adoptVerificationKeys, decideTogether } from '../../server/privacy-query/bootstrap.ts';
import { daySet } from '../../server/privacy-query/daySet.ts';
import { commitFigures } from '../../server/privacy-query/holder/figures.ts';
import type { QueryRecord } from '../../server/privacy-query/raise.ts';
import { pq } from '../../server/privacy-query/stateKeys.ts';
import { filingOf, login, registerEnterprise, testCode } from '../approval/support.ts';
import { startTestPlatform } from '../support/platform.ts';
import { testPrivacyRules } from './support.ts';

/*
 * Workflow 4 end to end on the shipped modules: holders load figures, other departments ask on a
 * statute or the enterprise's consent, the holder node proves the answer by itself, and every node
 * verifies it and keeps the same record and receipt.
 */

const A = testCode(7001); // figures for every predicate, consented to housing and econ
const B = testCode(7002); // below the thresholds, a case inside the window
const C = testCode(7003); // committed by tax without the opening in its table: NO_DATA

async function answered(p: Platform, id: string, timeoutMs = 30_000): Promise<QueryRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const recs = await Promise.all(p.nodes.map((n) => n.view().get<QueryRecord>(pq.query(id))));
    if (recs.every((r) => r && r.status !== 'open')) return recs as QueryRecord[];
    if (Date.now() > deadline) throw new Error(`query ${id} still open: ${recs.map((r) => r?.status).join(',')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function ask(node: ChainNode, user: string, body: Record<string, unknown>): Promise<string> {
  const { id, receipt } = await node.submitAs(user, 'privacy.ask', body);
  assert.equal(receipt!.status, 'ok', `${receipt!.code}: ${receipt!.reason}`);
  return id;
}

describe('privacy query: ask → automatic proof → verified answer on every node', () => {
  let p: Platform;

  before(async () => {
    p = await startTestPlatform({ modules: createModules });
    await adoptVerificationKeys(p.nodes);
    await decideTogether(p.nodes, 'privacy.setRules', testPrivacyRules());
    const clerk = await login(p, 'service', 'clerk1');
    const ent = await registerEnterprise(p, clerk, 7001);
    const consents = [
      { dept: 'econ', field: 'market.capital', purpose: '惠企政策注册资本核验', questions: [{ kind: 'range', value: '1000000000-10000000000' }] },
      { dept: 'housing', field: 'tax.paidAnnual', purpose: '工程建设审批纳税核验', questions: [{ kind: 'gte', value: '100000000' }] },
    ];
    const filed = await ent.submit('filing.submit', { ...(await filingOf(ent)), consents });
    assert.equal(filed.status, 200, JSON.stringify(filed.body));

    await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: '2025', rows: [{ enterprise: A, value: '153726481' }, { enterprise: B, value: 4200000 }] });
    await commitFigures(p.node('hrss').modulePort(), 'holder1', { field: 'hrss.insured', period: '202510', rows: [{ enterprise: A, value: 25 }, { enterprise: B, value: 3 }] });
    await commitFigures(p.node('market').modulePort(), 'holder1', { field: 'market.capital', period: '2025', rows: [{ enterprise: A, value: '5000000000' }] });
    await commitFigures(p.node('market').modulePort(), 'holder1', { field: 'market.licence', period: '2025', rows: [{ enterprise: A, value: { validFrom: '20200101', validTo: '20301231' } }] });
    await commitFigures(p.node('enforcement').modulePort(), 'holder1', {
      field: 'enforcement.cases',
      period: '20251231',
      rows: [{ enterprise: A, value: { cases: ['20240315'] } }, { enterprise: B, value: { cases: ['20230101', '20250610'] } }],
    });
    // A commitment whose opening tax does not keep (a lost import, say).
    const lost = await p.node('tax').submitAs('holder1', 'privacy.commit', { field: 'tax.paid', period: '2025', items: [[C, '12345']] });
    assert.equal(lost.receipt!.status, 'ok');
  });

  after(() => p.stop());

  const cases: { name: string; node: string; user: string; body: () => Promise<Record<string, unknown>>; expect: boolean }[] = [
    { name: 'gte (statute)', node: 'econ', user: 'policy1', expect: true, body: async () => ({ enterprise: A, field: 'tax.paid', period: '2025', predicate: { kind: 'gte', params: { threshold: '100000000' } }, purpose: '惠企政策兑现资格核验', basis: { type: 'statute', rule: 'payout-tax' } }) },
    { name: 'gte false', node: 'econ', user: 'policy1', expect: false, body: async () => ({ enterprise: B, field: 'tax.paid', period: '2025', predicate: { kind: 'gte', params: { threshold: '100000000' } }, purpose: '惠企政策兑现资格核验', basis: { type: 'statute', rule: 'payout-tax' } }) },
    { name: 'gte (consent, by alias)', node: 'housing', user: 'approver1', expect: true, body: async () => ({ enterprise: A, field: 'tax.paidAnnual', period: '2025', predicate: { kind: 'gte', params: { threshold: '100000000' } }, purpose: '工程建设审批纳税核验', basis: { type: 'consent' } }) },
    { name: 'lte', node: 'econ', user: 'policy1', expect: true, body: async () => ({ enterprise: A, field: 'hrss.insured', period: '202510', predicate: { kind: 'lte', params: { threshold: 30 } }, purpose: '小微企业认定', basis: { type: 'statute', rule: 'payout-insured' } }) },
    { name: 'eq', node: 'econ', user: 'policy1', expect: true, body: async () => ({ enterprise: A, field: 'hrss.insured', period: '202510', predicate: { kind: 'eq', params: { target: '25' } }, purpose: '参保人数核对', basis: { type: 'statute', rule: 'payout-insured' } }) },
    { name: 'range (consent)', node: 'econ', user: 'policy1', expect: true, body: async () => ({ enterprise: A, field: 'market.capital', period: '2025', predicate: { kind: 'range', params: { lower: '1000000000', upper: '10000000000' } }, purpose: '注册资本区间核验', basis: { type: 'consent' } }) },
    { name: 'dateValid', node: 'housing', user: 'approver1', expect: true, body: async () => ({ enterprise: A, field: 'market.licence', period: '2025', predicate: { kind: 'dateValid', params: { date: '20261201' } }, purpose: '施工许可营业执照核验', basis: { type: 'statute', rule: 'approval-licence' } }) },
    {
      name: 'notInSet (free of cases)',
      node: 'econ',
      user: 'policy1',
      expect: true,
      body: async () => ({ enterprise: A, field: 'enforcement.cases', period: '20251231', set: { from: '20250101', to: '20251231' }, predicate: { kind: 'notInSet', params: { setRoot: (await daySet('20250101', '20251231', 1100)).root.toString() } }, purpose: '近12个月无处罚', basis: { type: 'statute', rule: 'payout-cases' } }),
    },
    {
      name: 'notInSet false (a case in the window)',
      node: 'econ',
      user: 'policy1',
      expect: false,
      body: async () => ({ enterprise: B, field: 'enforcement.cases', period: '20251231', set: { from: '20250101', to: '20251231' }, predicate: { kind: 'notInSet', params: { setRoot: (await daySet('20250101', '20251231', 1100)).root.toString() } }, purpose: '近12个月无处罚', basis: { type: 'statute', rule: 'payout-cases' } }),
    },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const id = await ask(p.node(c.node), c.user, await c.body());
      const recs = await answered(p, id);
      for (const r of recs) {
        assert.equal(r.status, 'answered', `${r.status} ${r.declineReason ?? ''}`);
        assert.equal(r.answer, c.expect);
        assert.equal(r.verified, true);
      }
      // Determinism: the answer's receipt and the record are the same bytes on every node.
      const rows = await Promise.all(p.nodes.map((n) => n.store.tx(recs[0].answerTx!)));
      const receipts = rows.map((t) => JSON.stringify({ h: t!.height, i: t!.index, s: t!.status, e: t!.events }));
      assert.equal(new Set(receipts).size, 1);
      assert.equal(new Set(recs.map((r) => JSON.stringify(r))).size, 1);
      assert.equal(rows[0]!.actor, null, 'the holder node answers by itself');
    });
  }

  test('a commitment the holder cannot open is declined with NO_DATA', async () => {
    const id = await ask(p.node('econ'), 'policy1', { enterprise: C, field: 'tax.paid', period: '2025', predicate: { kind: 'gte', params: { threshold: '1' } }, purpose: '惠企政策兑现资格核验', basis: { type: 'statute', rule: 'payout-tax' } });
    for (const r of await answered(p, id)) {
      assert.equal(r.status, 'declined');
      assert.equal(r.declineReason, 'NO_DATA');
    }
  });

  test('the approval module reads the answer through its privacy port', async () => {
    const { privacyPort } = await import('../../server/privacy-query/approvalAdapter.ts');
    const genesis = p.node('housing').genesis;
    const in2026 = { code: A, at: Date.UTC(2026, 2, 1), genesis }; // needs last year's (2025) tax
    const on20251231 = { code: A, at: Date.UTC(2025, 11, 31, 4), genesis }; // needs cases as of that day
    const taxCheck = { type: 'privacy', dept: 'tax', field: 'tax.paidAnnual', op: 'gte', value: '100000000', label: 'x', blocking: false } as const;
    const a = await privacyPort.answer(p.node('housing').view(), in2026, taxCheck);
    assert.equal(a?.answer, true);
    assert.equal(await privacyPort.answer(p.node('housing').view(), { ...in2026, at: Date.UTC(2027, 2, 1) }, taxCheck), undefined, 'an application in 2027 needs the 2026 figure; the 2025 answer does not count');
    const none = await privacyPort.answer(p.node('housing').view(), on20251231, { type: 'privacy', dept: 'enforcement', field: 'enforcement.cases', op: 'noneWithin', value: '12m', label: 'x', blocking: false });
    assert.equal(none?.answer, true, 'a full-year window covers 12 months');
    const later = await privacyPort.answer(p.node('housing').view(), { ...on20251231, at: Date.UTC(2026, 0, 5, 4) }, { type: 'privacy', dept: 'enforcement', field: 'enforcement.cases', op: 'noneWithin', value: '12m', label: 'x', blocking: false });
    assert.equal(later, undefined, 'an answer as of an earlier day says nothing about the days since');
    const wider = await privacyPort.answer(p.node('housing').view(), on20251231, { type: 'privacy', dept: 'enforcement', field: 'enforcement.cases', op: 'noneWithin', value: '24m', label: 'x', blocking: false });
    assert.equal(wider, undefined, 'a one-year window says nothing about two years');
    const listed = (await privacyPort.answersFor(p.node('housing').db, A, { dept: 'housing', id: 'approver1', role: 'approver', name: 'x' })) as { answer: boolean; verified: boolean }[];
    assert.ok(listed.length >= 6);
    assert.ok(listed.every((x) => x.verified));
  });
});

describe('privacy query before the consortium has adopted verification keys', () => {
  let p: Platform;
  before(async () => {
    p = await startTestPlatform({ modules: createModules, depts: ['tax', 'econ', 'market', 'service'] });
    await decideTogether(p.nodes, 'privacy.setRules', testPrivacyRules());
    await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: '2025', rows: [{ enterprise: A, value: '153726481' }] });
  });
  after(() => p.stop());

  test('the holder declines with NO_KEYS at once instead of proving an answer no node could accept', async () => {
    const id = await ask(p.node('econ'), 'policy1', { enterprise: A, field: 'tax.paid', period: '2025', predicate: { kind: 'gte', params: { threshold: '1' } }, purpose: '惠企政策兑现资格核验', basis: { type: 'statute', rule: 'payout-tax' } });
    for (const r of await answered(p, id)) {
      assert.equal(r.status, 'declined');
      assert.equal(r.declineReason, 'NO_KEYS');
    }
    const answers = await p.node('econ').db('txs').where({ kind: 'privacy.answer' }).count({ n: '*' }).first();
    assert.equal(Number(answers!.n), 0, 'no proof was submitted');
  });
});
