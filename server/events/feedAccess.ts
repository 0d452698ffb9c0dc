import type { Context } from 'koa';
import { ChainError } from '../chain/errors.ts';
import type { ClientRecord } from '../chain/identity.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import { eventId, isBlockEnd, type Position } from './cursor.ts';
import { eventsByIds, type FeedFilter } from './feedQueries.ts';

/** Whether a granted pattern (`approval.*` or `approval.decided`) covers a requested one. */
export const covers = (granted: string, asked: string): boolean =>
  granted === asked || (granted.endsWith('.*') && asked.startsWith(granted.slice(0, -1)));

/** The filter a reader may run: an administrator's as asked; a client's within its grant (all of it when it names none). */
export function grantedFilter(ctx: Context, f: FeedFilter): FeedFilter {
  const c = ctx.state.client as ClientRecord | undefined;
  if (!c) return f;
  if (!c.events.length) throw new ChainError('NO_EVENTS_GRANTED', `client ${c.id} was granted no event types; its administrator grants them`, { status: 403 });
  if (!f.types?.length) return { ...f, types: c.events };
  const refused = f.types.filter((t) => !c.events.some((g) => covers(g, t)));
  if (refused.length) throw new ChainError('KINDS_NOT_GRANTED', `client ${c.id} may read ${c.events.join(', ')}, not ${refused.join(', ')}`, { status: 403 });
  return f;
}

/**
 * A cursor is the start, a height this node has reached, or an event of this department's own
 * feed: a cursor from another department's feed, or from the future, would silently skip or
 * wait for events, so it is refused.
 */
export async function checkCursor(node: ModulePort, p: Position): Promise<void> {
  if (p.eventIndex < 0) return;
  if (p.height > node.height) {
    throw new ChainError('CURSOR_AHEAD', `the cursor is at height ${p.height}; this node has reached ${node.height} (a cursor from another chain, or a restored node?)`, { status: 400 });
  }
  if (isBlockEnd(p)) return;
  if (!(await eventsByIds(node.db, [eventId(p)], 0)).size) {
    throw new ChainError('CURSOR_NOT_IN_FEED', `${eventId(p)} is not an event of ${node.dept}'s feed: pass back a cursor this feed gave (one from another department's feed does not fit)`, { status: 400 });
  }
}
