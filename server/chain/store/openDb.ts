import knex, { type Knex } from 'knex';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkpointInBackground } from './walCheckpointer.ts';

export type DbConfig = { client: 'sqlite'; filename: string } | { client: 'mysql'; connection: Knex.MySql2ConnectionConfig | string };

/** Log size (pages) at which the committing connection checkpoints by itself, if the worker falls behind. */
const BACKSTOP_PAGES = 8000;

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
          if (cfg.filename !== ':memory:') {
            // A block's rows land on random pages of the id and key indexes; with SQLite's
            // default 2 MB most of those pages are evicted (and written) mid-block and read again.
            conn.pragma('cache_size = -32768');
            conn.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
            const release = checkpointInBackground(cfg.filename);
            const close = conn.close.bind(conn);
            conn.close = () => {
              release();
              return close();
            };
          }
          done(null, conn);
        },
      },
    });
  }
  return knex({ client: 'mysql2', connection: cfg.connection, pool: { min: 1, max: 8 } });
}
