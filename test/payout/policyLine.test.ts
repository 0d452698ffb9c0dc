import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { balanced } from '../../server/policy-payout/budget/ledger.ts';
import { reconcile } from '../../server/policy-payout/payments/reconciliation.ts';
import type { AwardRecord, LedgerRecord, PolicyRecord } from '../../server/policy-payout/records.ts';
import { Harness, POLICY } from './harness.ts';

const codeOf = (r: { ok: boolean; code?: string }) => (r.ok ? 'ok' : r.code);

/** The awards of every version of a line that still hold money (not withdrawn). */
function lineAwards(h: Harness, lineage: string): AwardRecord[] {
  return [...h.state.keys()]
    .filter((k) => k.startsWith('pay/award/'))
    .map((k) => h.get<AwardRecord>(k)!)
    .filter((a) => h.get<PolicyRecord>(`pay/policy/${a.policy}`)!.lineage === lineage && a.status !== 'withdrawn');
}

const sum = (awards: AwardRecord[]) => awards.reduce((s, a) => s + BigInt(a.amountFen), 0n);

/**
 * One policy line, one budget: a new version of a policy sets the line's budget instead of
 * bringing a second one, and what the line has already awarded counts against it.
 */
describe('policy versions share one budget', () => {
  test('a new version cannot be used to double the money', async () => {
    const h = new Harness();
    const [a, b, c] = h.enterprises(3);
    const v1 = await h.publish({ budgetFen: '1000000', capFen: '1000000' });
    const appA = await h.apply(a, v1);
    const appC = await h.apply(c, v1);
    assert.ok((await h.run('payout.decide', POLICY, { application: appA, decision: 'approve', amountFen: '800000', reasons: '符合' })).ok);

    const v2 = await h.publish({ budgetFen: '1000000', capFen: '1000000', supersedes: v1 });
    assert.equal(h.get(`pay/ledger/${v2}`), undefined, 'no second ledger');
    const ledger = h.get<LedgerRecord>(`pay/ledger/${v1}`)!;
    assert.deepEqual([ledger.budgetFen, ledger.awardedFen, ledger.remainingFen], ['1000000', '800000', '200000']);

    // Under the new version: only what the line has left.
    const appB = await h.apply(b, v2);
    assert.equal(codeOf(await h.run('payout.decide', POLICY, { application: appB, decision: 'approve', amountFen: '200001', reasons: '超出' })), 'BUDGET_EXCEEDED');
    assert.equal(codeOf(await h.run('payout.decide', POLICY, { application: appB, decision: 'approve', amountFen: '200000', reasons: '符合' })), 'ok');
    // Under the old terms: the old version's remainder is not a budget of its own either.
    assert.equal(codeOf(await h.run('payout.decide', POLICY, { application: appC, decision: 'approve', amountFen: '1', reasons: '符合' })), 'BUDGET_EXCEEDED');

    assert.equal(sum(lineAwards(h, v1)), 1_000_000n, 'awards across both versions come to one budget');
    const after = h.get<LedgerRecord>(`pay/ledger/${v1}`)!;
    assert.ok(balanced(after));
    assert.equal(after.remainingFen, '0');
  });

  test('a new version may raise or lower the budget, never below what the line has committed', async () => {
    const h = new Harness();
    const [a, b] = h.enterprises(2);
    const v1 = await h.publish({ budgetFen: '1000000', capFen: '600000' });
    assert.ok((await h.run('payout.decide', POLICY, { application: await h.apply(a, v1), decision: 'approve', amountFen: '600000', reasons: '符合' })).ok);

    const low = await h.run('payout.publish', POLICY, { title: '压缩预算', legalBasis: '测试', budgetFen: '599999', capFen: '100000', window: { opensAt: 0, closesAt: h.time + 1e10 }, review: { method: 'none' }, publicityDays: 5, supersedes: v1 });
    assert.equal(codeOf(low), 'BUDGET_BELOW_COMMITTED');
    assert.equal(h.get(`pay/next/${v1}`), undefined, 'a refused version writes nothing');

    const v2 = await h.publish({ budgetFen: '600000', capFen: '100000', supersedes: v1 });
    assert.deepEqual([h.get<LedgerRecord>(`pay/ledger/${v1}`)!.budgetFen, h.get<LedgerRecord>(`pay/ledger/${v1}`)!.remainingFen], ['600000', '0'], 'lowered to exactly what is committed');
    const v3 = await h.publish({ budgetFen: '1500000', capFen: '1000000', supersedes: v2 });
    const raised = h.get<LedgerRecord>(`pay/ledger/${v1}`)!;
    assert.deepEqual([raised.budgetFen, raised.awardedFen, raised.remainingFen], ['1500000', '600000', '900000']);
    assert.equal(codeOf(await h.run('payout.decide', POLICY, { application: await h.apply(b, v3), decision: 'approve', amountFen: '900001', reasons: '超出' })), 'BUDGET_EXCEEDED');

    // The reconciliation of the line adds the awards of every version to the one ledger.
    const report = reconcile(h.get<PolicyRecord>(`pay/policy/${v3}`)!, raised, lineAwards(h, v1), [], { height: h.height, time: h.time });
    assert.ok(report.balanced && report.matchesAwards);
  });

  test('random versions and decisions: the awards of a line never exceed its current budget', async () => {
    const Step = fc.oneof(
      { weight: 3, arbitrary: fc.record({ t: fc.constant('decide' as const), pct: fc.integer({ min: 1, max: 80 }) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('version' as const), pct: fc.integer({ min: 10, max: 200 }) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 1000n, max: 10n ** 10n }), fc.array(Step, { minLength: 2, maxLength: 20 }), async (budget, steps) => {
        const h = new Harness();
        const codes = h.enterprises(steps.length);
        let current = await h.publish({ budgetFen: budget.toString(), capFen: budget.toString() });
        const lineage = current;
        let lineBudget = budget;
        for (const [i, s] of steps.entries()) {
          const committed = sum(lineAwards(h, lineage));
          if (s.t === 'decide') {
            const amt = (budget * BigInt(s.pct)) / 100n || 1n;
            const r = await h.run('payout.decide', POLICY, { application: await h.apply(codes[i], current), decision: 'approve', amountFen: amt.toString(), reasons: 'r' });
            // each version's cap is its budget
            assert.equal(codeOf(r), amt > lineBudget ? 'ABOVE_CAP' : committed + amt > lineBudget ? 'BUDGET_EXCEEDED' : 'ok');
          } else {
            const next = (budget * BigInt(s.pct)) / 100n || 1n;
            const r = await h.run('payout.publish', POLICY, { title: 'v', legalBasis: 'b', budgetFen: next.toString(), capFen: next.toString(), window: { opensAt: 0, closesAt: h.time + 1e10 }, review: { method: 'none' }, publicityDays: 5, supersedes: current });
            assert.equal(codeOf(r), next >= committed ? 'ok' : 'BUDGET_BELOW_COMMITTED');
            if (r.ok) {
              current = r.events[0].data.policy as string;
              lineBudget = next;
            }
          }
          const ledger = h.get<LedgerRecord>(`pay/ledger/${lineage}`)!;
          assert.ok(balanced(ledger));
          assert.equal(BigInt(ledger.budgetFen), lineBudget);
          assert.ok(sum(lineAwards(h, lineage)) <= lineBudget, 'never above the line\'s current budget');
          assert.equal(sum(lineAwards(h, lineage)), BigInt(ledger.awardedFen));
        }
      }),
      { numRuns: 80 },
    );
  });
});
