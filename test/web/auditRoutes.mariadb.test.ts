import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { approvalModule } from '../../server/approval/index.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { fileOnce, login, registerEnterprise, type Session, type TestEnterprise } from '../approval/support.ts';
import { makeConsortium, silentLogger } from '../support/fixtures.ts';
import { startMariaDb, type MariaDb } from '../../deploy/mariadb.ts';
import { TEST_PASSWORD } from '../support/platform.ts';

/** The trace answers an auditor who says why; the look itself goes on the chain. */
const PURPOSE = encodeURIComponent('年度预算执行审计');

/**
 * The audit routes on MariaDB, where the SQL differs from SQLite: LIKE with an escape
 * character, the grouped statistics, and verification reading a REPEATABLE READ snapshot
 * while the node keeps committing.
 */
describe('audit routes on MariaDB', () => {
  let server: MariaDb;
  let p: Platform;
  let ent: TestEnterprise;
  let auditor: Session;

  before(async () => {
    server = await startMariaDb();
    const keys = makeConsortium(['market', 'tax', 'hrss', 'housing', 'audit', 'service']);
    const log = new LocalLog(':memory:');
    const specs = await Promise.all(keys.genesis.members.map(async (m) => ({ dept: m.dept, db: openDb({ client: 'mysql', connection: await server.createDatabase(m.dept) }), orderer: log })));
    p = await createPlatform({ keys, specs, logger: silentLogger, modules: () => [approvalModule()] });
    await seedDemo(p, { password: TEST_PASSWORD });
    ent = await registerEnterprise(p, await login(p, 'service', 'clerk1'), 91, '滨江海川路桥工程有限公司');
    await fileOnce(ent);
    auditor = await login(p, 'audit', 'auditor1');
  });
  after(async () => {
    await p?.stop();
    await server?.stop();
  });

  test('trace finds the enterprise by name in keys and values, literally', async () => {
    const res = await auditor.get(`/audit/api/audit/trace?subject=${ent.code}&purpose=${PURPOSE}`).expect(200);
    assert.deepEqual(res.body.items.map((x: { kind: string }) => x.kind), ['enterprise.register', 'filing.submit']);
    assert.equal(res.body.items[0].who.role, 'clerk');
    const none = await auditor.get(`/audit/api/audit/trace?subject=AP-99999-0&purpose=${PURPOSE}`).expect(200);
    assert.equal(none.body.total, 0);
  });

  test('statistics group the same way as on SQLite', async () => {
    const s = await auditor.get('/audit/api/stats/credit').expect(200);
    assert.equal(s.body.grades.reduce((n: number, g: { count: number }) => n + g.count, 0), 1);
    await auditor.get('/audit/api/stats/approvals').expect(200);
  });

  test('verify reads a consistent snapshot and names an altered row', async () => {
    const run = async () => {
      const started = await auditor.post('/audit/api/audit/verify').expect(202);
      for (;;) {
        const j = await auditor.get(`/audit/api/audit/verify/${started.body.job}`).expect(200);
        if (j.body.state !== 'running') return j.body;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    // Blocks keep coming while it runs: a user registered every few milliseconds.
    const busy = Promise.all(Array.from({ length: 5 }, (_, i) => p.node('audit').submitAs('admin', 'user.register', { id: `busy${i}`, name: `忙${i}`, role: 'clerk' })));
    const ok = await run();
    await busy;
    assert.equal(ok.state, 'done', ok.error ?? '');
    assert.equal(ok.result.ok, true, JSON.stringify(ok.result));

    const db = p.node('audit').db;
    const row = await db('state_history').where({ k: `ent/${ent.code}` }).orderBy('id').first();
    await db('state_history').where({ id: row.id }).update({ new_v: row.new_v.replace('海川', '伪造') });
    const bad = await run();
    assert.equal(bad.result.ok, false);
    assert.equal(bad.result.field, `history[ent/${ent.code}]`);
  });
});
