import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AwardRecord, LedgerRecord, PublicationRecord } from '../../server/policy-payout/records.ts';
import { ECON_NODE, FINANCE, Harness, POLICY } from './harness.ts';

const codeOf = (r: { ok: boolean; code?: string }) => (r.ok ? 'ok' : r.code);

/**
 * An upheld objection that changes an award's amount is held to the rules of the decision (the
 * amount applied for, the cap, what the budget has left) and republishes the award on a new list.
 */
describe('an amount changed on objection', () => {
  async function setup() {
    const h = new Harness();
    const [a, b] = h.enterprises(2);
    const pol = await h.publish({ budgetFen: '1200000', capFen: '1000000', publicityDays: 5 });
    const appA = await h.apply(a, pol, { requestedFen: '800000' });
    const appB = await h.apply(b, pol);
    assert.ok((await h.run('payout.decide', POLICY, { application: appA, decision: 'approve', amountFen: '500000', reasons: '符合' })).ok);
    assert.ok((await h.run('payout.decide', POLICY, { application: appB, decision: 'approve', amountFen: '600000', reasons: '符合' })).ok);
    const pub = await h.run('payout.publicise', POLICY, { policy: pol });
    assert.ok(pub.ok);
    const award = `AW-${appA.slice(3)}`;
    const obj = await h.run('payout.object', FINANCE, { award, reasons: '金额有误' });
    assert.ok(obj.ok);
    return { h, pol, award, firstList: pub.events[0].data.publication as string, objection: obj.events[0].data.objection as string };
  }
  const change = (h: Harness, objection: string, amountFen: string) => h.run('payout.resolve', POLICY, { objection, outcome: 'change', amountFen, reasons: '调整金额' });

  test('above the amount applied for, the cap or what the budget has left: refused with a code, nothing written', async () => {
    const { h, pol, award, objection } = await setup();
    const before = new Map(h.state);
    assert.equal(codeOf(await change(h, objection, '800001')), 'ABOVE_REQUEST');
    assert.equal(codeOf(await change(h, objection, '1000001')), 'ABOVE_CAP');
    // 100,000 fen are left: raising 500,000 to 600,001 needs 100,001
    assert.equal(codeOf(await change(h, objection, '600001')), 'BUDGET_EXCEEDED');
    assert.deepEqual(h.state, before);
    assert.equal(h.get<AwardRecord>(`pay/award/${award}`)!.amountFen, '500000');
    assert.equal(h.get<LedgerRecord>(`pay/ledger/${pol}`)!.remainingFen, '100000');
  });

  test('a change within the rules goes on a new publication list with a full period of its own', async () => {
    const { h, pol, award, objection, firstList } = await setup();
    const r = await change(h, objection, '600000');
    assert.ok(r.ok, codeOf(r));
    const rec = h.get<AwardRecord>(`pay/award/${award}`)!;
    assert.notEqual(rec.publication, firstList);
    const list = h.get<PublicationRecord>(`pay/pub/${rec.publication}`)!;
    assert.deepEqual(list.awards.map((x) => [x.award, x.amountFen]), [[award, '600000']]);
    assert.equal(list.totalFen, '600000');
    assert.deepEqual(list.republishes, { publication: firstList, objection, award, previousAmountFen: '500000' });
    assert.deepEqual(rec.publicity, { startsAt: list.startsAt, endsAt: list.endsAt });
    assert.equal(list.endsAt - list.startsAt, 5 * 86_400_000);
    assert.ok((r.events[0].data.records as string[]).includes(`pay/pub/${rec.publication}`), 'the read model projects the new list');
    // the first list is history: it still says what was published then
    assert.equal(h.get<PublicationRecord>(`pay/pub/${firstList}`)!.awards.find((x) => x.award === award)!.amountFen, '500000');
    assert.equal(h.get<LedgerRecord>(`pay/ledger/${pol}`)!.remainingFen, '0');

    // Payable only after the new period, and for the republished amount.
    h.time = list.endsAt - 1; // the first list's period is over, the new one's is not
    const rel = await h.run('payout.release', ECON_NODE, { policy: pol });
    assert.ok(rel.ok);
    assert.equal(h.get<AwardRecord>(`pay/award/${award}`)!.status, 'publicised', 'its own period still runs');
    h.time = list.endsAt;
    assert.ok((await h.run('payout.release', ECON_NODE, { policy: pol })).ok);
    assert.deepEqual([h.get<AwardRecord>(`pay/award/${award}`)!.status, h.get<AwardRecord>(`pay/award/${award}`)!.amountFen], ['payable', '600000']);
  });
});
