import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ed25519Suite } from '../../server/chain/suites/ed25519.ts';
import { sm2Suite } from '../../server/chain/suites/sm2.ts';
import { keygen, publicKeyOf, signText } from '../../sdk/index.ts';
import { startClientWorld, type ClientWorld } from './support.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

test('the SDK signs as the node verifies, in both suites, without the server', () => {
  for (const [name, suite] of [['ed25519', ed25519Suite], ['sm2', sm2Suite]] as const) {
    const k = keygen(name);
    assert.equal(publicKeyOf(name, k.privateKey), k.publicKey);
    assert.equal(suite.publicKeyOf(k.privateKey), k.publicKey, `${name}: the same public key`);
    const sig = signText(name, k.privateKey, 'tongban/tx/v1:abc');
    assert.ok(suite.verify(k.publicKey, Buffer.from('tongban/tx/v1:abc'), sig), `${name}: the node verifies it`);
    assert.ok(!suite.verify(k.publicKey, Buffer.from('tongban/tx/v1:abd'), sig), `${name}: not another text`);
  }
});

describe('npm run tongban', () => {
  let w: ClientWorld;
  let dir: string;
  before(async () => {
    w = await startClientWorld();
    dir = await mkdtemp(join(tmpdir(), 'tongban-cli-'));
  });
  after(async () => {
    await w.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, ['--import', 'tsx', join(ROOT, 'sdk/cli.ts'), ...args], { cwd: ROOT, env: { ...process.env, TONGBAN_URL: w.url, TONGBAN_DEPT: 'market', ...env } });

  test('keygen writes a key file; submit, events with a checkpoint file, and verify work on top of the SDK', async () => {
    const keyFile = join(dir, 'cli.key');
    const made = JSON.parse((await cli(['keygen', '--out', keyFile])).stdout) as { publicKey: string };
    await w.admin.post('/market/api/admin/clients', { id: 'cli', name: '命令行', publicKey: made.publicKey, role: 'approver', kinds: ['note.make'], events: ['note.made'] }).expect(201);
    const env = { TONGBAN_CLIENT: 'cli', TONGBAN_KEY: keyFile };
    const sent = JSON.parse((await cli(['submit', 'note.make', '{"text":"命令行"}', '--ref', 'CLI-1', '--final'], env)).stdout);
    assert.equal(sent.receipt.status, 'ok');
    assert.equal(sent.final, true);
    const checkpoint = join(dir, 'cursor');
    const lines = (await cli(['events', '--checkpoint', checkpoint], env)).stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((e) => e.txId), [sent.id]);
    assert.equal((await readFile(checkpoint, 'utf8')).trim(), lines[0].id);
    assert.equal((await cli(['events', '--checkpoint', checkpoint], env)).stdout.trim(), '', 'resumed after the checkpoint');
    const verified = JSON.parse((await cli(['verify', sent.id], env)).stdout);
    assert.equal(verified.ok, true);
    const refused = await cli(['submit', 'note.make', '{"text":"别的"}', '--ref', 'CLI-1'], env).then(() => undefined, (e: { code: number; stderr: string }) => e);
    assert.equal(refused?.code, 1);
    assert.match(refused!.stderr, /^IDEMPOTENCY_CONFLICT: /);
    const usage = await cli(['submit', 'note.make', 'not json', '--ref', 'X'], env).then(() => undefined, (e: { code: number; stderr: string }) => e);
    assert.equal(usage?.code, 2);
    assert.match(usage!.stderr, /not valid JSON/);
  });
});
