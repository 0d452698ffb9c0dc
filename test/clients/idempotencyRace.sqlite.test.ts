import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../server/chain/store/openDb.ts';
import { raceSuite } from './raceSuite.ts';

raceSuite('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tongban-clients-'));
  return {
    db: async (dept) => openDb({ client: 'sqlite', filename: join(dir, `${dept}.db`) }),
    stop: () => rm(dir, { recursive: true, force: true }),
  };
});
