import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createConsortium } from '../server/chain/consortium.ts';
import { LocalLog } from '../server/chain/orderer/localLog.ts';
import { openDb } from '../server/chain/store/openDb.ts';
import { createModules } from '../server/modules.ts';
import { createPlatform, type Platform } from '../server/platform.ts';
import { adoptVerificationKeys } from '../server/privacy-query/bootstrap.ts';
import { commitFigures } from '../server/privacy-query/holder/figures.ts';
import { applicationOf, BenchClock, benchEnterprises, DAY, inBatches, makeAwards, publishPolicy, timePaymentRun } from './payoutAwards.ts';
import type { Figure } from './run.ts';

const logger = pino({ level: 'silent' });

/** A platform of the departments the flow needs, SQLite files in a temporary directory. */
async function platform(dir: string, clock: BenchClock, depts: string[]): Promise<Platform> {
  const keys = createConsortium({ chain: 'bench-payout', depts, time: Date.now(), limits: { blockWaitMs: 20, txTtlMs: 400 * DAY } });
  const log = new LocalLog(join(dir, 'log.sqlite'), clock);
  const specs = depts.map((dept) => ({ dept, db: openDb({ client: 'sqlite', filename: join(dir, `${dept}.sqlite`) }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger, modules: createModules });
  const staff: [string, string, string][] = [['econ', 'policy1', 'policy'], ['finance', 'finance1', 'finance'], ['finance', 'finance2', 'finance'], ['service', 'clerk1', 'clerk'], ['tax', 'holder1', 'holder'], ['hrss', 'holder1', 'holder']];
  await Promise.all(staff.filter(([d]) => depts.includes(d)).map(([d, id, role]) => p.node(d).submitAs('admin', 'user.register', { id, name: id, role })));
  return p;
}

/**
 * Applications checked per second: each application raises two privacy questions (tax paid,
 * insured employees) that the holders' nodes answer with Groth16 proofs every node verifies, and
 * the policy department's node then moves it on. Timed from the first submission until every
 * application has passed its checks.
 */
async function applicationsPerSecond(quick: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-bench-payout-'));
  const p = await platform(dir, new BenchClock(), ['market', 'tax', 'hrss', 'enforcement', 'econ', 'finance', 'service']);
  try {
    const n = quick ? 16 : 80;
    await adoptVerificationKeys(p.nodes);
    const { ents, sign } = await benchEnterprises(p, n);
    await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: '2025', rows: ents.map((e) => ({ enterprise: e.code, value: '200000000' })) });
    await commitFigures(p.node('hrss').modulePort(), 'holder1', { field: 'hrss.insured', period: '202510', rows: ents.map((e) => ({ enterprise: e.code, value: 40 })) });
    const policy = await publishPolicy(p, {
      eligibility: { privacy: [
        { id: 'tax', label: '纳税额不低于100万元', field: 'tax.paid', period: '2025', predicate: { kind: 'gte', params: { threshold: '100000000' } }, basis: { type: 'statute', rule: 'payout-tax' } },
        { id: 'insured', label: '参保不少于20人', field: 'hrss.insured', period: '202510', predicate: { kind: 'gte', params: { threshold: '20' } }, basis: { type: 'statute', rule: 'payout-insured' } },
      ] },
    });
    const econ = p.node('econ');
    // sealed beforehand, as each enterprise's browser does: the node's work is what is measured
    const bodies = await Promise.all(ents.map((e) => applicationOf(econ, policy, e.name)));
    const t0 = performance.now();
    await inBatches(econ, ents.map((e, i) => () => sign(e, 'payout.apply', bodies[i])));
    for (;;) {
      const { n: left } = (await econ.db('pay_applications').where({ policy, status: 'checking' }).count({ n: '*' }).first()) as { n: number };
      if (Number(left) === 0) break;
      if (performance.now() - t0 > 600_000) throw new Error(`${left} applications still checking after 10 minutes`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const s = (performance.now() - t0) / 1000;
    const { n: passed } = (await econ.db('pay_applications').where({ policy, status: 'deciding' }).count({ n: '*' }).first()) as { n: number };
    if (Number(passed) !== n) throw new Error(`only ${passed} of ${n} applications passed their checks`);
    return Math.round((n / s) * 10) / 10;
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Two payment runs of `n` awards each on a platform of their own, trigger to pain.001 file
 * (bench/payoutAwards.ts): the first with all three nodes in this process, the second with the
 * economy and service nodes stopped once the awards are made, so that the finance node applies
 * the run's blocks alone, as it does on a machine of its own.
 */
async function paymentRuns(n: number): Promise<{ all: number; alone: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-bench-payout-'));
  const clock = new BenchClock();
  const p = await platform(dir, clock, ['econ', 'finance', 'service']);
  const r2 = (s: number) => Math.round(s * 100) / 100;
  try {
    const first = await makeAwards(p, n, { clock, batch: 2000 });
    const second = await makeAwards(p, n, { clock, batch: 2000, from: n });
    const all = r2(await timePaymentRun(p, first.policy, n));
    await p.node('econ').stop();
    await p.node('service').stop();
    const alone = r2(await timePaymentRun(p, second.policy, n));
    return { all, alone };
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runPayoutBench({ quick }: { quick: boolean }): Promise<Figure[]> {
  const awards = quick ? 2000 : 10_000;
  const run = await paymentRuns(awards);
  const apps = await applicationsPerSecond(quick);
  const size = quick ? 's (quick: 2,000 awards)' : 's (10,000 awards, trigger to pain.001 file)';
  return [
    { metric: 'payout.applications_per_s', value: apps, unit: 'applications/s (2 zk-answered privacy queries each)' },
    { metric: 'payout.run_10k_s', value: run.all, unit: `${size}, three nodes in one process` },
    { metric: 'payout.run_10k_finance_alone_s', value: run.alone, unit: `${size}, the finance node applying alone` },
  ];
}
