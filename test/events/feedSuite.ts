import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, get as httpGet, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import request from 'supertest';
import type { ConsortiumKeys } from '../../server/chain/consortium.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { eventFeedModule } from '../../server/events/index.ts';
import type { FeedEvent } from '../../server/events/feedQueries.ts';
import { REPLAY_WINDOW_S, SIGNATURE_HEADER, verifySignature } from '../../server/events/signature.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { makeConsortium, silentLogger, waitForHeight } from '../support/fixtures.ts';
import { login, TEST_PASSWORD, type Session } from '../support/platform.ts';

const DEPTS = ['market', 'tax', 'hrss', 'housing'];
const POLICY = { baseDelayMs: 40, maxDelayMs: 400, maxAttempts: 6, pollMs: 50, timeoutMs: 2_000 };

export interface FeedStorage {
  /** the department's database; the same one again after a restart */
  db(dept: string): Promise<Knex>;
  logFile: string;
  stop(): Promise<void>;
}

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

/** The receiver's check exactly as server/events/README.md gives it, written apart from signature.ts. */
function documentedVerify(secret: string, header: string, rawBody: string, nowS: number, windowS = 300): boolean {
  const { t, v1 } = Object.fromEntries(header.split(',').map((kv) => kv.split('=')));
  const mac = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const ok = v1?.length === 64 && timingSafeEqual(mac, Buffer.from(v1, 'hex'));
  return ok && Math.abs(nowS - Number(t)) <= windowS;
}

