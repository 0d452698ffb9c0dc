import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import type { ModulePort } from '../../server/chain/modulePort.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { migrateFeed } from '../../server/events/feedTable.ts';
import { DEFAULT_POLICY, WebhookDispatcher } from '../../server/events/webhookDispatcher.ts';
import { migrateWebhooks } from '../../server/events/webhookStore.ts';
import { silentLogger } from '../support/fixtures.ts';

/**
 * The dispatcher against a receiver on loopback, without a chain: the feed's rows are written
 * directly and every one of them is final.
 */
const POLICY = { ...DEFAULT_POLICY, baseDelayMs: 40, maxDelayMs: 200, maxAttempts: 6, pollMs: 20, timeoutMs: 300 };
const EVENTS = 40;

type Answer = (event: string, res: ServerResponse) => void;

function receiver() {
  let answer: Answer = (_e, res) => res.writeHead(204).end();
  const got: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    req.resume();
    req.on('end', () => {
      const event = req.headers['x-tongban-event-id'] as string;
      got.push(event);
      answer(event, res);
    });
  });
  return {
    got,
    maxInFlight: () => maxInFlight,
    answer: (a: Answer) => (answer = a),
    url: async () => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

async function until(what: string, f: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('webhook dispatcher', () => {
  let db: Knex;
  let dispatcher: WebhookDispatcher;
  const rx = receiver();
  let seq = 0;

  /** A webhook from the start of EVENTS new events, one per block; the webhook before it is removed. */
  async function freshHook(): Promise<{ id: string; events: string[] }> {
    const base = ++seq * 1000;
    const events = Array.from({ length: EVENTS }, (_, i) => `${base + i}-0-0`);
    await db('ev_feed').insert(
      events.map((id, i) => ({ height: base + i, tx_index: 0, event_index: 0, id, tx_id: 'ab'.repeat(32), kind: 'user.register', type: 'user.registered', signer_dept: 'market', basis: 'signer', time: 1, data: JSON.stringify({ id: `s${i}` }) })),
    );
    for (const w of await dispatcher.store.list()) await dispatcher.store.remove(w.id);
    rx.got.length = 0;
    const id = `wh_${String(seq).padStart(16, '0')}`;
    await dispatcher.store.create({ id, url: hookUrl, types: ['user.registered'], subject: null, secret: 'whsec_test', createdBy: 'admin', createdAt: seq, cursor: `${base - 1}` });
    return { id, events };
  }
  let hookUrl = '';

  before(async () => {
    db = openDb({ client: 'sqlite', filename: ':memory:' });
    await migrateFeed(db);
    await migrateWebhooks(db);
    hookUrl = await rx.url();
    const port = { db, finalHeight: 1_000_000, log: silentLogger } as unknown as ModulePort;
    dispatcher = new WebhookDispatcher(port, POLICY);
    dispatcher.start();
  });

  after(async () => {
    dispatcher.stop();
    rx.close();
    await db.destroy();
  });

  const counts = (id: string) => dispatcher.store.counts(id);

  test('deliveries keep 8 in flight as answers come back at different speeds, each event once, settled as delivered', async () => {
    rx.answer((event, res) => setTimeout(() => res.writeHead(200).end('ok'), Number(event.split('-')[0]) % 3 === 0 ? 60 : 5));
    const { id, events } = await freshHook();
    dispatcher.kick();
    await until('every delivery settled', async () => (await counts(id)).delivered === EVENTS);
    assert.deepEqual([...rx.got].sort(), [...events].sort());
    assert.equal(rx.maxInFlight(), 8);
    const rows = await db('ev_deliveries').where({ webhook_id: id });
    assert.ok(rows.every((r) => r.status === 'delivered' && r.attempts === 1 && r.last_status === 200 && r.last_error === null));
  });

  test('a failing receiver holds the deliveries behind its failure; none is lost or counted, and all go through once it answers', async () => {
    const { id, events } = await freshHook();
    const failing = events[10];
    let fail = true;
    rx.answer((event, res) => res.writeHead(event === failing && fail ? 500 : 204).end());
    dispatcher.kick();
    await until('two failed attempts', () => rx.got.filter((e) => e === failing).length >= 2);
    const waiting = await db('ev_deliveries').where({ webhook_id: id, status: 'pending' }).orderBy('height');
    assert.equal(waiting[0].event_id, failing);
    assert.ok(waiting[0].attempts >= 1 && waiting[0].last_status === 500);
    const got = [...rx.got];
    const ahead = new Set(got.filter((e) => events.indexOf(e) > 10)).size;
    assert.ok(ahead <= 7 * got.filter((e) => e === failing).length, `at most a window past the failure is sent with each attempt: ${ahead}`);
    assert.ok(waiting.slice(1).every((d) => d.attempts === 0), 'the deliveries behind it are not counted as attempts');
    fail = false;
    await until('every delivery settled', async () => (await counts(id)).delivered === EVENTS);
  });

  test('a redirect is not followed and a receiver that never answers times out: both are failures with their reason', async () => {
    const { id, events } = await freshHook();
    rx.answer((event, res) => {
      if (event === events[0]) res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
      else if (event === events[1]) return; // no answer
      else res.writeHead(204).end();
    });
    dispatcher.kick();
    await until('both reasons', async () => {
      const rows = await db('ev_deliveries').where({ webhook_id: id }).whereIn('event_id', events.slice(0, 2)).orderBy('height');
      return rows.length === 2 && rows[0].last_status === 302 && /no answer in 300 ms/.test(rows[1].last_error ?? '');
    });
    rx.answer((_e, res) => res.writeHead(204).end());
    await until('every delivery settled', async () => (await counts(id)).delivered === EVENTS);
  });
});
