import type { Knex } from 'knex';
import type { FeedEvent } from '../../shared/feedEvent.ts';
import { eventId, type Position } from './cursor.ts';

export type { FeedEvent };

export interface FeedFilter {
  /** event types; an entry ending in `.*` matches the prefix (`payout.*`) */
  types?: string[];
  subject?: string;
  /** only events at or below this height (webhooks send final events only) */
  maxHeight?: number;
}

interface Row {
  height: number;
  tx_index: number;
  event_index: number;
  id: string;
  tx_id: string;
  kind: string;
  type: string;
  signer_dept: string | null;
  basis: string;
  time: number | string;
  data: string;
}

/** Rows strictly after `p` in commit order. */
export function afterPosition(q: Knex.QueryBuilder, p: Position, prefix = ''): Knex.QueryBuilder {
  const c = (n: string) => `${prefix}${n}`;
  return q.where((w) =>
    w
      .where(c('height'), '>', p.height)
      .orWhere((x) => x.where(c('height'), p.height).where(c('tx_index'), '>', p.txIndex))
      .orWhere((x) => x.where(c('height'), p.height).where(c('tx_index'), p.txIndex).where(c('event_index'), '>', p.eventIndex)),
  );
}

export function applyFilter(q: Knex.QueryBuilder, f: FeedFilter, prefix = ''): Knex.QueryBuilder {
  const c = (n: string) => `${prefix}${n}`;
  if (f.types?.length) {
    const exact = f.types.filter((t) => !t.endsWith('.*'));
    const prefixes = f.types.filter((t) => t.endsWith('.*')).map((t) => t.slice(0, -1));
    q.where((w) => {
      if (exact.length) w.orWhereIn(c('type'), exact);
      for (const p of prefixes) w.orWhere(c('type'), 'like', `${p}%`);
    });
  }
  if (f.maxHeight !== undefined) q.where(c('height'), '<=', f.maxHeight);
  if (f.subject) {
    q.whereExists((s) =>
      s
        .from('ev_feed_subjects as s')
        .where('s.subject', f.subject!)
        .whereRaw('?? = ??', ['s.height', c('height')])
        .whereRaw('?? = ??', ['s.tx_index', c('tx_index')])
        .whereRaw('?? = ??', ['s.event_index', c('event_index')]),
    );
  }
  return q;
}

export const toEvent = (r: Row, finalHeight: number): FeedEvent => ({
  id: r.id,
  type: r.type,
  kind: r.kind,
  txId: r.tx_id,
  height: Number(r.height),
  txIndex: Number(r.tx_index),
  eventIndex: Number(r.event_index),
  time: Number(r.time),
  signerDept: r.signer_dept,
  basis: r.basis,
  final: Number(r.height) <= finalHeight,
  data: JSON.parse(r.data) as Record<string, unknown>,
});

/** Up to `limit` events after `after`, in commit order, with their finality as of `finalHeight`. */
export async function readFeed(db: Knex, after: Position, f: FeedFilter, limit: number, finalHeight: number): Promise<FeedEvent[]> {
  const q = db('ev_feed as e').select('e.*');
  afterPosition(q, after, 'e.');
  applyFilter(q, f, 'e.');
  const rows: Row[] = await q.orderBy([{ column: 'e.height' }, { column: 'e.tx_index' }, { column: 'e.event_index' }]).limit(limit);
  return rows.map((r) => toEvent(r, finalHeight));
}

/** The cursor after the last of `events`, or `after` itself when there were none. */
export const nextCursor = (events: FeedEvent[], after: Position): string => (events.length ? events[events.length - 1].id : after.eventIndex < 0 ? '0' : eventId(after));

/** The id of the last event at or below `maxHeight`, or undefined when the feed has none. */
export async function lastEventId(db: Knex, maxHeight: number): Promise<string | undefined> {
  const r = await db('ev_feed').where('height', '<=', maxHeight).orderBy([{ column: 'height', order: 'desc' }, { column: 'tx_index', order: 'desc' }, { column: 'event_index', order: 'desc' }]).first('id');
  return r?.id as string | undefined;
}

/** Events by id (those still in the feed). */
export async function eventsByIds(db: Knex, ids: string[], finalHeight: number): Promise<Map<string, FeedEvent>> {
  const out = new Map<string, FeedEvent>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows: Row[] = await db('ev_feed').whereIn('id', ids.slice(i, i + 500));
    for (const r of rows) out.set(r.id, toEvent(r, finalHeight));
  }
  return out;
}

/** The events of one transaction in this feed (none when the department has no basis for it). */
export async function eventsOfTx(db: Knex, txId: string, finalHeight: number): Promise<FeedEvent[]> {
  const rows: Row[] = await db('ev_feed').where('tx_id', txId).orderBy('event_index');
  return rows.map((r) => toEvent(r, finalHeight));
}
