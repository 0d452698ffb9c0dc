import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Knex } from 'knex';
import { openDb } from '../../server/chain/store/openDb.ts';
import { snapshotSync } from './snapshotSuite.ts';

const dir = mkdtempSync(join(tmpdir(), 'tb-snapshot-sqlite-'));
const dbs: Knex[] = [];
after(async () => {
  for (const db of dbs) await db.destroy().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

test('SQLite: a node starts from a verified snapshot and follows the log to the same head; tampered snapshots write nothing', { timeout: 240_000 }, async () => {
  await snapshotSync(
    {
      async fresh(name) {
        const db = openDb({ client: 'sqlite', filename: join(dir, `${name}.sqlite`) });
        dbs.push(db);
        return db;
      },
    },
    dir,
  );
});
