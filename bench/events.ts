import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createConsortium } from '../server/chain/consortium.ts';
import { LocalLog } from '../server/chain/orderer/localLog.ts';
import { openDb } from '../server/chain/store/openDb.ts';
import { eventFeedModule } from '../server/events/index.ts';
import { SIGNATURE_HEADER, verifySignature } from '../server/events/signature.ts';
import { createPlatform } from '../server/platform.ts';
import type { Figure } from './run.ts';

export const method =
  'a 4-department chain in file-backed SQLite with N staff registrations signed by one node (20,000; 2,000 with --quick), all final; ' +
  'feed: one client reading the backlog by long poll (limit 1,000, wait 30 s) over HTTP on loopback; ' +
  'webhooks: one webhook from the start of the feed to a local receiver that checks every signature, from registration to the last delivery';

const DEPTS = ['market', 'tax', 'finance', 'audit'];
const PASSWORD = 'bench-Password-2026';

export async function runEventsBench(opts: { quick: boolean }): Promise<Figure[]> {
  const n = opts.quick ? 2_000 : 20_000;
  const dir = mkdtempSync(join(tmpdir(), 'tb-events-'));
  const keys = createConsortium({ chain: 'bench-events', depts: DEPTS, time: Date.now() });
  const log = new LocalLog(join(dir, 'log.sqlite'));
  const specs = DEPTS.map((dept) => ({ dept, db: openDb({ client: 'sqlite', filename: join(dir, `${dept}.sqlite`) }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger: pino({ level: 'silent' }), modules: () => [eventFeedModule({ policy: { pollMs: 100 } })] });
  let received = 0;
  let bad = 0;
  let secret = '';
  let allIn: () => void = () => undefined;
  const receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (verifySignature(secret, req.headers[SIGNATURE_HEADER] as string, body, Math.floor(Date.now() / 1000)).ok) received++;
      else bad++;
      res.statusCode = 204;
      res.end();
      if (received >= n) allIn();
    });
  });
  try {
    const market = p.node('market');
    await market.submitAs(undefined, 'user.register', { id: 'admin', name: '管理员', role: 'admin' });
    await p.auths.get('market')!.setPassword('admin', PASSWORD);
    let last = '';
    for (let i = 0; i < n; i += 100) {
      const batch = Array.from({ length: Math.min(100, n - i) }, (_, j) => market.signAs(undefined, 'user.register', { id: `s${i + j}`, name: `员工${i + j}`, role: 'approver' }));
      last = (await market.submitMany(batch)).at(-1)!.id;
    }
    await market.waitFor(last, 'final', 300_000);

    const server = await p.listen(0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/market/api`;
    const login = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'admin', password: PASSWORD }) });
    const cookie = (login.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;

    // One long-poll client reading the whole feed.
    const t0 = performance.now();
    let cursor = '0';
    let read = 0;
    while (read < n + 1) {
      const r = (await (await fetch(`${base}/events?after=${cursor}&limit=1000&wait=30`, { headers: { cookie } })).json()) as { events: unknown[]; cursor: string };
      read += r.events.length;
      cursor = r.cursor;
    }
    const feedSeconds = (performance.now() - t0) / 1000;

    // One webhook from the start of the feed.
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const done = new Promise<void>((r) => (allIn = r));
    const t1 = performance.now();
    const created = await fetch(`${base}/admin/webhooks`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ url, kinds: ['user.registered'], after: '0' }) });
    if (created.status !== 201) throw new Error(`webhook not created: ${created.status} ${await created.text()}`);
    secret = ((await created.json()) as { secret: string }).secret;
    await done;
    const hookSeconds = (performance.now() - t1) / 1000;
    if (bad) throw new Error(`${bad} deliveries failed their signature check`);
    return [
      { metric: 'events.feed_longpoll', value: read / feedSeconds, unit: 'events/s' },
      { metric: 'events.webhook_deliveries', value: received / hookSeconds, unit: 'deliveries/s' },
      { metric: 'events.count', value: n, unit: 'events' },
    ];
  } finally {
    receiver.close();
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
