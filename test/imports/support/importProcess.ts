// A platform of a few departments with the approval and import modules, in its own process, for
// the import's kill-and-resume tests: `tsx test/imports/support/importProcess.ts <dir> <db specs
// JSON> <enterprises>`. Seeds staff and registers the enterprises on its first start; prints
// `CODES <code,...>` and `READY <port>`.
import { ed25519 } from '@noble/curves/ed25519.js';
import pino from 'pino';
import { join } from 'node:path';
import { approvalModule } from '../../../server/approval/index.ts';
import { ak } from '../../../server/approval/stateKeys.ts';
import { LocalLog } from '../../../server/chain/orderer/localLog.ts';
import { openDb, type DbConfig } from '../../../server/chain/store/openDb.ts';
import { readConsortium } from '../../../server/consortiumFiles.ts';
import { seedDemo } from '../../../server/demo/seed.ts';
import { importsModule } from '../../../server/imports/index.ts';
import { createPlatform } from '../../../server/platform.ts';
import { testCode } from '../../approval/support.ts';
import { TEST_PASSWORD } from '../../support/platform.ts';

const [dir, specsJson, count] = process.argv.slice(2);
const keys = readConsortium(join(dir, 'consortium'));
const specs = JSON.parse(specsJson) as Record<string, DbConfig>;
const log = new LocalLog(join(dir, 'log.sqlite'));
const p = await createPlatform({
  keys,
  specs: keys.genesis.members.map((m) => ({ dept: m.dept, db: openDb(specs[m.dept]), orderer: log })),
  logger: pino({ level: 'silent' }),
  modules: () => [approvalModule(), importsModule()],
});
await seedDemo(p, { password: TEST_PASSWORD });
const window = p.node('service');
const codes = Array.from({ length: Number(count) }, (_, i) => testCode(7000 + i));
await Promise.all(
  codes.map(async (code) => {
    if (await window.view().get(ak.enterprise(code))) return;
    const publicKey = Buffer.from(ed25519.getPublicKey(ed25519.utils.randomSecretKey())).toString('hex');
    await window.submitAs('clerk1', 'enterprise.register', { code, name: `历史企业${code.slice(-4)}`, publicKey, verification: { method: 'window' } });
  }),
);
const server = await p.listen(0);
process.stdout.write(`CODES ${codes.join(',')}\nREADY ${(server.address() as { port: number }).port}\n`);
