import pino from 'pino';
import { createConsortium } from '../server/chain/consortium.ts';
import type { ChainNode } from '../server/chain/node.ts';
import { LocalLog } from '../server/chain/orderer/localLog.ts';
import { openDb } from '../server/chain/store/openDb.ts';
import { seedDemo } from '../server/demo/seed.ts';
import { createModules } from '../server/modules.ts';
import { createPlatform, type Platform } from '../server/platform.ts';
import { adoptVerificationKeys } from '../server/privacy-query/bootstrap.ts';
import { DEFAULT_STATUTES } from '../server/privacy-query/config.ts';
import { commitFigures } from '../server/privacy-query/holder/figures.ts';
import { processProver } from '../server/privacy-query/holder/proverSource.ts';
import type { QueryRecord } from '../server/privacy-query/raise.ts';
import { pq } from '../server/privacy-query/stateKeys.ts';
import { withCheckChar, CREDIT_CODE_CHARS } from '../shared/creditCode.ts';

export const method =
  'embedded mode, 9 department nodes on in-memory SQLite and one local log, the shipped modules. commit: one holder loads N figures ' +
  '(Poseidon commitments, salts in its table) and every node applies the privacy.commit transactions; seconds until the last node has them, ' +
  'scaled to 100,000 when --quick loads fewer. e2e: a statute-based gte question, from submission to the answer being verified and final on the asking node.';

export interface Figure {
  metric: string;
  value: number;
  unit: string;
}

/** Distinct valid credit codes, one per index. */
function code(i: number): string {
  let s = '';
  for (let k = 0, n = i; k < 7; k++, n = Math.floor(n / 31)) s = CREDIT_CODE_CHARS[n % 31] + s;
  return withCheckChar(`91330100MA${s}`);
}

async function start(): Promise<Platform> {
  // A statute naming the question asked here: the demo's payout statutes allow only a policy's own checks.
  const statutes = [...DEFAULT_STATUTES, { id: 'bench-tax', dept: 'econ', field: 'tax.paid', basis: '基准测试:纳税额不低于100万元', questions: [{ kind: 'gte' as const, value: '100000000' }] }];
  const keys = createConsortium({ chain: 'bench-privacy', time: Date.now(), limits: { blockWaitMs: 20 }, config: { privacy: { statutes } } });
  const log = new LocalLog(':memory:');
  const specs = keys.genesis.members.map((m) => ({ dept: m.dept, db: openDb({ client: 'sqlite', filename: ':memory:' }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger: pino({ level: 'silent' }), modules: createModules });
  await seedDemo(p, { password: 'bench-password-1' });
  await adoptVerificationKeys(p.nodes);
  return p;
}

async function untilAll(nodes: ChainNode[], height: number): Promise<void> {
  while (!nodes.every((n) => n.height >= height)) await new Promise((r) => setTimeout(r, 5));
}

async function finalAnswer(node: ChainNode, id: string): Promise<QueryRecord> {
  for (;;) {
    const q = await node.view().get<QueryRecord>(pq.query(id));
    if (q && q.status !== 'open' && q.answeredHeight !== undefined && q.answeredHeight <= node.finalHeight) return q;
    await new Promise((r) => setTimeout(r, 2));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runPrivacyE2eBench(opts: { quick: boolean }): Promise<Figure[]> {
  const p = await start();
  try {
    const n = opts.quick ? 10_000 : 100_000;
    const rows = Array.from({ length: n }, (_, i) => ({ enterprise: code(i), value: String(50_000_000 + ((i * 7919) % 200_000_000)) }));
    const t0 = performance.now();
    const res = await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: '2025', rows });
    const last = await p.node('tax').store.tx(res.txs[res.txs.length - 1]);
    await untilAll(p.nodes, last!.height);
    const commitS = (performance.now() - t0) / 1000;
    if (res.rejected.length) throw new Error(`commit rejected: ${JSON.stringify(res.rejected[0])}`);

    const econ = p.node('econ');
    const k = opts.quick ? 5 : 20;
    const times: number[] = [];
    for (let i = 0; i < k; i++) {
      const t = performance.now();
      const { id } = await econ.submitAs('policy1', 'privacy.ask', {
        enterprise: code(i * 37),
        field: 'tax.paid',
        period: '2025',
        predicate: { kind: 'gte', params: { threshold: '100000000' } },
        purpose: '惠企政策兑现资格核验',
        basis: { type: 'statute', rule: 'bench-tax' },
      }, 'none');
      const q = await finalAnswer(econ, id);
      if (!q.verified) throw new Error(`query ${id} ${q.status} ${q.declineReason ?? ''}`);
      times.push(performance.now() - t);
    }
    return [
      { metric: 'privacy.commit_100k_s', value: +((commitS * 100_000) / n).toFixed(1), unit: 's' },
      { metric: 'privacy.commit_per_s', value: Math.round(n / commitS), unit: 'commitments/s' },
      { metric: 'privacy.commit_txs', value: res.txs.length, unit: `transactions for ${n}` },
      { metric: 'privacy.query_e2e_p50', value: Math.round(median(times)), unit: 'ms' },
      { metric: 'privacy.query_e2e_max', value: Math.round(Math.max(...times)), unit: 'ms' },
    ];
  } finally {
    await p.stop();
    await processProver.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await runPrivacyE2eBench({ quick: process.argv.includes('--quick') });
  for (const f of figures) console.log(JSON.stringify(f));
}
