/**
 * One line of a person's home page (首页): how many things of one kind wait for them, and the
 * portal page that lists them. `key` names the message (`home.item.<key>` in the portal);
 * `page` is a portal route name and `query` its filter, so the count and the list agree.
 */
export interface WorkItem {
  key: string;
  /** todo 待办 · mine 我的办件 · deadline 期限 · notice 通知 */
  kind: 'todo' | 'mine' | 'deadline' | 'notice';
  count: number;
  page?: string;
  query?: Record<string, string>;
}

const DAY_MS = 86_400_000;
/** "Due soon" on a home page: within three days of the chain's head time. */
export const SOON_MS = 3 * DAY_MS;
/** A licence "expiring" on a home page: within thirty days. */
export const EXPIRING_MS = 30 * DAY_MS;

/** A knex count row (`count(*) as n`) as a number: drivers answer numbers, strings or bigints. */
export const countOf = (row: { n?: unknown } | undefined): number => Number(row?.n ?? 0);
