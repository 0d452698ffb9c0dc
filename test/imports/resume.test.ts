import { join } from 'node:path';
import { test } from 'node:test';
import { killedImportResumes } from './resumeRun.ts';

test('SQLite: an import killed halfway continues where it stopped when the same file is imported again', { timeout: 240_000 }, async () => {
  await killedImportResumes(async (dept, dir) => ({ client: 'sqlite', filename: join(dir, `${dept}.sqlite`) }));
});
