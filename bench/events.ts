import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createConsortium } from '../server/chain/consortium.ts';
import type { CommittedBlock } from '../server/chain/module.ts';
import type { ChainNode } from '../server/chain/node.ts';
import { LocalLog } from '../server/chain/orderer/localLog.ts';
import { openDb } from '../server/chain/store/openDb.ts';
import { eventFeedModule } from '../server/events/index.ts';
import { createPlatform } from '../server/platform.ts';
import { pct } from './percentile.ts';
import type { Figure } from './run.ts';
import { wallClock, WebhookReceiver } from './webhookReceiver.ts';

export const method =
  'a 4-department chain in file-backed SQLite with N staff registrations signed by one node (20,000; 2,000 with --quick), all final; ' +
  'feed_longpoll: one client reading the backlog by long poll (limit 1,000, wait 30 s) over HTTP on loopback; ' +
  'webhook_per_s: one webhook from the start of the feed to a local receiver in a thread of its own that checks every signature (node:crypto), events acknowledged (2xx) per second from registration to the last acknowledgement; ' +
  'lag_p50/p99: then, with the webhook caught up, registrations signed beforehand and submitted at half webhook_per_s for 60 s (20 s with --quick) in batches every 50 ms; ' +
  "per event, the receiver's finished 2xx reply less the moment the delivering node committed the event's block (its block event)";

const DEPTS = ['market', 'tax', 'finance', 'audit'];
const PASSWORD = 'bench-Password-2026';
const TICK_MS = 50;

export async function runEventsBench(opts: { quick: boolean }): Promise<Figure[]> {
  const n = opts.quick ? 2_000 : 20_000;
  const dir = mkdtempSync(join(tmpdir(), 'tb-events-'));
  const keys = createConsortium({ chain: 'bench-events', depts: DEPTS, time: Date.now() });
  const log = new LocalLog(join(dir, 'log.sqlite'));
  const specs = DEPTS.map((dept) => ({ dept, db: openDb({ client: 'sqlite', filename: join(dir, `${dept}.sqlite`) }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger: pino({ level: 'silent' }), modules: () => [eventFeedModule({ policy: { pollMs: 100 } })] });
  const receiver = new WebhookReceiver();
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
    const backlog = n + 1; // the administrator's registration is in the feed too

    const server = await p.listen(0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/market/api`;
    const login = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'admin', password: PASSWORD }) });
    const cookie = (login.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;

    // One long-poll client reading the whole feed.
    const t0 = performance.now();
    let cursor = '0';
    let read = 0;
    while (read < backlog) {
      const r = (await (await fetch(`${base}/events?after=${cursor}&limit=1000&wait=30`, { headers: { cookie } })).json()) as { events: unknown[]; cursor: string };
      read += r.events.length;
      cursor = r.cursor;
    }
    const feedSeconds = (performance.now() - t0) / 1000;

    // One webhook from the start of the feed.
    const url = await receiver.url();
    const t1 = performance.now();
    const created = await fetch(`${base}/admin/webhooks`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ url, kinds: ['user.registered'], after: '0' }) });
    if (created.status !== 201) throw new Error(`webhook not created: ${created.status} ${await created.text()}`);
    receiver.secret = ((await created.json()) as { secret: string }).secret;
    await receiver.until(backlog, 600_000);
    const webhookPerS = backlog / ((performance.now() - t1) / 1000);

    const lags = await steadyLag(market, receiver, webhookPerS / 2, opts.quick ? 20 : 60);
    if (receiver.bad) throw new Error(`${receiver.bad} deliveries failed their signature check`);
    return [
      { metric: 'events.feed_longpoll', value: read / feedSeconds, unit: 'events/s' },
      { metric: 'events.webhook_per_s', value: webhookPerS, unit: 'events/s' },
      { metric: 'events.lag_p50', value: Math.round(pct(lags, 50)), unit: 'ms' },
      { metric: 'events.lag_p99', value: Math.round(pct(lags, 99)), unit: 'ms' },
      { metric: 'events.lag_rate', value: webhookPerS / 2, unit: 'tx/s' },
      { metric: 'events.lag_count', value: lags.length, unit: 'events' },
      { metric: 'events.count', value: n, unit: 'events' },
    ];
  } finally {
    await receiver.close();
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Submits registrations at `rate` per second for `seconds`, a batch every tick (a late tick
 * catches up, so the rate holds on average), and returns for every event of this phase the time
 * from its block's commit on the delivering node to the receiver's finished acknowledgement (ms).
 */
async function steadyLag(market: ChainNode, receiver: WebhookReceiver, rate: number, seconds: number): Promise<number[]> {
  const committedAt = new Map<number, number>();
  const onBlock = (b: CommittedBlock) => committedAt.set(b.header.height, wallClock());
  market.on('block', onBlock);
  const fromHeight = market.height;
  const before = receiver.acks.size;
  const total = Math.round(rate * seconds);
  // Signed beforehand: signing is the submitting system's work, not the node's.
  const txs = Array.from({ length: total }, (_, i) => market.signAs(undefined, 'user.register', { id: `lag${i}`, name: `延迟${i}`, role: 'approver' }));
  let sent = 0;
  try {
    const start = performance.now();
    for (let tick = 1; sent < total; tick++) {
      const target = Math.min(total, Math.floor((rate * (performance.now() - start)) / 1000));
      if (target > sent) {
        const batch = txs.slice(sent, target);
        sent = target;
        await market.submitMany(batch);
      }
      const wait = start + tick * TICK_MS - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await receiver.until(before + sent, 120_000);
  } finally {
    market.off('block', onBlock);
  }
  const lags: number[] = [];
  for (const { height, at } of receiver.acks.values()) {
    if (height <= fromHeight) continue;
    const c = committedAt.get(height);
    if (c === undefined) throw new Error(`block ${height} was delivered but its commit was not seen`);
    lags.push(at - c);
  }
  if (lags.length !== sent) throw new Error(`${lags.length} events timed, ${sent} submitted`);
  return lags;
}
