import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { Knex } from 'knex';
import pino from 'pino';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { createModules } from '../../server/modules.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { daySet } from '../../server/privacy-query/daySet.ts';
import { commitFigures } from '../../server/privacy-query/holder/figures.ts';
import { PRIVATE_TABLE, type PrivateValue } from '../../server/privacy-query/holder/privateValues.ts';
import type { QueryRecord } from '../../server/privacy-query/raise.ts';
import { pq } from '../../server/privacy-query/stateKeys.ts';
import { privacyGenesisConfig } from '../../server/privacy-query/verificationKeys.ts';
import { testCode } from '../approval/support.ts';
import { makeConsortium } from '../support/fixtures.ts';
import { TEST_PASSWORD } from '../support/platform.ts';
import { TEST_STATUTES } from './support.ts';

/*
 * Least knowledge (DOMAIN: "raw figures stay with their owner"): after a run of questions, the raw
 * figures and salts appear nowhere but in their holder's pq_private_values: not in the asking
 * departments' databases, not in any node's chain tables (transactions, state, state history), not
 * in the read models, not in the logs at the most verbose level.
 */

const A = testCode(8201);
const lines: string[] = [];
let p: Platform;

async function tables(db: Knex): Promise<Map<string, string>> {
  const names: { name: string }[] = await db('sqlite_master').where({ type: 'table' }).select('name');
  const out = new Map<string, string>();
  for (const { name } of names) out.set(name, JSON.stringify(await db(name).select()).toLowerCase());
  return out;
}

async function waitAnswered(id: string): Promise<QueryRecord> {
  for (;;) {
    const q = await p.node('econ').view().get<QueryRecord>(pq.query(id));
    if (q && q.status !== 'open') return q;
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
  const keys = makeConsortium(['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service'], {}, { config: { privacy: { ...(await privacyGenesisConfig()), statutes: TEST_STATUTES, maxDistinctQuestions: 3 } } });
  const log = new LocalLog(':memory:');
  const specs = keys.genesis.members.map((m) => ({ dept: m.dept, db: openDb({ client: 'sqlite', filename: ':memory:' }), orderer: log }));
  p = await createPlatform({ keys, specs, logger: pino({ level: 'trace' }, sink), modules: createModules });
  await seedDemo(p, { password: TEST_PASSWORD });
});

after(() => p.stop());

test('raw figures and salts stay in the holder\'s pq_private_values', async () => {
  await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: '2025', rows: [{ enterprise: A, value: '153726481' }] });
  await commitFigures(p.node('market').modulePort(), 'holder1', { field: 'market.licence', period: '2025', rows: [{ enterprise: A, value: { validFrom: '20190417', validTo: '20390416' } }] });
  await commitFigures(p.node('enforcement').modulePort(), 'holder1', { field: 'enforcement.cases', period: '20251231', rows: [{ enterprise: A, value: { cases: ['20230719'] } }] });
  const econ = p.node('econ');
  const questions = [
    { field: 'tax.paid', period: '2025', predicate: { kind: 'gte', params: { threshold: '100000000' } }, basis: { type: 'statute', rule: 'payout-tax' } },
    { field: 'tax.paid', period: '2025', predicate: { kind: 'range', params: { lower: '150000000', upper: '160000000' } }, basis: { type: 'statute', rule: 'payout-tax' } },
    { field: 'enforcement.cases', period: '20251231', set: { from: '20250101', to: '20251231' }, predicate: { kind: 'notInSet', params: { setRoot: (await daySet('20250101', '20251231', 1100)).root.toString() } }, basis: { type: 'statute', rule: 'payout-cases' } },
  ];
  for (const q of questions) {
    const { id } = await econ.submitAs('policy1', 'privacy.ask', { enterprise: A, purpose: '惠企政策兑现资格核验', ...q });
    assert.equal((await waitAnswered(id)).verified, true);
  }
  const housing = p.node('housing');
  const { id } = await housing.submitAs('approver1', 'privacy.ask', { enterprise: A, field: 'market.licence', period: '2025', predicate: { kind: 'dateValid', params: { date: '20261201' } }, purpose: '施工许可营业执照核验', basis: { type: 'statute', rule: 'approval-licence' } });
  for (;;) {
    const q = await housing.view().get<QueryRecord>(pq.query(id));
    if (q?.status === 'answered') break;
    await new Promise((r) => setTimeout(r, 20));
  }

  // Needles: every value and salt the holders keep, in decimal and in hex.
  const secrets: PrivateValue[] = [];
  for (const dept of ['tax', 'market', 'enforcement']) secrets.push(...(await p.node(dept).db(PRIVATE_TABLE).select()));
  assert.equal(secrets.filter((s) => s.enterprise === A).length, 3);
  // Every salt, and this test's figures (chosen to be distinctive: the demo's round figures, e.g. the
  // payout seed's, may equal a public threshold and would prove nothing).
  const needles = secrets
    .flatMap((s) => (s.enterprise === A ? [s.value, s.salt] : [s.salt]))
    .flatMap((x) => [x, BigInt(x).toString(16), BigInt(x).toString(16).padStart(64, '0')]);
  assert.ok(needles.includes('20230719'), 'the day of the latest case is one of the secrets');

  for (const node of p.nodes) {
    for (const [table, text] of await tables(node.db)) {
      if (table === PRIVATE_TABLE && ['tax', 'market', 'enforcement'].includes(node.dept)) {
        // The holder keeps exactly its own.
        continue;
      }
      for (const n of needles) assert.ok(!text.includes(n), `${n} found in ${node.dept}.${table}`);
    }
  }
  const logs = lines.join('').toLowerCase();
  assert.ok(logs.length > 0, 'logs were captured');
  for (const n of needles) assert.ok(!logs.includes(n), `${n} found in the logs`);
});
