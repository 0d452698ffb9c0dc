import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { Knex } from 'knex';
import { openDb } from '../../server/chain/store/openDb.ts';
import { startMariaDb, type MariaDb } from '../../deploy/mariadb.ts';

/**
 * For a test file that runs a suite against fresh MariaDB databases: a temporary folder, and
 * `fresh(name)` opening a new database on a server started on first use; all removed after the file.
 */
export function mariaDbFresh(prefix: string): { dir: string; fresh: (name: string) => Promise<Knex> } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dbs: Knex[] = [];
  let server: Promise<MariaDb> | undefined;
  after(async () => {
    for (const db of dbs) await db.destroy().catch(() => undefined);
    await (await server?.catch(() => undefined))?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    async fresh(name) {
      const db = openDb({ client: 'mysql', connection: await (await (server ??= startMariaDb())).createDatabase(name) });
      dbs.push(db);
      return db;
    },
  };
}
