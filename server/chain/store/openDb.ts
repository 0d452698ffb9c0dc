import knex, { type Knex } from 'knex';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type DbConfig = { client: 'sqlite'; filename: string } | { client: 'mysql'; connection: Knex.MySql2ConnectionConfig | string };

/** Opens a node's database: SQLite (embedded default) or MySQL/MariaDB (cluster). */
export function openDb(cfg: DbConfig): Knex {
  if (cfg.client === 'sqlite') {
    if (cfg.filename !== ':memory:') mkdirSync(dirname(cfg.filename), { recursive: true });
    return knex({
      client: 'better-sqlite3',
      connection: { filename: cfg.filename },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: any, done: (err: Error | null, conn: any) => void) => {
          // WAL lets readers run beside the block writer; NORMAL is still crash-safe in WAL mode.
          conn.pragma('journal_mode = WAL');
          conn.pragma('synchronous = NORMAL');
          conn.pragma('busy_timeout = 5000');
          done(null, conn);
        },
      },
    });
  }
  return knex({ client: 'mysql2', connection: cfg.connection, pool: { min: 1, max: 8 } });
}
