import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Knex } from 'knex';
import { ChainError } from '../chain/errors.ts';
import { parseGenesis } from '../chain/genesis.ts';
import type { Genesis } from '../chain/schema.ts';
import { openDb } from '../chain/store/openDb.ts';

/** The options of a command that works on one node's database with the consortium's genesis. */
export const NODE_DB_OPTIONS = {
  data: { type: 'string', default: process.env.TONGBAN_DATA ?? 'data' },
  dept: { type: 'string' },
  db: { type: 'string' },
  genesis: { type: 'string' },
} as const;

/** --genesis, else <data>/consortium/genesis.json; a missing file ends the command (exit 2). */
export function cliGenesis(a: { data?: string; genesis?: string }): Genesis {
  const path = resolve(a.genesis ?? join(resolve(a.data ?? 'data'), 'consortium', 'genesis.json'));
  if (!existsSync(path)) {
    console.error(`no genesis at ${path}`);
    process.exit(2);
  }
  return parseGenesis(JSON.parse(readFileSync(path, 'utf8')));
}

/** The node database a backup tool works on: --db (a SQLite file or a mysql:// URL), else <data>/<dept>.sqlite. */
export function cliDb(a: { db?: string; dept?: string; data?: string }): { db: Knex; target: string; mysql: boolean } {
  const target = a.db ?? join(resolve(a.data ?? 'data'), `${a.dept}.sqlite`);
  const mysql = /^mysql:\/\//.test(target);
  return { db: mysql ? openDb({ client: 'mysql', connection: target }) : openDb({ client: 'sqlite', filename: resolve(target) }), target, mysql };
}

export const lossLines = (lost: { table: string; missing: number; text: string }[]): string[] =>
  lost.map((l) => `  LOST (${l.table}, ${l.missing} rows): ${l.text}`);

/** A command's work: a refusal (ChainError) is printed with its code and exits 1; the database is closed either way. */
export async function refusable(db: Knex, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (!(err instanceof ChainError)) throw err;
    console.error(`refused (${err.code}): ${err.message}`);
    process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}
