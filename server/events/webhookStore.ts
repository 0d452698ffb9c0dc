import type { Knex } from 'knex';

/**
 * Webhook registrations and their delivery state, in the node's own database so that a restart
 * resumes where it stopped: ev_webhooks (the URL, filters, secret and the cursor up to which
 * events were queued) and ev_deliveries (one row per webhook and event: pending, delivered or
 * dead, attempts, when to try next and the last failure).
 */
export interface Webhook {
  id: string;
  url: string;
  types: string[];
  subject: string | null;
  secret: string;
  createdBy: string;
  createdAt: number;
  cursor: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface Delivery {
  webhookId: string;
  eventId: string;
  height: number;
  txIndex: number;
  eventIndex: number;
  status: DeliveryStatus;
  attempts: number;
  nextAt: number;
  lastStatus: number | null;
  lastError: string | null;
  updatedAt: number;
}

export async function migrateWebhooks(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable('ev_webhooks'))) {
    await db.schema.createTable('ev_webhooks', (t) => {
      t.string('id', 40).primary();
      t.string('url', 2000).notNullable();
      t.text('types').notNullable();
      t.string('subject', 100).nullable();
      t.string('secret', 100).notNullable();
      t.string('created_by', 64).notNullable();
      t.bigInteger('created_at').notNullable();
      t.string('cursor', 40).notNullable();
    });
  }
  if (!(await db.schema.hasTable('ev_deliveries'))) {
    await db.schema.createTable('ev_deliveries', (t) => {
      t.string('webhook_id', 40).notNullable();
      t.string('event_id', 40).notNullable();
      t.integer('height').notNullable();
      t.integer('tx_index').notNullable();
      t.integer('event_index').notNullable();
      t.string('status', 16).notNullable();
      t.integer('attempts').notNullable();
      t.bigInteger('next_at').notNullable();
      t.integer('last_status').nullable();
      t.string('last_error', 300).nullable();
      t.bigInteger('updated_at').notNullable();
      t.primary(['webhook_id', 'event_id']);
      t.index(['status', 'next_at']);
    });
  }
}

interface WebhookRow {
  id: string;
  url: string;
  types: string;
  subject: string | null;
  secret: string;
  created_by: string;
  created_at: number | string;
  cursor: string;
}

const toWebhook = (r: WebhookRow): Webhook => ({
  id: r.id,
  url: r.url,
  types: JSON.parse(r.types) as string[],
  subject: r.subject,
  secret: r.secret,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  cursor: r.cursor,
});

interface DeliveryRow {
  webhook_id: string;
  event_id: string;
  height: number;
  tx_index: number;
  event_index: number;
  status: DeliveryStatus;
  attempts: number;
  next_at: number | string;
  last_status: number | null;
  last_error: string | null;
  updated_at: number | string;
}

const toDelivery = (r: DeliveryRow): Delivery => ({
  webhookId: r.webhook_id,
  eventId: r.event_id,
  height: Number(r.height),
  txIndex: Number(r.tx_index),
  eventIndex: Number(r.event_index),
  status: r.status,
  attempts: Number(r.attempts),
  nextAt: Number(r.next_at),
  lastStatus: r.last_status === null ? null : Number(r.last_status),
  lastError: r.last_error,
  updatedAt: Number(r.updated_at),
});

export class WebhookStore {
  constructor(private readonly db: Knex) {}

  async create(w: Webhook): Promise<void> {
    await this.db('ev_webhooks').insert({ id: w.id, url: w.url, types: JSON.stringify(w.types), subject: w.subject, secret: w.secret, created_by: w.createdBy, created_at: w.createdAt, cursor: w.cursor });
  }

  async list(): Promise<Webhook[]> {
    return ((await this.db('ev_webhooks').orderBy('created_at').orderBy('id')) as WebhookRow[]).map(toWebhook);
  }

  async get(id: string): Promise<Webhook | undefined> {
    const r = (await this.db('ev_webhooks').where({ id }).first()) as WebhookRow | undefined;
    return r && toWebhook(r);
  }