/** A department's system receiving webhooks: answers with `status()`, keeps every request. */
function receiver(status: () => number) {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body, at: Date.now() });
      res.statusCode = status();
      res.end();
    });
  });
  return {
    got,
    async start(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function until<T>(what: string, f: () => Promise<T | undefined | false> | T | undefined | false, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const order = (e: FeedEvent) => [e.height, e.txIndex, e.eventIndex];
const before_ = (a: FeedEvent, b: FeedEvent) => {
  const [x, y] = [order(a), order(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i];
  return false;
};

export function feedSuite(label: string, storage: () => Promise<FeedStorage>): void {
  describe(`event feed (${label})`, () => {
    let keys: ConsortiumKeys;
    let store: FeedStorage;
    let p: Platform;
    let admin: Session;
    let taxAdmin: Session;
    let seq = 0;
    let listening: number | undefined;
    /** the platform's port on loopback, listening once per start */
    const portOf = async () => (listening ??= ((await p.listen(0)).address() as AddressInfo).port);

    async function start(first: boolean): Promise<void> {
      const log = new LocalLog(store.logFile);
      const specs = await Promise.all(DEPTS.map(async (dept) => ({ dept, db: await store.db(dept), orderer: log })));
      listening = undefined;
      p = await createPlatform({ keys, specs, logger: silentLogger, modules: () => [eventFeedModule({ policy: POLICY })] });
      if (first) {
        for (const d of DEPTS) {
          await p.node(d).submitAs(undefined, 'user.register', { id: 'admin', name: `${d} 管理员`, role: 'admin' });
          await p.auths.get(d)!.setPassword('admin', TEST_PASSWORD);
        }
      }
      admin = await login(p, 'market', 'admin');
      taxAdmin = await login(p, 'tax', 'admin');
    }

    /** A domain event in market's feed: market's node registers a member of staff. */
    async function staffEvent(): Promise<string> {
      const id = `staff${++seq}`;
      await p.node('market').submitAs(undefined, 'user.register', { id, name: `员工${seq}`, role: 'approver' });
      return id;
    }

    async function feed(s: Session, q: string): Promise<{ events: FeedEvent[]; cursor: string; finalHeight: number }> {
      return (await s.get(`/${s === taxAdmin ? 'tax' : 'market'}/api/events?${q}`).expect(200)).body;
    }

    before(async () => {
      store = await storage();
      keys = makeConsortium(DEPTS);
      await start(true);
    });

    after(async () => {
      await p.stop();
      await store.stop();
    });

    test('events come in commit order with ids, transaction ids and final flags that turn true; after= resumes exactly', async () => {
      for (let i = 0; i < 6; i++) await staffEvent();
      const all = (await feed(admin, 'after=0&limit=1000&kinds=user.registered')).events;
      assert.ok(all.length >= 7, 'the administrator and six staff');
      for (let i = 1; i < all.length; i++) assert.ok(before_(all[i - 1], all[i]), `event ${all[i].id} after ${all[i - 1].id}`);
      for (const e of all) {
        assert.equal(e.id, `${e.height}-${e.txIndex}-${e.eventIndex}`);
        assert.match(e.txId, /^[0-9a-f]{64}$/);
        assert.equal(e.type, 'user.registered');
        assert.equal(e.data.dept, 'market');
        assert.equal(e.basis, 'signer');
      }
      const res = await feed(admin, 'after=0&limit=1000');
      for (const e of res.events) assert.equal(e.final, e.height <= res.finalHeight, 'final is the height against the final height');

      // Paging by the cursor two at a time gives the same events, none twice, none missed.
      const paged: FeedEvent[] = [];
      let cursor = '0';
      for (;;) {
        const page = await feed(admin, `after=${cursor}&limit=2&kinds=user.registered`);
        if (!page.events.length) {
          assert.equal(page.cursor, cursor, 'an empty page keeps the cursor');
          break;
        }
        paged.push(...page.events);
        cursor = page.cursor;
      }
      assert.deepEqual(paged.map((e) => e.id), all.map((e) => e.id));

      await waitForHeight(p.nodes, p.node('market').height, { final: true });
      const later = (await feed(admin, 'after=0&limit=1000&kinds=user.registered')).events;
      assert.deepEqual(later.map((e) => e.id), all.map((e) => e.id));
      assert.ok(later.every((e) => e.final), 'once the quorum signed, every event is final');
    });

    test('a department without a basis does not get another department\'s events; bad input is a 400', async () => {
      const mine = (await feed(taxAdmin, 'after=0&limit=1000')).events;
      assert.ok(mine.length >= 1, 'tax sees its own administrator registered');
      assert.ok(mine.every((e) => e.data.dept === 'tax' || e.basis === 'public'), JSON.stringify(mine.filter((e) => e.data.dept !== 'tax')));
      await admin.get('/market/api/events?after=nonsense').expect(400);
      await admin.get('/market/api/events?wait=31').expect(400);
      await admin.get('/market/api/events?kinds=Bad Kind').expect(400);
      await request(p.app.callback()).get('/market/api/events').expect(401);
      await p.node('market').submitAs(undefined, 'user.register', { id: 'approver9', name: '审批员', role: 'approver' });
      await p.auths.get('market')!.setPassword('approver9', TEST_PASSWORD);
      const approver = await login(p, 'market', 'approver9');
      await approver.get('/market/api/events').expect(403);
      await approver.get('/market/api/admin/webhooks').expect(403);
    });

    test('subject= finds the events that name a record', async () => {
      const id = await staffEvent();
      const { events } = await feed(admin, `after=0&subject=${id}`);
      assert.equal(events.length, 1);
      assert.equal(events[0].data.id, id);
    });

    test('a long poll answers as soon as an event commits', async () => {
      const { cursor } = await feed(admin, 'after=0&limit=1000');
      const t0 = Date.now();
      const polled = admin.get(`/market/api/events?after=${cursor}&wait=20`).then((r) => r);
      await new Promise((r) => setTimeout(r, 300));
      const id = await staffEvent();
      const res = await polled;
      const took = Date.now() - t0;
      assert.equal(res.status, 200);
      assert.ok(took >= 250 && took < 10_000, `answered after ${took} ms`);
      assert.equal(res.body.events[0].data.id, id);
      assert.equal(res.body.cursor, res.body.events.at(-1).id);
      // Nothing new: the poll waits out its time and answers with the same cursor.
      const idle = await feed(admin, `after=${res.body.cursor}&wait=1`);
      assert.deepEqual(idle.events, []);
      assert.equal(idle.cursor, res.body.cursor);

      // A client that goes away leaves nothing waiting behind it.
      const node = p.node('market');
      const baseline = node.listenerCount('block');
      const port = await portOf();
      const req = httpGet({ host: '127.0.0.1', port, path: `/market/api/events?after=${res.body.cursor}&wait=20`, headers: { cookie: admin.cookie } });
      req.on('error', () => undefined);
      await until('the poll waiting', () => node.listenerCount('block') > baseline);
      req.destroy();
      await until('the waiter gone', () => node.listenerCount('block') === baseline, 3_000);
    });

    test('the stream resumes after Last-Event-ID', async () => {
      const all = (await feed(admin, 'after=0&limit=1000')).events;
      const from = all[all.length - 3];
      const port = await portOf();
      const received: string[] = [];
      let res: IncomingMessage | undefined;
      const done = new Promise<void>((resolve, reject) => {
        const req = httpGet({ host: '127.0.0.1', port, path: '/market/api/events/stream', headers: { cookie: admin.cookie, 'last-event-id': from.id } }, (r) => {
          res = r;
          assert.equal(r.statusCode, 200);
          let buf = '';
          r.setEncoding('utf8');
          r.on('data', (c: string) => {
            buf += c;
            for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
              const frame = buf.slice(0, i);
              buf = buf.slice(i + 2);
              const id = /^id: (.*)$/m.exec(frame)?.[1];
              if (id && /^event: event$/m.test(frame)) received.push(id);
              if (received.length === 3) resolve();
            }
          });
        });
        req.on('error', reject);
      });
      // two from the backlog, then one that commits while the stream is open
      await until('the backlog', () => received.length >= 2);
      const id = await staffEvent();
      await done;
      res?.destroy();
      assert.deepEqual(received.slice(0, 2), all.slice(-2).map((e) => e.id));
      const last = (await feed(admin, `after=0&subject=${id}`)).events[0];
      assert.equal(received[2], last.id);
    });

    test('webhooks: signed deliveries of final events, a stale time refused by the documented check; failures go dead and are redelivered; state survives a restart', async () => {
      const ok = receiver(() => 200);
      let failing = 500;
      const bad = receiver(() => failing);
      const okUrl = await ok.start();
      const badUrl = await bad.start();
      try {
        await waitForHeight(p.nodes, p.node('market').height, { final: true });
        const created = (await admin.post('/market/api/admin/webhooks', { url: okUrl, kinds: ['user.*'] }).expect(201)).body;
        assert.match(created.secret, /^whsec_[0-9a-f]{64}$/);
        const failingHook = (await admin.post('/market/api/admin/webhooks', { url: badUrl, kinds: ['user.registered'] }).expect(201)).body;
        await admin.post('/market/api/admin/webhooks', { url: 'ftp://x/' }).expect(400);
        await admin.post('/market/api/admin/webhooks', { url: okUrl, kinds: ['NOT A KIND'] }).expect(400);
        const listed = (await admin.get('/market/api/admin/webhooks').expect(200)).body.webhooks;
        assert.equal(listed.length, 2);
        assert.ok(listed.every((w: Record<string, unknown>) => !('secret' in w)), 'the secret is shown once, at creation');
        await taxAdmin.get('/tax/api/admin/webhooks').expect(200).expect((r) => assert.equal(r.body.webhooks.length, 0));

        const id = await staffEvent();
        await waitForHeight(p.nodes, p.node('market').height, { final: true });
        const hit = await until('a delivery', () => ok.got.find((g) => JSON.parse(g.body).event.data.id === id));
        const body = JSON.parse(hit.body);
        assert.equal(body.webhook, created.id);
        assert.equal(body.event.final, true, 'webhooks carry final events');
        assert.equal(hit.headers['x-tongban-event-id'], body.event.id);
        const sig = hit.headers[SIGNATURE_HEADER] as string;
        const now = Math.floor(Date.now() / 1000);
        assert.deepEqual(verifySignature(created.secret, sig, hit.body, now), { ok: true, t: Number(/t=(\d+)/.exec(sig)![1]) });
        assert.equal(documentedVerify(created.secret, sig, hit.body, now), true, 'the README check accepts it');
        assert.equal(documentedVerify(created.secret, sig, hit.body, now + REPLAY_WINDOW_S + 5), false, 'the README check refuses it once stale');
        assert.equal(documentedVerify(created.secret, sig, hit.body + ' ', now), false, 'the README check refuses another body');
        assert.equal(verifySignature(created.secret, sig, hit.body, now + REPLAY_WINDOW_S + 5).ok, false, 'past the replay window');
        assert.deepEqual(verifySignature(created.secret, sig, hit.body, now + REPLAY_WINDOW_S + 5), { ok: false, reason: 'stale' });
        assert.deepEqual(verifySignature(created.secret, sig, hit.body.replace(id, 'staff999'), now), { ok: false, reason: 'mismatch' });
        assert.deepEqual(verifySignature('whsec_other', sig, hit.body, now), { ok: false, reason: 'mismatch' });

        // The failing receiver: three attempts with growing gaps, then the dead-letter list.
        const dead = await until('a dead delivery', async () => {
          const r = (await admin.get(`/market/api/admin/webhooks/${failingHook.id}/dead`).expect(200)).body.dead;
          return r.length ? r : undefined;
        });
        const deadId = body.event.id;
        assert.deepEqual(dead.map((d: { eventId: string }) => d.eventId), [deadId]);
        assert.equal(dead[0].attempts, POLICY.maxAttempts);
        assert.equal(dead[0].lastStatus, 500);
        const tries = bad.got.filter((g) => JSON.parse(g.body).event.id === deadId);
        assert.equal(tries.length, POLICY.maxAttempts);
        const gaps = tries.slice(1).map((t, i) => t.at - tries[i].at);
        assert.ok(gaps.at(-1)! >= POLICY.baseDelayMs * 4, `the back-off grows: ${gaps.join(', ')} ms`);
        await admin.post(`/market/api/admin/webhooks/${failingHook.id}/dead/9-9-9/redeliver`).expect(404);
        failing = 204;
        await admin.post(`/market/api/admin/webhooks/${failingHook.id}/dead/${deadId}/redeliver`).expect(200);
        await until('the redelivery', () => bad.got.filter((g) => JSON.parse(g.body).event.id === deadId).length === POLICY.maxAttempts + 1);
        await until('the dead list empties', async () => (await admin.get(`/market/api/admin/webhooks/${failingHook.id}/dead`)).body.dead.length === 0);

        // A delivery still failing when the node stops is delivered after it starts again; the cursors stay.
        failing = 503;
        const id2 = await staffEvent();
        await waitForHeight(p.nodes, p.node('market').height, { final: true });
        await until('a failed attempt', () => bad.got.some((g) => JSON.parse(g.body).event.data.id === id2));
        await until('the good receiver', () => ok.got.some((g) => JSON.parse(g.body).event.data.id === id2));
        const feedCursor = (await feed(admin, 'after=0&limit=1000')).cursor;
        const hooksBefore = (await admin.get('/market/api/admin/webhooks').expect(200)).body.webhooks;
        const okCount = ok.got.length;
        await p.stop();
        failing = 200;
        await start(false);
        const hooksAfter = (await admin.get('/market/api/admin/webhooks').expect(200)).body.webhooks;
        assert.deepEqual(
          hooksAfter.map((w: { id: string; cursor: string }) => [w.id, w.cursor]),
          hooksBefore.map((w: { id: string; cursor: string }) => [w.id, w.cursor]),
        );
        assert.deepEqual((await feed(admin, `after=${feedCursor}`)).events, [], 'the feed cursor means the same after a restart');
        await until('the pending delivery after the restart', () => bad.got.filter((g) => JSON.parse(g.body).event.data.id === id2).length >= 2);
        await until('delivered', async () => {
          const w = (await admin.get('/market/api/admin/webhooks').expect(200)).body.webhooks.find((x: { id: string }) => x.id === failingHook.id);
          return w.deliveries.pending === 0 && w.deliveries.dead === 0;
        });
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(ok.got.length, okCount, 'what was delivered before the restart is not sent again');
        const id3 = await staffEvent();
        await waitForHeight(p.nodes, p.node('market').height, { final: true });
        await until('a delivery after the restart', () => ok.got.some((g) => JSON.parse(g.body).event.data.id === id3));

        const del = await request(p.app.callback()).delete(`/market/api/admin/webhooks/${failingHook.id}`).set('Cookie', admin.cookie).set('x-csrf-token', admin.csrf).expect(200);
        assert.equal(del.body.removed, true);
        assert.equal((await admin.get('/market/api/admin/webhooks').expect(200)).body.webhooks.length, 1);
      } finally {
        await ok.stop();
        await bad.stop();
      }
    });
  });
}
