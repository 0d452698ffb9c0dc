import { openDb } from '../../server/chain/store/openDb.ts';
import { startMariaDb } from '../../deploy/mariadb.ts';
import { logForgerySuite } from './logForgerySuite.ts';

logForgerySuite('MariaDB', async () => {
  const server = await startMariaDb();
  return {
    db: async (name) => openDb({ client: 'mysql', connection: await server.createDatabase(name) }),
    stop: () => server.stop(),
  };
});
