import { join, resolve } from 'node:path';
import type { Knex } from 'knex';
import { openDb } from '../chain/store/openDb.ts';

/** The node database a backup tool works on: --db (a SQLite file or a mysql:// URL), else <data>/<dept>.sqlite. */
export function cliDb(a: { db?: string; dept?: string; data?: string }): { db: Knex; target: string; mysql: boolean } {
  const target = a.db ?? join(resolve(a.data ?? 'data'), `${a.dept}.sqlite`);
  const mysql = /^mysql:\/\//.test(target);
  return { db: mysql ? openDb({ client: 'mysql', connection: target }) : openDb({ client: 'sqlite', filename: resolve(target) }), target, mysql };
}

export const lossLines = (lost: { table: string; missing: number; text: string }[]): string[] =>
  lost.map((l) => `  LOST (${l.table}, ${l.missing} rows): ${l.text}`);
