import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import pino from 'pino';
import request from 'supertest';
import { approvalModule } from '../server/approval/index.ts';
import { createConsortium } from '../server/chain/consortium.ts';
import { LocalLog } from '../server/chain/orderer/localLog.ts';
import { openDb } from '../server/chain/store/openDb.ts';
import { seedDemo } from '../server/demo/seed.ts';
import { importsModule } from '../server/imports/index.ts';
import { createPlatform } from '../server/platform.ts';
import { testCode as codeOf } from '../test/approval/support.ts';
import { csvFile, csvLine } from '../shared/csv.ts';
import { LICENCE_IMPORT_COLUMNS, type ImportJob } from '../shared/licenceImport.ts';
import type { Figure } from './run.ts';

export const method =
  'a 4-department chain (market, service, tax, audit) in file-backed SQLite with the approval and import modules; 1,000 registered enterprises; ' +
  'one CSV of 10,000 licence rows (10 per enterprise; the same with --quick) posted to POST /market/api/imports as the market administrator over supertest, ' +
  'from the upload to the job reading done (every row signed, ordered, executed on all 4 nodes and receipted), with the process\'s CPU time over the same span; then the same file again (every row skipped); one run each';

const DEPTS = ['market', 'service', 'tax', 'audit'];
const PASSWORD = 'bench-password-1';

export async function runImportBench(): Promise<Figure[]> {
  const rows = 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'tb-import-bench-'));
  const keys = createConsortium({ chain: 'bench-import', depts: DEPTS, time: Date.now() });
  const log = new LocalLog(join(dir, 'log.sqlite'));
  const specs = DEPTS.map((dept) => ({ dept, db: openDb({ client: 'sqlite', filename: join(dir, `${dept}.sqlite`) }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger: pino({ level: 'silent' }), modules: () => [approvalModule(), importsModule()] });
  try {
    await seedDemo(p, { password: PASSWORD });
    const window = p.node('service');
    const codes = Array.from({ length: rows / 10 }, (_, i) => codeOf(20_000 + i));
    for (let i = 0; i < codes.length; i += 200) {
      await Promise.all(
        codes.slice(i, i + 200).map((code) =>
          window.submitAs('clerk1', 'enterprise.register', { code, name: `基准企业${code.slice(-6)}`, publicKey: Buffer.from(ed25519.getPublicKey(ed25519.utils.randomSecretKey())).toString('hex'), verification: { method: 'window' } }),
        ),
      );
    }
    const lines = [csvLine(LICENCE_IMPORT_COLUMNS.map((c) => c.zh))];
    for (let i = 0; i < rows; i++) lines.push(csvLine([codes[i % codes.length], `BENCH-${i}`, 'foodBusiness', '食品经营许可证', '2019-03-15', '2029-03-14']));
    const file = Buffer.from(csvFile(lines));

    const http = request(p.app.callback());
    const login = await http.post('/market/api/auth/login').send({ user: 'admin', password: PASSWORD }).expect(200);
    const cookie = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    const run = async (): Promise<{ seconds: number; cpuMs: number; job: ImportJob }> => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const started = await http.post('/market/api/imports?source=bench&name=bench.csv').set('Cookie', cookie).set('x-csrf-token', login.body.csrfToken).set('content-type', 'text/csv').send(file).expect(202);
      for (;;) {
        const { job } = (await http.get(`/market/api/imports/${started.body.id}`).set('Cookie', cookie).expect(200)).body as { job: ImportJob };
        if (job.status !== 'running') {
          const c = process.cpuUsage(c0);
          return { seconds: (performance.now() - t0) / 1000, cpuMs: (c.user + c.system) / 1000, job };
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const first = await run();
    if (first.job.imported !== rows) throw new Error(`imported ${first.job.imported} of ${rows}: ${JSON.stringify(first.job)}`);
    const again = await run();
    if (again.job.skipped !== rows) throw new Error(`the second import skipped ${again.job.skipped} of ${rows}`);
    return [
      { metric: 'import.licences_per_s', value: rows / first.seconds, unit: 'rows/s' },
      { metric: 'import.seconds', value: Math.round(first.seconds * 10) / 10, unit: `s for ${rows} rows` },
      // CPU of the whole process (4 nodes, the importer, HTTP) per row: what the figure above costs when the machine is shared
      { metric: 'import.cpu_per_row', value: Math.round((first.cpuMs / rows) * 100) / 100, unit: 'ms CPU/row' },
      { metric: 'import.again_per_s', value: rows / again.seconds, unit: 'rows/s (all skipped)' },
    ];
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
