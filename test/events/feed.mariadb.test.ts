import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../server/chain/store/openDb.ts';
import { startMariaDb } from '../../deploy/mariadb.ts';
import { feedSuite } from './feedSuite.ts';

feedSuite('MariaDB', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tongban-events-'));
  const server = await startMariaDb();
  const urls = new Map<string, string>();
  return {
    async db(dept) {
      if (!urls.has(dept)) urls.set(dept, await server.createDatabase(dept));
      return openDb({ client: 'mysql', connection: urls.get(dept)! });
    },
    logFile: join(dir, 'log.db'),
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
