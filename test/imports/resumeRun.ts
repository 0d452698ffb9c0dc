import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { DbConfig } from '../../server/chain/store/openDb.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { writeConsortium } from '../../server/consortiumFiles.ts';
import type { ImportJob } from '../../shared/licenceImport.ts';
import { makeConsortium } from '../support/fixtures.ts';
import { TEST_PASSWORD } from '../support/platform.ts';
import { csvOf, licenceRow } from './support.ts';

const DEPTS = ['market', 'service', 'audit'];

function start(dir: string, specs: Record<string, DbConfig>): Promise<{ child: ChildProcess; url: string; codes: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/imports/support/importProcess.ts', dir, JSON.stringify(specs), '60'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const port = /READY (\d+)/.exec(out)?.[1];
      if (port) resolve({ child, url: `http://127.0.0.1:${port}`, codes: /CODES (\S+)/.exec(out)![1].split(',') });
    });
    child.on('exit', (code) => reject(new Error(`the node process exited (${code}) before it was ready`)));
  });
}

async function adminOf(url: string) {
  const res = await request(url).post('/market/api/auth/login').send({ user: 'admin', password: TEST_PASSWORD }).expect(200);
  const cookie = (res.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
  return {
    get: (path: string) => request(url).get(path).set('Cookie', cookie),
    upload: (file: Buffer) => request(url).post('/market/api/imports?source=legacy-approval&name=history.csv').set('Cookie', cookie).set('x-csrf-token', res.body.csrfToken).set('content-type', 'text/csv').send(file),
  };
}

const exited = (child: ChildProcess) => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));

/**
 * An import killed with SIGKILL halfway (its process, not just the job), the node restarted on
 * the same files, the same file imported again: the first job reads as interrupted, the second
 * skips what the first put on the chain and imports the rest, and every record is on the chain
 * exactly once.
 */
export async function killedImportResumes(dbFor: (dept: string, dir: string) => Promise<DbConfig>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-import-'));
  const children: ChildProcess[] = [];
  try {
    writeConsortium(join(dir, 'consortium'), makeConsortium(DEPTS));
    const specs: Record<string, DbConfig> = {};
    for (const d of DEPTS) specs[d] = await dbFor(d, dir);
    const first = await start(dir, specs);
    children.push(first.child);
    const n = 1000;
    const file = csvOf(Array.from({ length: n }, (_, i) => licenceRow(first.codes[i % first.codes.length], i)));
    let admin = await adminOf(first.url);
    const job = (await admin.upload(file).expect(202)).body as ImportJob;
    for (;;) {
      const j = (await admin.get(`/market/api/imports/${job.id}`).expect(200)).body.job as ImportJob;
      if (j.imported > 0) {
        assert.ok(j.imported < n, 'killed before the end');
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill('SIGKILL');
    await exited(first.child);

    const second = await start(dir, specs);
    children.push(second.child);
    admin = await adminOf(second.url);
    const killed = (await admin.get(`/market/api/imports/${job.id}`).expect(200)).body.job as ImportJob;
    assert.equal(killed.status, 'interrupted');
    assert.ok(killed.imported > 0 && killed.imported < n);
    const again = (await admin.upload(file).expect(202)).body as ImportJob;
    let done: ImportJob;
    for (;;) {
      done = (await admin.get(`/market/api/imports/${again.id}`).expect(200)).body.job as ImportJob;
      if (done.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(done.status, 'done');
    assert.equal(done.failed, 0);
    assert.equal(done.imported + done.skipped, n);
    assert.ok(done.skipped >= killed.imported, `skipped ${done.skipped}, the killed run had ${killed.imported} on the chain`);
    assert.ok(done.imported > 0);
    second.child.kill('SIGTERM');
    await exited(second.child);

    const db = openDb(specs.market);
    try {
      const keys = await db('state').where('k', 'like', 'licsrc/market/legacy-approval/%').count({ c: '*' });
      const lics = await db('ap_licences').where('json', 'like', '%"imported"%').count({ c: '*' });
      assert.equal(Number(keys[0].c), n);
      assert.equal(Number(lics[0].c), n, 'every record once');
    } finally {
      await db.destroy();
    }
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
