import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ExpertKeyError, openExpertKey, parseExpertBackup } from '../../web/src/crypto/expertKey.ts';
import { openKey, parseBackup } from '../../web/src/crypto/keyVault.ts';
import zhCN from '../../web/src/i18n/zh-CN.ts';
import en from '../../web/src/i18n/en.ts';

/**
 * `npm start` on a machine without circuit keys: the platform (server/main.ts, a child process with
 * its own data folder and an empty circuits build folder) answers and prints its banner while the
 * keys are made in the background; the keys are not waited for (minutes). Without the approval
 * demo's 300 enterprises it is short; the payout demo and the key files are those of a real start.
 */
const PASSWORD = 'First-start-demo-1';
const DAY = 86_400_000;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

interface Started {
  child: ChildProcess;
  out: () => string;
}

function start(dir: string, port: number): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--data', join(dir, 'data'), '--port', String(port)], {
    env: { ...process.env, TONGBAN_CIRCUITS_BUILD: join(dir, 'build'), TONGBAN_DEMO_PASSWORD: PASSWORD, TONGBAN_DEMO_ENTERPRISES: '0', TONGBAN_PROVER_WARM: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in 180 s:\n${out.slice(-3000)}`)), 180_000);
    const check = () => {
      // the banner's last lines: the keys' state and a blank line
      if (/Tongban 通办 is ready[\s\S]*Privacy-query keys:.*\n\n/.test(out)) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve({ child, out: () => out });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server/main.ts exited with ${code} before its banner:\n${out.slice(-3000)}`));
    });
  });
}

function stop(s: Started | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
  });
}

