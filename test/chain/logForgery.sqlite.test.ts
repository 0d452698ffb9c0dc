import { openDb } from '../../server/chain/store/openDb.ts';
import { logForgerySuite } from './logForgerySuite.ts';

logForgerySuite('SQLite', async () => ({
  db: async () => openDb({ client: 'sqlite', filename: ':memory:' }),
  stop: async () => undefined,
}));
