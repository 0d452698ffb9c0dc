import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { balanced } from '../../server/policy-payout/budget/ledger.ts';
import { amountProblem, MAX_FEN } from '../../server/policy-payout/money.ts';
import { reconcile } from '../../server/policy-payout/payments/reconciliation.ts';
import type { AwardRecord, LedgerRecord, PolicyRecord } from '../../server/policy-payout/records.ts';
import { ECON_NODE, FINANCE, FINANCE2, Harness, POLICY } from './harness.ts';

const fenString = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 1n, max: 10n ** 12n }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-1', '1.5', '00', '1e3', '9223372036854775808', '99999999999999999999', ' 12', '') },
);

/** Every award in state, and the ledger, of a policy: the same check the reconciliation report makes. */
function books(h: Harness, policy: string) {
  const awards = [...h.state.keys()].filter((k) => k.startsWith('pay/award/')).map((k) => h.get<AwardRecord>(k)!).filter((a) => a.policy === policy);
  const ledger = h.get<LedgerRecord>(`pay/ledger/${policy}`)!;
  return { awards, ledger, report: reconcile(h.get<PolicyRecord>(`pay/policy/${policy}`)!, ledger, awards, [], { height: h.height, time: h.time }) };
}

describe('amounts: decimal strings of integer fen, each mistake with its own code', () => {
  const cases: [unknown, string | undefined][] = [
    ['1', undefined], ['0', undefined], [MAX_FEN.toString(), undefined],
    [(MAX_FEN + 1n).toString(), 'AMOUNT_TOO_LARGE'], ['9223372036854775808', 'AMOUNT_TOO_LARGE'], ['18446744073709551617', 'AMOUNT_TOO_LARGE'], ['1' + '0'.repeat(400), 'AMOUNT_TOO_LARGE'],
    ['-1', 'NEGATIVE_AMOUNT'], ['-0', 'NEGATIVE_AMOUNT'], ['1.5', 'FRACTIONAL_AMOUNT'], ['100.00', 'FRACTIONAL_AMOUNT'], ['1e6', 'FRACTIONAL_AMOUNT'], ['.5', 'FRACTIONAL_AMOUNT'],
    ['007', 'BAD_AMOUNT'], ['', 'BAD_AMOUNT'], ['12 ', 'BAD_AMOUNT'], ['１２', 'BAD_AMOUNT'], ['0x10', 'BAD_AMOUNT'],
    [100, 'AMOUNT_NOT_STRING'], [1.5, 'AMOUNT_NOT_STRING'], [null, 'AMOUNT_NOT_STRING'], [10n, 'AMOUNT_NOT_STRING'],
  ];
  for (const [v, code] of cases) {
    test(`${typeof v === 'string' ? JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v) : String(v)} → ${code ?? 'ok'}`, () => {
      assert.equal(amountProblem(v)?.code, code);
    });
  }
  test('zero is refused where an amount must be positive', () => assert.equal(amountProblem('0', { positive: true })?.code, 'ZERO_AMOUNT'));
});

