import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { ChainError } from '../chain/errors.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import { clientOr } from '../clients/clientAuth.ts';
import { openEventStream } from '../http/sse.ts';
import { parseCursor, type Position } from './cursor.ts';
import { nextCursor, readFeed, type FeedFilter } from './feedQueries.ts';
import { checkCursor, grantedFilter } from './feedAccess.ts';
import { FEED_ROLES } from './roles.ts';
import { RouteKit } from '../http/routeKit.ts';

export const MAX_WAIT_S = 30;
const EVENT_TYPE = /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+)*(\.\*)?$/;

export const EventTypes = z
  .array(z.string().max(64).regex(EVENT_TYPE, 'an event type like filing.submitted, or a prefix like payout.*'))
  .max(20, 'at most 20 event types');
export const Subject = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.:/-]+$/, 'a subject is a credit code or a record id');

const FeedQuery = z.object({
  after: z.string().max(40).optional(),
  kinds: z.string().max(1400).optional(),
  subject: Subject.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  wait: z.coerce.number().int().min(0).max(MAX_WAIT_S).default(0),
});

function filterOf(kinds: string | undefined, subject: string | undefined): FeedFilter {
  const types = kinds ? kinds.split(',').map((k) => k.trim()).filter(Boolean) : [];
  const t = EventTypes.safeParse(types);
  if (!t.success) throw new ChainError('BAD_KINDS', `kinds: ${t.error.issues[0].message}`, { status: 400 });
  return { types: t.data, subject };
}

function parseQuery(ctx: Context) {
  const q = FeedQuery.safeParse(ctx.query);
  if (!q.success) {
    const i = q.error.issues[0];
    throw new ChainError('BAD_QUERY', `${i.path.join('.')}: ${i.message} (limit 1-1000, wait 0-${MAX_WAIT_S} s)`, { status: 400 });
  }
  return q.data;
}

/** Resolves when the node commits a block or learns a new final height, after `ms`, or when `closed` settles. */
function nextChange(node: ModulePort, ms: number, closed?: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    let off = () => {};
    const done = () => {
      clearTimeout(timer);
      off();
      resolve();
    };
    const timer = setTimeout(done, ms);
    off = node.onChange(done);
    void closed?.then(done);
  });
}

export function feedRoutes(node: ModulePort): Router {
  const r = new RouteKit();
  // the administrator by session, or a client by a signed request within the event types it was granted
  const reader = clientOr(node, ...FEED_ROLES);

  r.get('/events', { summary: "The department's event feed in commit order (server/events/README.md): ?after=<cursor>&kinds=<type,type.*>&subject=<credit code or record id>&limit=<1-1000>&wait=<0-30 s> (long poll: answers as soon as an event commits). Returns {events, cursor, height, finalHeight}", roles: FEED_ROLES, guard: reader }, async (ctx) => {
    const q = parseQuery(ctx);
    const after = parseCursor(q.after);
    await checkCursor(node, after);
    const filter = grantedFilter(ctx, filterOf(q.kinds, q.subject));
    const deadline = Date.now() + q.wait * 1000;
    let events = await readFeed(node.db, after, filter, q.limit, node.finalHeight);
    if (!events.length && q.wait > 0) {
      // The response closing before we answered means the client went away.
      let gone = false;
      const closed = new Promise<void>((resolve) => ctx.res.once('close', () => ((gone = true), resolve())));
      while (!events.length && !gone && Date.now() < deadline) {
        await nextChange(node, deadline - Date.now(), closed);
        if (gone) return;
        events = await readFeed(node.db, after, filter, q.limit, node.finalHeight);
      }
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { events, cursor: nextCursor(events, after), height: node.height, finalHeight: node.finalHeight };
  });

  r.get('/events/stream', { summary: 'Server-sent events of the feed: `event` (id: the event id, data: the event), `final` ({finalHeight}) when finality moves; resumes after Last-Event-ID (or ?after=); ?kinds=&subject= as on /events; a comment line every 15 s keeps it open', roles: FEED_ROLES, guard: reader }, async (ctx) => {
    const q = parseQuery(ctx);
    const lastId = ctx.get('last-event-id') || undefined;
    let after: Position = parseCursor(lastId ?? q.after);
    await checkCursor(node, after);
    const filter = grantedFilter(ctx, filterOf(q.kinds, q.subject));
    const { send, closed } = openEventStream(ctx);
    let open = true;
    void closed.then(() => (open = false));
    void (async () => {
      let finalSent = -1;
      while (open) {
        const events = await readFeed(node.db, after, filter, 500, node.finalHeight);
        for (const e of events) send('event', e, e.id);
        if (events.length) after = { height: events.at(-1)!.height, txIndex: events.at(-1)!.txIndex, eventIndex: events.at(-1)!.eventIndex };
        if (node.finalHeight !== finalSent) {
          finalSent = node.finalHeight;
          send('final', { finalHeight: finalSent, height: node.height });
        }
        if (events.length === 500) continue;
        await nextChange(node, 15_000, closed);
      }
    })().catch((err) => node.log.warn({ err }, 'event stream ended'));
  });

  return r.router;
}
