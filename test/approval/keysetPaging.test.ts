import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { openDb } from '../../server/chain/store/openDb.ts';
import { migrateApproval } from '../../server/approval/readModel/migrate.ts';
import { applicationKey, listApplications, listCases, openStages, searchEnterprises, stageKey, type StageKey } from '../../server/approval/readModel/queries.ts';
import { encodeCursor } from '../../server/http/cursor.ts';
import type { SessionUser } from '../../shared/sessionUser.ts';
import { createModules } from '../../server/modules.ts';
import type { Platform } from '../../server/platform.ts';
import { login, startTestPlatform } from '../support/platform.ts';
import { mariaDbFresh } from '../support/mariaDbFresh.ts';

/**
 * Keyset paging of the long lists: a page starts right after the last row of the one before, so
 * walking a list while new rows arrive neither skips nor repeats a row, on SQLite and on MariaDB;
 * a cursor the list did not give out is a 400 with a code.
 */

const clerk: SessionUser = { dept: 'service', id: 'clerk1', role: 'clerk', name: '窗口' };
const DAY = 86_400_000;
const code = (i: number) => `91330102MA${String(i).padStart(7, '0')}X`;

async function seed(db: Knex, from: number, to: number, time: (i: number) => number) {
  const ents = [];
  const apps = [];
  const stages = [];
  for (let i = from; i < to; i++) {
    const id = `AP-${i}-0`;
    ents.push({ code: code(i), name: `滨江第${i}号有限公司`, status: 'active', current_key: 'k', registered_at: 0, json: JSON.stringify({ code: code(i) }) });
    apps.push({ id, code: code(i), process: 'construction', status: 'inProgress', submitted_at: time(i), json: JSON.stringify({ id, code: code(i), submittedAt: time(i) }) });
    // two stages of one department in each application, due on the same day: the key's last columns decide their order
    for (const stage of ['a', 'b']) stages.push({ app_id: id, stage_id: stage, code: code(i), dept: 'housing', status: 'open', app_status: 'inProgress', name: stage, opened_at: 0, due_at: time(i) + DAY });
  }
  for (const [table, rows] of [['ap_enterprises', ents], ['ap_applications', apps], ['ap_stages', stages]] as const) {
    for (let i = 0; i < rows.length; i += 100) await db(table).insert(rows.slice(i, i + 100));
  }
}

/** Walks a list page by page, letting `arrive` add rows after each of the first five pages; every key seen, in order. */
async function walk<K>(page: (after: K | undefined) => Promise<K[]>, arrive: (n: number) => Promise<void>): Promise<K[]> {
  const seen: K[] = [];
  for (let n = 0, after: K | undefined; ; n++) {
    const keys = await page(after);
    seen.push(...keys);
    if (!keys.length) return seen;
    after = keys[keys.length - 1];
    if (n < 5) await arrive(n);
  }
}

