import { openDb } from '../../server/chain/store/openDb.ts';
import { ledgerSuite } from './contractSuite.ts';

ledgerSuite('SQLite', async () => ({
  db: async () => openDb({ client: 'sqlite', filename: ':memory:' }),
  stop: async () => undefined,
}));
