import { openDb } from '../../server/chain/store/openDb.ts';
import { startMariaDb } from '../../deploy/mariadb.ts';
import { ledgerSuite } from './contractSuite.ts';

ledgerSuite('MariaDB', async () => {
  const server = await startMariaDb();
  return {
    db: async (dept) => openDb({ client: 'mysql', connection: await server.createDatabase(dept) }),
    stop: () => server.stop(),
  };
});