function pagingSuite(name: string, open: () => Promise<Knex>) {
  describe(`keyset paging on ${name}`, () => {
    let db: Knex;
    before(async () => {
      db = await open();
      await migrateApproval(db);
      // ties on submitted_at every three applications: the id breaks them
      await seed(db, 0, 60, (i) => Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 1000);
    });

    test('applications, newest first: no row skipped or repeated while newer ones arrive', async () => {
      let next = 1000;
      const seen = await walk<[number, string]>(
        async (after) => (await listApplications(db, clerk, {}, { limit: 7, offset: 0, after })).map(applicationKey),
        async () => {
          await seed(db, next, next + 2, () => Date.UTC(2027, 0, 1) + next);
          next += 2;
        },
      );
      const ids = seen.map(([, id]) => id);
      assert.equal(new Set(ids).size, ids.length, 'no application twice');
      for (let i = 0; i < 60; i++) assert.ok(ids.includes(`AP-${i}-0`), `AP-${i}-0 listed`);
      const sorted = [...seen].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1));
      assert.deepEqual(seen, sorted, 'in the list\'s order');
      // an offset still pages a short list as before
      const byOffset = await listApplications(db, clerk, {}, { limit: 5, offset: 5 });
      assert.deepEqual(byOffset.map(applicationKey), (await listApplications(db, clerk, {}, { limit: 10, offset: 0 })).slice(5).map(applicationKey));
    });

    test('the worklist, earliest deadline first: no stage skipped or repeated while stages open, and the total counts them all', async () => {
      let next = 2000;
      const seen = await walk<StageKey>(
        async (after) => (await openStages(db, 'housing', { limit: 9, offset: 0, after }, { now: 0 })).rows.map(stageKey),
        async (n) => {
          // some due before the cursor (not shown on later pages), some after it (shown)
          await seed(db, next, next + 2, (i) => (i % 2 ? Date.UTC(2025, 0, 1) : Date.UTC(2028, 0, 1)) + n);
          next += 2;
        },
      );
      const keys = seen.map(([, app, stage]) => `${app}/${stage}`);
      assert.equal(new Set(keys).size, keys.length, 'no stage twice');
      for (let i = 0; i < 60; i++) for (const s of ['a', 'b']) assert.ok(keys.includes(`AP-${i}-0/${s}`), `AP-${i}-0/${s} listed`);
      const { total } = await openStages(db, 'housing', { limit: 1, offset: 0 }, { now: 0 });
      assert.equal(total, Number((await db('ap_stages').where({ dept: 'housing', status: 'open' }).count({ n: '*' }).first())!.n));
    });

    test('a department\'s cases: its own and those from its inspections elsewhere, merged in id order by offset and by cursor', async () => {
      const rows = Array.from({ length: 30 }, (_, i) => {
        const id = `CASE-${String(i).padStart(3, '0')}`;
        // own cases, cases another department opened from this one's inspections, and others' own
        const [dept, origin] = i % 3 === 0 ? ['enforcement', null] : i % 3 === 1 ? ['market', 'enforcement'] : ['market', null];
        return { id, code: code(i), dept, origin_dept: origin, status: i % 2 ? 'open' : 'closed', json: JSON.stringify({ id, code: code(i), dept }) };
      });
      await db('ap_cases').insert(rows);
      const enforcer: SessionUser = { dept: 'enforcement', id: 'enforcer1', role: 'enforcer', name: '执法' };
      const mine = rows.filter((r) => r.dept === 'enforcement' || r.origin_dept === 'enforcement').map((r) => r.id).reverse();
      const all = await listCases(db, enforcer, {}, { limit: 100, offset: 0 });
      assert.deepEqual(all.items.map((c) => c.id), mine);
      assert.equal(all.total, mine.length);
      assert.deepEqual((await listCases(db, enforcer, {}, { limit: 4, offset: 6 })).items.map((c) => c.id), mine.slice(6, 10));
      const seen = await walk<[string]>(async (after) => (await listCases(db, enforcer, {}, { limit: 3, offset: 0, after })).items.map((c) => [c.id] as [string]), async () => {});
      assert.deepEqual(seen.map(([id]) => id), mine);
      const open = await listCases(db, enforcer, { status: 'open' }, { limit: 100, offset: 0 });
      assert.deepEqual(open.items.map((c) => c.id), rows.filter((r) => (r.dept === 'enforcement' || r.origin_dept === 'enforcement') && r.status === 'open').map((r) => r.id).reverse());
      assert.equal(open.total, open.items.length);
    });

    test('enterprises by code: a typed code is a prefix range; a name part matches anywhere', async () => {
      const byCode = await searchEnterprises(db, '91330102ma000000', { limit: 20, offset: 0 });
      assert.deepEqual(byCode.map((e) => e.code), Array.from({ length: 10 }, (_, i) => code(i)));
      const after = await searchEnterprises(db, '91330102MA000000', { limit: 20, offset: 0, after: [code(4)] });
      assert.deepEqual(after.map((e) => e.code), Array.from({ length: 5 }, (_, i) => code(i + 5)));
      assert.deepEqual((await searchEnterprises(db, '第17号', { limit: 20, offset: 0 })).map((e) => e.code), [code(17)]);
      assert.deepEqual(await searchEnterprises(db, '%', { limit: 20, offset: 0 }), []);
    });
  });
}