async function signIn(base: string, dept: string, user: string): Promise<(path: string) => Promise<{ status: number; body: any }>> {
  const res = await fetch(`${base}/${dept}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password: PASSWORD }) });
  assert.equal(res.status, 200, `${dept}/${user} signs in`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return async (path) => {
    const r = await fetch(`${base}${path}`, { headers: { cookie } });
    return { status: r.status, body: await r.json() };
  };
}

describe('first start without circuit keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-first-start-'));
  let port = 0;
  let base = '';
  let first: Started | undefined;
  let t0 = 0;
  let readyMs = 0;

  before(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t0 = Date.now();
    first = await start(dir, port);
    readyMs = Date.now() - t0;
  });
  after(async () => {
    await stop(first);
    rmSync(dir, { recursive: true, force: true });
  });

  test('the banner names the address, the password and a user for each persona, in plain lines', () => {
    const out = first!.out();
    const at = out.indexOf('Tongban 通办 is ready');
    // the banner is the block up to its closing blank line; the key build may log after it
    const banner = out.slice(at, out.indexOf('\n\n', at) + 1);
    // the logger's own lines are let out before the banner, not mixed into it
    assert.ok(out.indexOf('embedded platform on') < at, `the start record comes before the banner:\n${out.slice(0, at + 200)}`);
    assert.match(banner, /first start/);
    assert.ok(banner.includes(`http://127.0.0.1:${port}/`));
    assert.ok(banner.includes(`Demo password for every demo user: ${PASSWORD}`));
    for (const who of ['service/clerk1', 'market/approver1', 'market/inspector1', 'enforcement/enforcer1', 'tax/holder1', 'econ/policy1', 'econ/expert1', 'finance/finance1', 'audit/auditor1', 'admin in every department']) {
      assert.ok(banner.includes(who), `the banner names ${who}`);
    }
    assert.match(banner, /tongban-key-91330108MA2DEMP01\w\.json/);
    assert.match(banner, /tongban-expert-key-econ-<user>\.json/);
    assert.match(banner, /Privacy-query keys: being made in the background \(\d\/6\)/);
    for (const line of banner.trim().split('\n')) assert.ok(!line.trimStart().startsWith('{'), `not a log record: ${line}`);
    assert.doesNotMatch(out, /Closing file descriptor|DeprecationWarning/);
    // keys are handed over as files to import, never printed
    assert.doesNotMatch(out, /\b[0-9a-f]{64}\b/, 'no raw key in the terminal');
    // a bound against a start that waits for the keys again (minutes), not a speed goal
    assert.ok(readyMs < 150_000, `banner after ${readyMs} ms`);
  });

  test('sign-in works and privacy pages learn how far the keys are before any exist', async () => {
    const policy = await signIn(base, 'econ', 'policy1');
    const keys = await policy('/econ/api/privacy/keys');
    assert.equal(keys.status, 409);
    assert.equal(keys.body.code, 'PQ_NO_KEYS');
    const p = keys.body.data.progress;
    assert.equal(p.total, 6);
    assert.ok(Number.isInteger(p.done) && p.done >= 0 && p.done < 6, JSON.stringify(p));
    const status = await policy('/econ/api/privacy/keys/status');
    assert.equal(status.status, 200);
    assert.equal(status.body.adopted, false);
    assert.equal(status.body.building.total, 6);
    // what the portal's banner says with it
    const say = (m: string) => m.replace('{done}', String(status.body.building.done)).replace('{total}', '6');
    assert.equal(say(zhCN.keysBanner.building), `隐私查询密钥生成中 ${status.body.building.done}/6…`);
    assert.equal(say(en.keysBanner.building), `Privacy-query keys are being generated (${status.body.building.done}/6)…`);
    // not for anyone signed out
    const anon = await fetch(`${base}/econ/api/privacy/keys/status`);
    assert.equal(anon.status, 401);
  });

  test('the demo history lies in the past: an award is payable today, and applications carry attachments', async () => {
    const finance = await signIn(base, 'finance', 'finance1');
    const awards = (await finance('/finance/api/payout/awards?status=payable')).body.items as { status: string; history: { event: string; time: number }[] }[];
    const payable = awards.filter((a) => a.status === 'payable');
    assert.ok(payable.length >= 1, 'an award is payable on the first day');
    const publicised = payable[0].history.find((h) => h.event === 'publicised')!.time;
    assert.ok(publicised < Date.now() - 7 * DAY, 'publicised more than the 7-day 公示 ago, by block time');
    const policy = await signIn(base, 'econ', 'policy1');
    const apps = (await policy('/econ/api/payout/applications')).body.items as { attachments?: unknown[] }[];
    assert.ok(apps.some((a) => (a.attachments?.length ?? 0) > 0), 'an application with attachments');
  });

  test('the key files the demo writes import as the portal imports them, and a wrong file is refused clearly', async () => {
    const keysDir = join(dir, 'data', 'demo-keys');
    const files = readdirSync(keysDir);
    const expertFile = readFileSync(join(keysDir, 'tongban-expert-key-econ-expert1.json'), 'utf8');
    const entFile = readFileSync(join(keysDir, files.find((f) => f.startsWith('tongban-key-'))!), 'utf8');
    const backup = parseExpertBackup(expertFile);
    const secret = await openExpertKey(backup, PASSWORD);
    assert.match(secret, /^[0-9a-f]{64}$/);
    const expert = await signIn(base, 'econ', 'expert1');
    const reg = (await expert('/econ/api/payout/experts')).body.items[0];
    assert.equal(reg.encKey, backup.publicKey, 'the key in the file is the one registered for expert1');
    await assert.rejects(openExpertKey(backup, 'not-the-password'), (e: ExpertKeyError) => e.code === 'WRONG_PASSPHRASE');
    assert.throws(() => parseExpertBackup(entFile), (e: ExpertKeyError) => e.code === 'BAD_BACKUP' && /expert key backup/.test(e.message));
    const ent = parseBackup(entFile);
    assert.match(await openKey(ent, PASSWORD), /^[0-9a-f]{64}$/);
  });

  test('a second start says nothing of a first start and keeps the demo', async () => {
    await stop(first);
    const again = await start(dir, port);
    first = again;
    const banner = again.out().slice(again.out().indexOf('Tongban 通办 is ready'));
    assert.doesNotMatch(banner, /first (start|run)/);
    const finance = await signIn(base, 'finance', 'finance1');
    assert.ok((await finance('/finance/api/payout/awards?status=payable')).body.items.length >= 1);
  });
});
