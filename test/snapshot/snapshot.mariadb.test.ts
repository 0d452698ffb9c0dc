import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Knex } from 'knex';
import { openDb } from '../../server/chain/store/openDb.ts';
import { startMariaDb, type MariaDb } from '../support/mariadb.ts';
import { snapshotSync } from './snapshotSuite.ts';

const dir = mkdtempSync(join(tmpdir(), 'tb-snapshot-maria-'));
const dbs: Knex[] = [];
let server: MariaDb | undefined;
after(async () => {
  for (const db of dbs) await db.destroy().catch(() => undefined);
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('MariaDB: a node starts from a verified snapshot and follows the log to the same head; tampered snapshots write nothing', { timeout: 300_000 }, async () => {
  server = await startMariaDb();
  await snapshotSync(
    {
      async fresh(name) {
        const db = openDb({ client: 'mysql', connection: await server!.createDatabase(name) });
        dbs.push(db);
        return db;
      },
    },
    dir,
  );
});