pagingSuite('SQLite', async () => openDb({ client: 'sqlite', filename: ':memory:' }));
const maria = mariaDbFresh('tb-keyset-');
pagingSuite('MariaDB', () => maria.fresh('keyset'));

describe('keyset paging over HTTP', () => {
  let p: Platform;
  before(async () => {
    p = await startTestPlatform({ modules: createModules, enterprises: 12 });
  });
  after(() => p.stop());

  test('each long list hands out `next`; following it lists every row once, as one long page does', async () => {
    // cases of the enforcement department's own, so its list has pages to follow
    const enforcer = await login(p, 'enforcement', 'enforcer1');
    const codes = ((await (await login(p, 'service', 'clerk1')).get('/service/api/approval/enterprises?limit=3').expect(200)).body.items as { code: string }[]).map((e) => e.code);
    for (const code of codes) await enforcer.post('/enforcement/api/approval/cases', { code, subject: '占道经营', severity: 'minor' }).expect(201);
    const lists: [dept: string, user: string, path: string, id: (x: Record<string, string>) => string][] = [
      ['service', 'clerk1', '/approval/applications', (a) => a.id],
      ['housing', 'approver1', '/approval/worklist', (s) => `${s.app}/${s.stage}`],
      ['market', 'inspector1', '/approval/inspections', (i) => i.id],
      ['enforcement', 'enforcer1', '/approval/cases', (c) => c.id],
      ['service', 'clerk1', '/approval/enterprises', (e) => e.code],
      ['finance', 'finance1', '/payout/awards', (a) => a.id],
    ];
    for (const [dept, user, path, id] of lists) {
      const s = await login(p, dept, user);
      const whole = (await s.get(`/${dept}/api${path}?limit=200`).expect(200)).body as { items: Record<string, string>[]; next: string | null };
      assert.equal(whole.next, null, `${path}: one page holds it all`);
      assert.ok(whole.items.length >= (path === '/payout/awards' ? 1 : 2), `${path}: the demo has rows to page`);
      const paged: string[] = [];
      for (let after: string | null = ''; after !== null; ) {
        const body = (await s.get(`/${dept}/api${path}?limit=1${after ? `&after=${encodeURIComponent(after)}` : ''}`).expect(200)).body as { items: Record<string, string>[]; next: string | null };
        paged.push(...body.items.map(id));
        after = body.next;
      }
      assert.deepEqual(paged, whole.items.map(id), path);
    }
  });

  test('a cursor the list did not give out is a 400 BAD_CURSOR, and nothing is listed', async () => {
    const s = await login(p, 'housing', 'approver1');
    for (const bad of ['not-a-cursor', encodeCursor(['x']), encodeCursor([1, 'AP-1-0']), Buffer.from('{"a":1}').toString('base64url'), 'x'.repeat(301)]) {
      const res = await s.get(`/housing/api/approval/worklist?after=${encodeURIComponent(bad)}`).expect(400);
      assert.equal(res.body.code, 'BAD_CURSOR', bad);
    }
    const clerkS = await login(p, 'service', 'clerk1');
    assert.equal((await clerkS.get(`/service/api/approval/applications?after=${encodeCursor(['AP-1-0', 1])}`).expect(400)).body.code, 'BAD_CURSOR');
    const fin = await login(p, 'finance', 'finance1');
    assert.equal((await fin.get(`/finance/api/payout/awards?after=${encodeCursor(['not an award id'])}`).expect(400)).body.code, 'BAD_CURSOR');
  });
});
