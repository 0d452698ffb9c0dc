import { openDb } from '../../server/chain/store/openDb.ts';
import { startMariaDb } from '../../deploy/mariadb.ts';
import { ledgerStoreSuite } from './ledgerStoreSuite.ts';

ledgerStoreSuite(
  'MariaDB',
  async () => {
    const server = await startMariaDb();
    return { db: openDb({ client: 'mysql', connection: await server.createDatabase('ledger') }), stop: () => server.stop() };
  },
  'MysqlLedgerStore',
);
