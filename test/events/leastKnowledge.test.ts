import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { approvalModule } from '../../server/approval/index.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { sealedRecipients } from '../../server/events/eventBasis.ts';
import type { FeedEvent } from '../../server/events/feedQueries.ts';
import { reprojectFeed } from '../../server/events/feedTable.ts';
import { eventFeedModule } from '../../server/events/index.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { filingOf, login, registerEnterprise, type TestEnterprise } from '../approval/support.ts';
import { TEST_PASSWORD } from '../support/platform.ts';
import { makeConsortium, silentLogger, waitForHeight } from '../support/fixtures.ts';

const DEPTS = ['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service'];

describe('event feed: least knowledge', () => {
  let p: Platform;
  let ent: TestEnterprise;
  let recipients: string[];

  before(async () => {
    const keys = makeConsortium(DEPTS);
    const log = new LocalLog(':memory:');
    const specs = keys.genesis.members.map((m) => ({ dept: m.dept, db: openDb({ client: 'sqlite', filename: ':memory:' }), orderer: log }));
    p = await createPlatform({ keys, specs, logger: silentLogger, modules: () => [approvalModule(), eventFeedModule()] });
    await seedDemo(p, { password: TEST_PASSWORD });
    const clerk = await login(p, 'service', 'clerk1');
    ent = await registerEnterprise(p, clerk, 31, '滨江事件测试有限公司');
    const filing = await filingOf(ent);
    recipients = sealedRecipients(filing);
    const res = await ent.submit('filing.submit', filing);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await waitForHeight(p.nodes, p.node('service').height);
  });
  after(() => p.stop());

  const feedOf = async (dept: string): Promise<FeedEvent[]> => (await (await login(p, dept, 'admin')).get(`/${dept}/api/events?after=0&limit=1000`).expect(200)).body.events;

  test('a department the filing is sealed to gets its event; one without a basis gets nothing about the enterprise', async () => {
    assert.ok(recipients.length > 0 && recipients.length < DEPTS.length, `sealed to ${recipients.join(', ')}`);
    const to = recipients.find((d) => d !== 'service')!;
    const seen = (await feedOf(to)).filter((e) => e.type === 'filing.submitted' && e.data.code === ent.code);
    assert.equal(seen.length, 1, `${to} receives the filing`);
    assert.equal(seen[0].basis, 'recipient');

    const outsiders = DEPTS.filter((d) => !recipients.includes(d) && d !== 'service');
    assert.ok(outsiders.length > 0, 'some department has no basis');
    for (const d of outsiders) {
      const events = await feedOf(d);
      assert.ok(events.length > 0, `${d}'s feed is not empty (its own staff, the consortium's business)`);
      const leaked = events.filter((e) => JSON.stringify(e).includes(ent.code));
      assert.deepEqual(leaked, [], `${d} has no basis for ${ent.code}'s events`);
      assert.ok(events.every((e) => e.signerDept === d || e.basis === 'public' || e.basis === 'named' || e.basis === 'recipient'));
    }
    // The subject filter does not reach past the basis either.
    const none = await (await login(p, outsiders[0], 'admin')).get(`/${outsiders[0]}/api/events?after=0&subject=${ent.code}`).expect(200);
    assert.deepEqual(none.body.events, []);
    const own = await (await login(p, to, 'admin')).get(`/${to}/api/events?after=0&subject=${ent.code}&kinds=filing.*`).expect(200);
    assert.deepEqual(own.body.events.map((e: FeedEvent) => e.type), ['filing.submitted']);
  });

  test('the feed rebuilt from any height out of the ledger is the feed as projected', async () => {
    for (const d of ['service', recipients.find((x) => x !== 'service')!]) {
      const node = p.node(d);
      const before_ = (await feedOf(d)).map(({ final: _f, ...e }) => e);
      const mid = Math.max(1, Math.floor(node.height / 2));
      await reprojectFeed(node.modulePort(), node.store, mid);
      assert.deepEqual((await feedOf(d)).map(({ final: _f, ...e }) => e), before_);
      await reprojectFeed(node.modulePort(), node.store, 0);
      assert.deepEqual((await feedOf(d)).map(({ final: _f, ...e }) => e), before_);
    }
  });
});
