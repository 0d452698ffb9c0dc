import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Knex } from 'knex';
import type { ConsortiumKeys } from '../../server/chain/consortium.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { migrateConnector, mirrorNew, writeBack, type ConnectorMapping } from '../../sdk/examples/legacyConnector.ts';
import { TongbanClient, verifyWebhook } from '../../sdk/index.ts';
import { makeConsortium } from '../support/fixtures.ts';
import { startMariaDb, type MariaDb } from '../../deploy/mariadb.ts';
import { DEPTS, startClientWorld, type ClientWorld } from './support.ts';

/**
 * The worked connector (sdk/examples/legacyConnector.ts) between a legacy approval system in its
 * own MariaDB database and the chain: killed mid-batch, killed between a write-back and its
 * cursor, and with the node restarted under it. Every permit becomes one transaction and every
 * outcome is written back once.
 */
const MAPPING: ConnectorMapping = {
  table: 'permits',
  toTx: (row) => ({ kind: 'note.make', payload: { text: String(row.id) } }),
  kinds: ['note.made'],
  permitOf: (e) => (typeof e.data.text === 'string' ? e.data.text : undefined),
};

let server: MariaDb;
let dir: string;
let keys: ConsortiumKeys;
let w: ClientWorld;
let legacy: Knex;
let tb: TongbanClient;
let clientKey: string;
const urls = new Map<string, string>();
const nodeDb = async (dept: string) => {
  if (!urls.has(dept)) urls.set(dept, await server.createDatabase(dept));
  return openDb({ client: 'mysql', connection: urls.get(dept)! });
};
const start = (restart: boolean) => startClientWorld({ db: nodeDb, keys, logFile: join(dir, 'log.db'), restart });

before(async () => {
  server = await startMariaDb();
  dir = await mkdtemp(join(tmpdir(), 'tongban-connector-'));
  keys = makeConsortium(DEPTS);
  w = await start(false);
  const { keys: k } = await w.client('legacy', { events: ['note.made'] });
  clientKey = k.privateKey;
  tb = new TongbanClient({ url: w.url, dept: 'market', clientId: 'legacy', key: clientKey, retries: 6 });
  legacy = openDb({ client: 'mysql', connection: await server.createDatabase('legacy_approvals') });
  await legacy.schema.createTable('permits', (t) => {
    t.string('id', 40).primary();
    t.string('status', 16).notNullable().defaultTo('new');
    t.integer('applied').notNullable().defaultTo(0);
  });
  await migrateConnector(legacy);
});
after(async () => {
  await legacy?.destroy();
  await w?.stop();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The legacy system's own write-back: the permit is recorded, and how often that happened is counted. */
const apply = async (trx: Knex.Transaction, permit: string) => {
  await trx('permits').where('id', permit).update({ status: 'recorded', applied: trx.raw('applied + 1') });
};

const chainNotes = async () => (await w.p.node('market').db('txs').where('kind', 'note.make').where('status', 'ok').select('raw')).map((r: { raw: string }) => JSON.parse(r.raw).payload.text as string).sort();

test('killed mid-batch and between a write-back and its cursor, then restarted: nothing lost, nothing doubled', async () => {
  await legacy('permits').insert(['P-01', 'P-02', 'P-03', 'P-04', 'P-05', 'P-06'].map((id) => ({ id })));
  await assert.rejects(mirrorNew(legacy, tb, MAPPING, { crashAfterSubmit: 2 }), /killed/);
  assert.equal(await mirrorNew(legacy, tb, MAPPING), 4, 'the restarted connector mirrors the rest, the killed row again');
  assert.deepEqual(await chainNotes(), ['P-01', 'P-02', 'P-03', 'P-04', 'P-05', 'P-06'], 'one transaction per permit');

  await assert.rejects(writeBack(legacy, tb, MAPPING, apply, { crashAfterApply: 3 }), /killed/);
  await writeBack(legacy, tb, MAPPING, apply);
  const rows = (await legacy('permits').orderBy('id')) as { id: string; status: string; applied: number }[];
  assert.deepEqual(rows.map((r) => [r.id, r.status, r.applied]), rows.map((r) => [r.id, 'recorded', 1]));
});

test('the node restarted under the connector: new permits go on from the saved cursor', async () => {
  await w.stop();
  w = await start(true);
  tb = new TongbanClient({ url: w.url, dept: 'market', clientId: 'legacy', key: clientKey, retries: 6 });
  await legacy('permits').insert([{ id: 'P-07' }, { id: 'P-08' }]);
  assert.equal(await mirrorNew(legacy, tb, MAPPING), 2);
  assert.equal(await writeBack(legacy, tb, MAPPING, apply), 2, 'only the events after the cursor');
  assert.equal((await chainNotes()).length, 8);
  const rows = (await legacy('permits').orderBy('id')) as { status: string; applied: number }[];
  assert.ok(rows.every((r) => r.status === 'recorded' && r.applied === 1), JSON.stringify(rows));
});

test('a webhook receiver down for a while gets every outcome once it is back, each checked and applied once', async () => {
  const seen = new Set<string>();
  let requests = 0;
  let forged = 0;
  const receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests++;
      // down for its first two deliveries: the node retries with back-off
      if (requests <= 2) return res.writeHead(503).end();
      try {
        const { eventId } = verifyWebhook(req.headers, body, secret);
        seen.add(eventId);
        res.writeHead(200).end();
      } catch {
        forged++;
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  let secret = '';
  try {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const hook = await w.admin.post('/market/api/admin/webhooks', { url, kinds: ['note.made'], after: '0' }).expect(201);
    secret = hook.body.secret;
    const deadline = Date.now() + 60_000;
    while (seen.size < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal(seen.size, 8, `every outcome delivered (${requests} requests)`);
    assert.equal(forged, 0);
    assert.ok(requests >= 10, 'the failed deliveries were tried again');
  } finally {
    await new Promise<void>((r) => receiver.close(() => r()));
  }
});
