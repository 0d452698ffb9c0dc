import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { createConsortium } from '../../server/chain/consortium.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { writeConsortium } from '../../server/consortiumFiles.ts';
import { PATHS, type Manifest } from '../../server/evidence/bundleFormat.ts';
import { verifyBundle } from '../../server/evidence/verifyBundle.ts';
import { unzipFiles } from '../../server/evidence/zip.ts';
import { createPlatform } from '../../server/platform.ts';

/**
 * The command lines on an SM2 chain in file-backed SQLite (as `npm start` keeps it): `npm run
 * evidence` makes the bundle from a department's database and key files, `npm run verify-evidence`
 * checks it, and the core's own SM2 (noble curves with its SM3) agrees.
 */
const exec = promisify(execFile);
const DEPTS = ['market', 'tax', 'finance', 'audit'];
const CODE = '91330100MA2B3C4D5F';

describe('evidence on the command line, SM2 chain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-evidence-cli-'));

  before(async () => {
    const keys = createConsortium({ chain: 'evidence-cli', depts: DEPTS, suite: 'sm2', time: Date.now() });
    writeConsortium(join(dir, 'consortium'), keys);
    const log = new LocalLog(join(dir, 'ordering.sqlite'));
    const specs = DEPTS.map((dept) => ({ dept, db: openDb({ client: 'sqlite', filename: join(dir, `${dept}.sqlite`) }), orderer: log }));
    const p = await createPlatform({ keys, specs, logger: pino({ level: 'silent' }), modules: () => [] });
    try {
      const audit = p.node('audit');
      await audit.submitAs('admin', 'user.register', { id: 'auditor1', name: '审计员', role: 'auditor' });
      for (let i = 0; i < 5; i++) await audit.submitAs('auditor1', 'audit.view', { subject: `trace:${CODE}`, purpose: `专项审计第${i + 1}次`, enterprises: [CODE] });
      await audit.submitAs('admin', 'user.register', { id: 'tick', name: 'tick', role: 'clerk' }, 'final');
      await audit.submitAs('admin', 'user.register', { id: 'tock', name: 'tock', role: 'clerk' }, 'receipt');
    } finally {
      await p.stop();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('npm run evidence writes a bundle that npm run verify-evidence and the core both pass', async () => {
    const out = join(dir, 'bundle.zip');
    const made = await exec('npx', ['tsx', 'server/cli/evidence.ts', '--data', dir, '--dept', 'audit', '--subject', CODE, '--out', out, '--no-pdf', '--purpose', '命令行取证'], { timeout: 120_000 });
    assert.match(made.stdout, /5 transactions about/);
    assert.match(made.stdout, /no PDF report/);
    const files = unzipFiles(readFileSync(out));
    const m = JSON.parse(Buffer.from(files.get(PATHS.manifest)!).toString()) as Manifest;
    assert.equal(m.suite, 'sm2');
    assert.equal(m.version, 2);
    assert.equal(m.issuer, 'audit');
    assert.match(Buffer.from(files.get(PATHS.report)!).toString(), /未生成PDF/);
    const r = await verifyBundle(files);
    assert.ok(r.ok, JSON.stringify(r.failure));
    const checked = await exec('npx', ['tsx', 'server/cli/verifyEvidence.ts', out], { timeout: 120_000 });
    assert.match(checked.stdout, /核验通过 \/ VERIFIED/);
  });

  test('bad use is told apart from a subject with nothing on the chain', async () => {
    const none = await exec('npx', ['tsx', 'server/cli/evidence.ts', '--data', dir, '--dept', 'audit', '--subject', 'PA-9999-0', '--out', join(dir, 'x.zip'), '--no-pdf'], { timeout: 120_000 }).catch((e) => e);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /NOT_FOUND/);
    const bad = await exec('npx', ['tsx', 'server/cli/evidence.ts', '--data', dir, '--dept', 'audit', '--subject', 'nonsense', '--out', join(dir, 'x.zip')], { timeout: 120_000 }).catch((e) => e);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /BAD_SUBJECT/);
  });
});
