import type { Logger } from 'pino';
import type { ModulePort } from '../chain/modulePort.ts';
import { comparePositions, parseCursor } from './cursor.ts';
import { DeliveryClient } from './deliveryClient.ts';
import { eventsByIds, lastEventId, readFeed, type FeedEvent } from './feedQueries.ts';
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

interface Outcome {
  d: Delivery;
  update: { status: 'delivered' | 'pending' | 'dead'; attempts: number; nextAt: number; lastStatus: number | null; lastError: string | null };
}
/** deliveries in flight per webhook, and webhooks served at once */
const PARALLEL = 8;
const LANES = 8;

/**
 * Sends a department's final events to its webhooks, at least once. Each pass queues the final
 * events after every webhook's cursor (ev_deliveries, with the cursor moved in the same
 * database transaction), then posts what is due. A failure is tried again after an exponential,
 * bounded delay; after `maxAttempts` the delivery is dead until an administrator redelivers it.
 * Everything it knows is in the database, so a restart picks up pending deliveries where they were.
 */
export class WebhookDispatcher {
  readonly store: WebhookStore;
  private readonly client = new DeliveryClient(PARALLEL * LANES);
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly node: ModulePort,
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
    this.client.close();
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
      let cursor = events.length === BATCH ? events[events.length - 1].id : ((await lastEventId(this.node.db, finalHeight)) ?? w.cursor);
      if (comparePositions(parseCursor(cursor), after) <= 0) cursor = w.cursor; // never back: `after` may be past the final height
      if (cursor === w.cursor && !events.length) continue;
      await this.store.enqueue(w.id, events, cursor, this.now());
    }
  }

  /** Posts due deliveries; true when a full batch was due (there may be more). */
  private async deliverDue(): Promise<boolean> {
    const due = await this.store.due(this.now(), BATCH);
    if (!due.length) return false;
    const hooks = new Map((await this.store.list()).map((w) => [w.id, w]));
    const events = await eventsByIds(this.node.db, [...new Set(due.map((d) => d.eventId))], this.node.finalHeight);
    const outcomes: Outcome[] = [];
    // One lane per webhook, up to LANES webhooks served at once.
    const lanes = new Map<string, Delivery[]>();
    for (const d of due) lanes.set(d.webhookId, [...(lanes.get(d.webhookId) ?? []), d]);
    const queue = [...lanes.values()];
    const worker = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        const w = hooks.get(lane[0].webhookId);
        if (w) await this.deliverLane(w, lane, events, outcomes);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LANES, queue.length) }, worker));
    // One database transaction for the pass: a stop before it only means sending these again.
    if (!this.stopped) await this.store.settleMany(outcomes, this.now());
    for (const o of outcomes) {
      if (o.update.status === 'dead') this.log.warn({ webhook: o.d.webhookId, event: o.d.eventId, error: o.update.lastError }, 'webhook delivery dead after %d attempts', o.update.attempts);
    }
    return due.length === BATCH;
  }

  /**
   * One webhook's due deliveries in event order, PARALLEL in flight at once: each one that
   * finishes lets the next go, so one slow answer holds up a single slot, not a whole group. A
   * failure stops the lane for this pass: its deliveries not yet sent wait with the failing one,
   * their attempts uncounted.
   */
  private async deliverLane(w: Webhook, lane: Delivery[], events: Map<string, FeedEvent>, outcomes: Outcome[]): Promise<void> {
    let next = 0;
    let failed: Outcome | undefined;
    const slot = async () => {
      while (!failed && !this.stopped && next < lane.length) {
        const d = lane[next++];
        const o = await this.attempt(w, d, events.get(d.eventId));
        outcomes.push(o);
        if (o.update.status !== 'delivered') failed ??= o;
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, lane.length) }, slot));
    if (!failed) return;
    const until = failed.update.status === 'dead' ? this.now() + this.policy.baseDelayMs : failed.update.nextAt;
    for (const rest of lane.slice(next)) outcomes.push({ d: rest, update: { status: 'pending', attempts: rest.attempts, nextAt: until, lastStatus: rest.lastStatus, lastError: rest.lastError } });
  }

  private async attempt(w: Webhook, d: Delivery, event: FeedEvent | undefined): Promise<Outcome> {
    const attempts = d.attempts + 1;
    let status: number | null = null;
    let error: string | null = null;
    if (!event) {
      error = 'the event is no longer in the feed';
    } else {
      const body = JSON.stringify({ webhook: w.id, event });
      const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: signatureHeader(w.secret, body, Math.floor(this.now() / 1000)), [EVENT_ID_HEADER]: event.id, 'user-agent': 'tongban-webhooks/1' };
      try {
        status = await this.client.post(w.url, headers, body, this.policy.timeoutMs);
        // A delivered row keeps the time it fell due, so a pass's outcomes settle in one statement.
        if (status >= 200 && status < 300) return { d, update: { status: 'delivered', attempts, nextAt: d.nextAt, lastStatus: status, lastError: null } };
        error = `HTTP ${status}`;
      } catch (err) {
        error = (err as Error).message || String(err);
      }
    }
    const dead = attempts >= this.policy.maxAttempts;
    const nextAt = this.now() + (dead ? 0 : retryDelay(attempts, this.policy));
    return { d, update: { status: dead ? 'dead' : 'pending', attempts, nextAt, lastStatus: status, lastError: error } };
  }
}
