import type { Knex } from 'knex';

/**
 * Rows strictly after `key` in the order of `cols` (all ascending or all descending): for
 * (a, b) descending, `a <= ? and (a < ? or b < ?)`. The leading bound is a plain range both
 * SQLite and MySQL read from an index on the columns; a row value comparison is not, on MySQL.
 */
export function afterKey(q: Knex.QueryBuilder, cols: string[], key: readonly (string | number)[], dir: 'asc' | 'desc'): Knex.QueryBuilder {
  const [lt, le] = dir === 'desc' ? ['<', '<='] : ['>', '>='];
  const beyond = (w: Knex.QueryBuilder, i: number): void => {
    if (i === cols.length - 1) {
      w.where(cols[i], lt, key[i]);
      return;
    }
    w.where(cols[i], le, key[i]).where((o) => o.where(cols[i], lt, key[i]).orWhere((n) => beyond(n, i + 1)));
  };
  return q.where((w) => beyond(w, 0));
}
