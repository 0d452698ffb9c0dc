import assert from 'node:assert/strict';
import type { Platform } from '../../server/platform.ts';
import type { AwardRecord } from '../../server/policy-payout/records.ts';
import { registerEnterprise } from '../approval/support.ts';
import { apply, login, passDays, payoutFiling, publish, stateOf, until, type TestClock, type TestEnterprise } from './support.ts';

/** Enterprises with approved, published, released awards: ready for a payment run. */
export async function payableAwards(p: Platform, clock: TestClock, n: number, seed: number): Promise<{ policy: string; awards: string[]; amounts: Map<string, string> }> {
  const policy = await login(p, 'econ', 'policy1');
  const clerk = await login(p, 'service', 'clerk1');
  const ents: TestEnterprise[] = await Promise.all(Array.from({ length: n }, (_, i) => registerEnterprise(p, clerk, seed + i, `滨江并发${seed + i}科技有限公司`)));
  await Promise.all(ents.map(async (e) => assert.equal((await e.submit('filing.submit', await payoutFiling(e) as never)).status, 200)));
  const pol = await publish(policy, { budgetFen: '1000000000', capFen: '10000000' });
  const apps = await Promise.all(ents.map((e) => apply(p, e, pol)));
  const amounts = new Map<string, string>();
  await Promise.all(apps.map(async (app, i) => {
    const amountFen = String(1_000_000 + i * 1234);
    const res = await policy.post(`/econ/api/payout/applications/${app}/decision`, { decision: 'approve', amountFen, reasons: '符合条件' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    amounts.set(res.body.award, amountFen);
  }));
  assert.equal((await policy.post(`/econ/api/payout/policies/${pol}/publicise`, {})).status, 201);
  await passDays(p, clock, 8);
  const awards = [...amounts.keys()].sort();
  await until('all payable', async () => (await Promise.all(awards.map((a) => stateOf<AwardRecord>(p, `pay/award/${a}`)))).every((a) => a!.status === 'payable'));
  return { policy: pol, awards, amounts };
}
