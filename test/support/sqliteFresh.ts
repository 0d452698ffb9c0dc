import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { Knex } from 'knex';
import { openDb } from '../../server/chain/store/openDb.ts';

/**
 * For a test file that runs a suite against fresh SQLite files (the SQLite side of
 * mariaDbFresh): a temporary folder, and `fresh(name)` opening a new database file in it; all
 * closed and removed after the file.
 */
export function sqliteFresh(prefix: string): { dir: string; fresh: (name: string) => Promise<Knex> } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dbs: Knex[] = [];
  after(async () => {
    for (const db of dbs) await db.destroy().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    async fresh(name) {
      const db = openDb({ client: 'sqlite', filename: join(dir, `${name}.sqlite`) });
      dbs.push(db);
      return db;
    },
  };
}
