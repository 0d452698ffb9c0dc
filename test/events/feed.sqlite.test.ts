import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../server/chain/store/openDb.ts';
import { feedSuite } from './feedSuite.ts';

feedSuite('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tongban-events-'));
  return {
    db: async (dept) => openDb({ client: 'sqlite', filename: join(dir, `${dept}.db`) }),
    logFile: join(dir, 'log.db'),
    stop: () => rm(dir, { recursive: true, force: true }),
  };
});