describe('never above the published amount, never above the budget (property tests over the contracts)', () => {
  test('exactly the budget is fine; one fen more is refused', async () => {
    const h = new Harness();
    const [a, b] = h.enterprises(2);
    const pol = await h.publish({ budgetFen: '1000000', capFen: '1000000' });
    const one = await h.run('payout.decide', POLICY, { application: await h.apply(a, pol), decision: 'approve', amountFen: '1000000', reasons: 'ok' });
    assert.ok(one.ok);
    const two = await h.run('payout.decide', POLICY, { application: await h.apply(b, pol), decision: 'approve', amountFen: '1', reasons: 'ok' });
    assert.deepEqual(two.ok ? 'ok' : two.code, 'BUDGET_EXCEEDED');
    assert.equal(h.get<LedgerRecord>(`pay/ledger/${pol}`)!.remainingFen, '0');
    const over = await h.run('payout.publish', POLICY, { title: 't', legalBasis: 'b', budgetFen: '100', capFen: '101', window: { opensAt: 0, closesAt: h.time + 1e9 }, review: { method: 'none' }, publicityDays: 1 });
    assert.deepEqual(over.ok ? 'ok' : over.code, 'CAP_ABOVE_BUDGET');
  });

  test('decisions: random budgets, caps and amounts keep the books balanced and within budget and cap', async () => {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.integer({ min: 1, max: 100 }), fc.array(fenString, { minLength: 1, maxLength: 12 }), async (budget, capPct, amounts) => {
        const cap = budget * BigInt(capPct) / 100n || 1n;
        const h = new Harness();
        const codes = h.enterprises(amounts.length);
        const pol = await h.publish({ budgetFen: budget.toString(), capFen: cap.toString() });
        let remaining = budget;
        for (const [i, amt] of amounts.entries()) {
          const r = await h.run('payout.decide', POLICY, { application: await h.apply(codes[i], pol), decision: 'approve', amountFen: amt, reasons: 'r' });
          const valid = /^[1-9][0-9]*$/.test(amt) && BigInt(amt) <= 10n ** 16n - 1n;
          const expectOk = valid && BigInt(amt) <= cap && BigInt(amt) <= remaining;
          assert.equal(r.ok, expectOk, `${amt}: ${r.ok ? 'ok' : r.code}`);
          if (!r.ok && valid) assert.ok(['ABOVE_CAP', 'BUDGET_EXCEEDED'].includes(r.code));
          if (!r.ok && !valid) assert.ok(['BAD_AMOUNT', 'NEGATIVE_AMOUNT', 'FRACTIONAL_AMOUNT', 'AMOUNT_TOO_LARGE', 'ZERO_AMOUNT'].includes(r.code), r.code);
          if (r.ok) remaining -= BigInt(amt);
          const { ledger, awards } = books(h, pol);
          assert.ok(balanced(ledger));
          assert.equal(BigInt(ledger.remainingFen), remaining);
          assert.ok(awards.every((a) => BigInt(a.amountFen) <= cap));
        }
      }),
      { numRuns: 60 },
    );
  });

  test('the whole life: objections, withdrawals, changes, releases, runs, failures and retries never pay above the published amount or the budget, nor twice', async () => {
    const Step = fc.oneof(
      { weight: 2, arbitrary: fc.record({ t: fc.constant('object' as const), i: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ t: fc.constant('dismiss' as const), i: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('withdraw' as const), i: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ t: fc.constant('change' as const), i: fc.nat(), share: fc.oneof(fc.integer({ min: 1, max: 110 }), fc.constantFrom('0', '-1', '1.5')) }) },
      { weight: 3, arbitrary: fc.record({ t: fc.constant('days' as const), d: fc.integer({ min: 1, max: 6 }) }) },
      { weight: 3, arbitrary: fc.record({ t: fc.constant('release' as const) }) },
      { weight: 3, arbitrary: fc.record({ t: fc.constant('run' as const), retry: fc.boolean() }) },
      // a run sent back by the second officer, after its preparer tried to approve it alone
      { weight: 1, arbitrary: fc.record({ t: fc.constant('runRejected' as const), retry: fc.boolean() }) },
      { weight: 4, arbitrary: fc.record({ t: fc.constant('settle' as const), outcomes: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), dup: fc.integer({ min: 0, max: 5 }).map((x) => x === 0) }) },
    );
    // Award amounts as a share of the cap (up to 130%), with a malformed one now and then.
    const Share = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 130 }) }, { weight: 1, arbitrary: fc.constantFrom('0', '-5', '2.5', '9223372036854775808') });
    const seen = { released: 0, paid: 0, failed: 0, withdrawn: 0, changed: 0 };
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 10n, max: 10n ** 10n }), fc.array(Share, { minLength: 1, maxLength: 6 }), fc.array(Step, { minLength: 10, maxLength: 40 }), async (budget, shares, steps) => {
        const h = new Harness();
        const cap = budget / 2n || 1n;
        const amounts = shares.map((x) => (typeof x === 'number' ? ((cap * BigInt(x)) / 100n).toString() : x));
        const codes = h.enterprises(amounts.length);
        const pol = await h.publish({ budgetFen: budget.toString(), capFen: cap.toString(), publicityDays: 5 });
        for (const [i, amt] of amounts.entries()) await h.run('payout.decide', POLICY, { application: await h.apply(codes[i], pol), decision: 'approve', amountFen: amt, reasons: 'r' });
        await h.run('payout.publicise', POLICY, { policy: pol });
        const published = new Map<string, string>();
        const paidTimes = new Map<string, number>();
        const objections: string[] = [];
        const runs: string[] = [];
        for (const a of books(h, pol).awards) published.set(a.id, a.amountFen);
        const pick = <T>(xs: T[], i: number) => (xs.length ? xs[i % xs.length] : undefined);
        for (const s of steps) {
          const awards = books(h, pol).awards;
          if (s.t === 'object') {
            const a = pick(awards, s.i);
            const r = a === undefined ? undefined : await h.run('payout.object', FINANCE, { award: a.id, reasons: '异议' });
            if (r?.ok) objections.push(r.events[0].data.objection);
          } else if (s.t === 'dismiss' || s.t === 'withdraw' || s.t === 'change') {
            const o = pick(objections, s.i);
            const amountFen = s.t === 'change' ? (typeof s.share === 'number' ? ((cap * BigInt(s.share)) / 100n).toString() : s.share) : undefined;
            const r = o === undefined ? undefined : await h.run('payout.resolve', POLICY, { objection: o, outcome: s.t, ...(amountFen ? { amountFen } : {}), reasons: '处理' });
            if (r?.ok && s.t === 'change') {
              const award = h.get<AwardRecord>(`pay/award/${h.get<any>(`pay/objection/${o}`).award}`)!;
              published.set(award.id, award.amountFen);
              assert.ok(award.publicity!.endsAt > h.time, 'a changed award is published afresh');
            }
          } else if (s.t === 'days') h.passDays(s.d);
          else if (s.t === 'release') {
            const before = new Map(books(h, pol).awards.map((a) => [a.id, a]));
            const r = await h.run('payout.release', ECON_NODE, { policy: pol });
            for (const a of books(h, pol).awards.filter((x) => x.status === 'payable' && before.get(x.id)!.status === 'publicised')) {
              const b = before.get(a.id)!;
              assert.ok(h.time - 1000 >= b.publicity!.endsAt, 'no payment before the period ends');
              assert.equal(b.openObjections.length, 0, 'none with an open objection');
            }
            if (!r.ok) assert.equal(r.code, 'NOTHING_TO_RELEASE');
          } else if (s.t === 'run') {
            const r = await h.payRun({ policy: pol, retryFailed: s.retry });
            if (r.ok) runs.push(r.events[0].data.run);
            else assert.equal(r.code, 'NOTHING_TO_PAY');
          } else if (s.t === 'runRejected') {
            const before = JSON.stringify(h.get<LedgerRecord>(`pay/ledger/${pol}`));
            const made = await h.run('payout.run', FINANCE, { policy: pol, retryFailed: s.retry });
            if (!made.ok) {
              assert.equal(made.code, 'NOTHING_TO_PAY');
              continue;
            }
            const run = made.events[0].data.run;
            const alone = await h.run('payout.runApprove', FINANCE, { run });
            assert.ok(!alone.ok && alone.code === 'RUN_SAME_APPROVER');
            assert.ok((await h.run('payout.runReject', FINANCE2, { run, reason: '退回' })).ok);
            const again = await h.run('payout.runApprove', FINANCE2, { run });
            assert.ok(!again.ok && again.code === 'RUN_ALREADY_REVIEWED');
            assert.equal(JSON.stringify(h.get<LedgerRecord>(`pay/ledger/${pol}`)), before, 'a rejected run moved no money');
          } else if (s.t === 'settle') {
            const run = runs.at(-1);
            if (!run) continue;
            const items = h.get<any>(`pay/run/${run}`).items.slice(0, s.outcomes.length);
            const results = items.map((it: any, k: number) => ({ endToEndId: it.endToEndId, outcome: s.outcomes[k] ? 'settled' : 'failed' }));
            const r = await h.run('payout.settle', FINANCE, { run, results: s.dup ? [...results, ...results.slice(0, 1)] : results });
            if (r.ok) {
              for (const x of results) {
                const award = x.endToEndId.replace(/-[0-9]+$/, '');
                if (x.outcome === 'settled') paidTimes.set(award, (paidTimes.get(award) ?? 0) + 1);
              }
            } else {
              assert.ok(['ALREADY_SETTLED', 'ALREADY_RECORDED', 'STALE_ATTEMPT', 'DUPLICATE_ITEM'].includes(r.code), r.code);
            }
          }
          const { ledger, awards: after, report } = books(h, pol);
          for (const a of after) {
            if (a.status === 'paid') seen.paid++;
            if (a.status === 'failed') seen.failed++;
            if (a.status === 'withdrawn') seen.withdrawn++;
            if (a.status === 'payable') seen.released++;
            if (a.history.some((x) => x.event === 'changed')) seen.changed++;
          }
          assert.ok(report.balanced, 'budget = awarded + reserved + failed + paid + remaining');
          assert.ok(report.matchesAwards, 'each bucket is the sum of its awards');
          assert.ok(BigInt(ledger.paidFen) <= budget);
          for (const a of after) {
            assert.ok((paidTimes.get(a.id) ?? 0) <= 1, `${a.id} paid once at most`);
            if (a.status === 'withdrawn') assert.equal(paidTimes.get(a.id) ?? 0, 0, 'a withdrawn award is never paid');
            if (['payable', 'paying', 'failed', 'paid'].includes(a.status)) assert.equal(a.amountFen, published.get(a.id), 'exactly the published amount');
          }
        }
      }),
      { numRuns: 150 },
    );
    // The random walks must actually reach every branch, or the property says little.
    for (const [k, v] of Object.entries(seen)) assert.ok(v > 0, `no step sequence reached ${k}`);
  });
});
