import { randomBytes } from 'node:crypto';
import type Router from '@koa/router';
import { z } from 'zod';
import { ChainError } from '../chain/errors.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import { currentUser } from '../http/auth.ts';
import { eventId, parseCursor } from './cursor.ts';
import { EventTypes, Subject } from './feedRoutes.ts';
import { lastEventId } from './feedQueries.ts';
import { FEED_ROLES } from './roles.ts';
import type { WebhookDispatcher } from './webhookDispatcher.ts';
import type { Webhook } from './webhookStore.ts';
import { RouteKit } from '../http/routeKit.ts';

const MAX_WEBHOOKS = 50;

const WebhookBody = z.object({
  url: z
    .string()
    .max(2000)
    .refine((u) => {
      try {
        const x = new URL(u);
        return (x.protocol === 'https:' || x.protocol === 'http:') && !x.username && !x.password;
      } catch {
        return false;
      }
    }, 'an http(s) URL without user or password'),
  kinds: EventTypes.default([]),
  subject: Subject.optional(),
  /** where deliveries start: an event id, or 0 for the whole feed; by default after the last final event */
  after: z.string().max(40).optional(),
});

const WebhookId = /^wh_[0-9a-f]{16}$/;

const publicView = (w: Webhook) => ({ id: w.id, url: w.url, kinds: w.types, subject: w.subject, createdBy: w.createdBy, createdAt: w.createdAt, cursor: w.cursor });

export function webhookRoutes(node: ModulePort, dispatcher: () => WebhookDispatcher): Router {
  const r = new RouteKit();
  const hookOf = async (id: string): Promise<Webhook> => {
    const w = WebhookId.test(id) ? await dispatcher().store.get(id) : undefined;
    if (!w) throw new ChainError('NOT_FOUND', `no webhook ${id}`, { status: 404 });
    return w;
  };

  r.post('/admin/webhooks', { summary: 'Registers a webhook for final events of the feed ({url, kinds?, subject?, after?}); the answer shows the signing secret, once', roles: FEED_ROLES, body: WebhookBody, invalid: 'BAD_WEBHOOK' }, async (ctx, { body }) => {
    const store = dispatcher().store;
    if ((await store.list()).length >= MAX_WEBHOOKS) throw new ChainError('TOO_MANY_WEBHOOKS', `at most ${MAX_WEBHOOKS} webhooks per department`, { status: 409 });
    const after = body.after !== undefined ? parseCursor(body.after) : undefined;
    const cursor = after ? (after.eventIndex < 0 ? '0' : eventId(after)) : ((await lastEventId(node.db, node.finalHeight)) ?? '0');
    const w: Webhook = {
      id: `wh_${randomBytes(8).toString('hex')}`,
      url: body.url,
      types: body.kinds,
      subject: body.subject ?? null,
      secret: `whsec_${randomBytes(32).toString('hex')}`,
      createdBy: currentUser(ctx).id,
      createdAt: Date.now(),
      cursor,
    };
    await store.create(w);
    dispatcher().kick();
    ctx.status = 201;
    ctx.body = { ...publicView(w), secret: w.secret };
  });

  r.get('/admin/webhooks', { summary: "The department's webhooks with their delivery counts (never the secret)", roles: FEED_ROLES }, async (ctx) => {
    const store = dispatcher().store;
    const hooks = await store.list();
    ctx.body = { webhooks: await Promise.all(hooks.map(async (w) => ({ ...publicView(w), deliveries: await store.counts(w.id) }))) };
  });

  r.delete('/admin/webhooks/:id', { summary: 'Removes a webhook and its delivery state', roles: FEED_ROLES }, async (ctx) => {
    const w = await hookOf(ctx.params.id);
    await dispatcher().store.remove(w.id);
    ctx.body = { id: w.id, removed: true };
  });

  // A body-less 405 from the router would carry no code; say what to do instead.
  r.post('/admin/webhooks/:id', { summary: 'Always 405 METHOD_NOT_ALLOWED: a webhook is removed with DELETE and changed by registering it again', roles: FEED_ROLES }, () => {
    throw new ChainError('METHOD_NOT_ALLOWED', 'a webhook is removed with DELETE and changed by removing and registering it again', { status: 405 });
  });

  r.get('/admin/webhooks/:id/dead', { summary: "A webhook's dead-letter list: deliveries that failed every attempt, oldest event first (?limit=1-500)", roles: FEED_ROLES }, async (ctx) => {
    const w = await hookOf(ctx.params.id);
    const limit = z.coerce.number().int().min(1).max(500).default(100).safeParse(ctx.query.limit);
    if (!limit.success) throw new ChainError('BAD_QUERY', 'limit is 1 to 500', { status: 400 });
    const dead = await dispatcher().store.deliveries(w.id, 'dead', limit.data);
    ctx.body = { webhook: w.id, dead: dead.map((d) => ({ eventId: d.eventId, attempts: d.attempts, lastStatus: d.lastStatus, lastError: d.lastError, at: d.updatedAt })) };
  });

  r.post('/admin/webhooks/:id/dead/:eventId/redeliver', { summary: 'Puts a dead delivery back on the queue, due now, with a fresh count of attempts', roles: FEED_ROLES }, async (ctx) => {
    const w = await hookOf(ctx.params.id);
    const ev = ctx.params.eventId;
    parseCursor(ev);
    if (!(await dispatcher().store.redeliver(w.id, ev, Date.now()))) throw new ChainError('NOT_DEAD', `event ${ev} is not on the dead-letter list of ${w.id}`, { status: 404 });
    dispatcher().kick();
    ctx.body = { webhook: w.id, eventId: ev, status: 'pending' };
  });

  return r.router;
}
