import type { Logger } from 'pino';
import type { ChainNode } from '../chain/node.ts';
import { parseCursor } from './cursor.ts';
import { lastEventId, readFeed, type FeedEvent } from './feedQueries.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.ts';
import { WebhookStore, type Delivery, type Webhook } from './webhookStore.ts';

export interface DeliveryPolicy {
  /** the first retry's delay; each further one doubles it */
  baseDelayMs: number;
  maxDelayMs: number;
  /** attempts before a delivery goes to the dead-letter list */
  maxAttempts: number;
  timeoutMs: number;
  /** how often to look for work when nothing wakes the dispatcher */
  pollMs: number;
}

export const DEFAULT_POLICY: DeliveryPolicy = { baseDelayMs: 2_000, maxDelayMs: 600_000, maxAttempts: 8, timeoutMs: 10_000, pollMs: 1_000 };

/** The delay before attempt `attempts + 1` after `attempts` failures: exponential, bounded. */
export const retryDelay = (attempts: number, p: Pick<DeliveryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number => Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.max(0, attempts - 1));

const BATCH = 200;
const PARALLEL = 8;

/**
 * Sends a department's final events to its webhooks, at least once. Each pass queues the final
 * events after every webhook's cursor (ev_deliveries, with the cursor moved in the same
 * database transaction), then posts what is due. A failure is tried again after an exponential,
 * bounded delay; after `maxAttempts` the delivery is dead until an administrator redelivers it.
 * Everything it knows is in the database, so a restart picks up pending deliveries where they were.
 */
export class WebhookDispatcher {
  readonly store: WebhookStore;
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly node: ChainNode,
    readonly policy: DeliveryPolicy = DEFAULT_POLICY,
    private readonly now: () => number = Date.now,
  ) {
    this.store = new WebhookStore(node.db);
    this.log = node.log.child({ part: 'webhooks' });
  }

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Look for work now (a block or a finality certificate arrived, a redelivery was asked for). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), ms);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    this.again = false;
    let busy = false;
    try {
      await this.enqueue();
      busy = await this.deliverDue();
    } catch (err) {
      if (!this.stopped) this.log.error({ err }, 'webhook pass failed');
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    if (busy || this.again) return this.schedule(0);
    const next = await this.store.nextDue().catch(() => undefined);
    const wait = next === undefined ? this.policy.pollMs : Math.max(0, Math.min(this.policy.pollMs, next - this.now()));
    this.schedule(wait);
  }

  private async enqueue(): Promise<void> {
    const finalHeight = this.node.finalHeight;
    for (const w of await this.store.list()) {
      const after = parseCursor(w.cursor);
      const events = await readFeed(this.node.db, after, { types: w.types, subject: w.subject ?? undefined, maxHeight: finalHeight }, BATCH, finalHeight);
      // Fewer than a batch: every final event up to the feed's last was seen, so skip past the unmatched ones too.
      const cursor = events.length === BATCH ? events[events.length - 1].id : ((await lastEventId(this.node.db, finalHeight)) ?? w.cursor);
      if (cursor === w.cursor && !events.length) continue;
      await this.store.enqueue(w.id, events, cursor, this.now());
    }
  }

  /** Posts due deliveries; true when a full batch was due (there may be more). */
  private async deliverDue(): Promise<boolean> {
    const due = await this.store.due(this.now(), BATCH);
    if (!due.length) return false;
    const hooks = new Map((await this.store.list()).map((w) => [w.id, w]));
    const events = new Map<string, FeedEvent>();
    for (const d of due) {
      if (events.has(d.eventId)) continue;
      const [e] = await readFeed(this.node.db, { height: d.height, txIndex: d.txIndex, eventIndex: d.eventIndex - 1 }, {}, 1, this.node.finalHeight);
      if (e && e.id === d.eventId) events.set(d.eventId, e);
    }
    // One lane per webhook keeps a receiver's deliveries in order while others proceed.
    const lanes = new Map<string, Delivery[]>();
    for (const d of due) lanes.set(d.webhookId, [...(lanes.get(d.webhookId) ?? []), d]);
    const queue = [...lanes.values()];
    const worker = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        for (const d of lane) {
          if (this.stopped) return;
          const w = hooks.get(d.webhookId);
          if (!w) continue;
          await this.attempt(w, d, events.get(d.eventId));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
    return due.length === BATCH;
  }

  private async attempt(w: Webhook, d: Delivery, event: FeedEvent | undefined): Promise<void> {
    const attempts = d.attempts + 1;
    let status: number | null = null;
    let error: string | null = null;
    if (!event) {
      error = 'the event is no longer in the feed';
    } else {
      const body = JSON.stringify({ webhook: w.id, event });
      try {
        const res = await fetch(w.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureHeader(w.secret, body, Math.floor(this.now() / 1000)), [EVENT_ID_HEADER]: event.id, 'user-agent': 'tongban-webhooks/1' },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.policy.timeoutMs),
        });
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
        if (res.status >= 200 && res.status < 300) {
          await this.store.settle(d, { status: 'delivered', attempts, nextAt: this.now(), lastStatus: status, lastError: null }, this.now());
          return;
        }
        error = `HTTP ${res.status}`;
      } catch (err) {
        error = (err as Error).message || String(err);
      }
    }
    if (this.stopped) return;
    const dead = attempts >= this.policy.maxAttempts;
    const nextAt = this.now() + (dead ? 0 : retryDelay(attempts, this.policy));
    await this.store.settle(d, { status: dead ? 'dead' : 'pending', attempts, nextAt, lastStatus: status, lastError: error }, this.now());
    if (dead) this.log.warn({ webhook: w.id, event: d.eventId, error }, 'webhook delivery dead after %d attempts', attempts);
  }
}
