import { after, before, test } from 'node:test';
import { startMariaDb, type MariaDb } from '../../deploy/mariadb.ts';
import { killedImportResumes } from './resumeRun.ts';

let server: MariaDb;
before(async () => {
  server = await startMariaDb();
});
after(() => server?.stop());

test('MariaDB: an import killed halfway continues where it stopped when the same file is imported again', { timeout: 300_000 }, async () => {
  await killedImportResumes(async (dept) => ({ client: 'mysql', connection: await server.createDatabase(`import_${dept}_${Date.now()}`) }));
});