  async remove(id: string): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      await trx('ev_deliveries').where({ webhook_id: id }).delete();
      return (await trx('ev_webhooks').where({ id }).delete()) > 0;
    });
  }

  /** Queues deliveries and moves the webhook's cursor in one transaction: an event is queued once. */
  async enqueue(id: string, events: { id: string; height: number; txIndex: number; eventIndex: number }[], cursor: string, now: number): Promise<void> {
    await this.db.transaction(async (trx) => {
      const rows = events.map((e) => ({ webhook_id: id, event_id: e.id, height: e.height, tx_index: e.txIndex, event_index: e.eventIndex, status: 'pending', attempts: 0, next_at: now, last_status: null, last_error: null, updated_at: now }));
      for (let i = 0; i < rows.length; i += 200) await trx('ev_deliveries').insert(rows.slice(i, i + 200));
      await trx('ev_webhooks').where({ id }).update({ cursor });
    });
  }

  /** Pending deliveries due by `now`, oldest event first. */
  async due(now: number, limit: number): Promise<Delivery[]> {
    const rows = (await this.db('ev_deliveries')
      .where({ status: 'pending' })
      .where('next_at', '<=', now)
      .orderBy([{ column: 'height' }, { column: 'tx_index' }, { column: 'event_index' }, { column: 'webhook_id' }])
      .limit(limit)) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  /** When the next pending delivery falls due, if any is pending. */
  async nextDue(): Promise<number | undefined> {
    const r = await this.db('ev_deliveries').where({ status: 'pending' }).min({ n: 'next_at' }).first();
    return r?.n === null || r?.n === undefined ? undefined : Number(r.n);
  }

  /**
   * The outcomes of one pass in one database transaction. Outcomes with the same update (every
   * delivery that went through at once, typically) share one statement: a pass settles hundreds
   * of deliveries, and a statement each was most of its database time.
   */
  async settleMany(items: { d: Pick<Delivery, 'webhookId' | 'eventId'>; update: { status: DeliveryStatus; attempts: number; nextAt: number; lastStatus: number | null; lastError: string | null } }[], now: number): Promise<void> {
    if (!items.length) return;
    const groups = new Map<string, { webhookId: string; set: Record<string, unknown>; eventIds: string[] }>();
    for (const { d, update } of items) {
      const set = { status: update.status, attempts: update.attempts, next_at: update.nextAt, last_status: update.lastStatus, last_error: update.lastError?.slice(0, 300) ?? null, updated_at: now };
      const key = JSON.stringify([d.webhookId, set]);
      const g = groups.get(key) ?? { webhookId: d.webhookId, set, eventIds: [] as string[] };
      g.eventIds.push(d.eventId);
      groups.set(key, g);
    }
    await this.db.transaction(async (trx) => {
      for (const g of groups.values()) {
        for (let i = 0; i < g.eventIds.length; i += 500) await trx('ev_deliveries').where({ webhook_id: g.webhookId }).whereIn('event_id', g.eventIds.slice(i, i + 500)).update(g.set);
      }
    });
  }

  async deliveries(webhookId: string, status: DeliveryStatus, limit: number): Promise<Delivery[]> {
    const rows = (await this.db('ev_deliveries')
      .where({ webhook_id: webhookId, status })
      .orderBy([{ column: 'height' }, { column: 'tx_index' }, { column: 'event_index' }])
      .limit(limit)) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  async counts(webhookId: string): Promise<Record<DeliveryStatus, number>> {
    const rows = (await this.db('ev_deliveries').where({ webhook_id: webhookId }).groupBy('status').select('status').count({ n: '*' })) as { status: DeliveryStatus; n: number | string }[];
    const out: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, dead: 0 };
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }

  /** A dead delivery back to pending, due now, with a fresh count of attempts. */
  async redeliver(webhookId: string, eventId: string, now: number): Promise<boolean> {
    const n = await this.db('ev_deliveries')
      .where({ webhook_id: webhookId, event_id: eventId, status: 'dead' })
      .update({ status: 'pending', attempts: 0, next_at: now, updated_at: now });
    return n > 0;
  }
}
