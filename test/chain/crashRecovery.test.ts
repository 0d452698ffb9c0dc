import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { canonicalJson } from '../../server/chain/canonical.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { ed25519Suite } from '../../server/chain/suites/ed25519.ts';
import { signTx } from '../../server/chain/tx.ts';
import { writeConsortium } from '../../server/consortiumFiles.ts';
import { createTestNode, makeConsortium } from '../support/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'tb-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A node process killed with SIGKILL while it applies blocks restarts from its last
 * committed block: same block and state hashes as a node that never stopped, every
 * transaction receipted exactly once.
 */
test('SIGKILL in the middle of a block, then restart', async () => {
  const keys = makeConsortium(['market', 'tax', 'hrss', 'housing'], { maxBlockTxs: 500 });
  writeConsortium(join(dir, 'consortium'), keys);
  const logFile = join(dir, 'log.sqlite');
  const log = new LocalLog(logFile);
  const signer = ed25519Suite.publicKeyOf(keys.nodeKeys.market);
  const n = 12_000;
  const now = Date.now();
  const records = Array.from({ length: n }, (_, i) =>
    Buffer.from(canonicalJson({ t: 'tx', tx: signTx({ chain: keys.genesis.chain, kind: 'user.register', payload: { id: `u${i}`, name: `用户${i}`, role: 'approver' }, signer, nonce: i + 1, time: now }, keys.nodeKeys.market, ed25519Suite) })),
  );
  for (let i = 0; i < n; i += 2000) await log.append(records.slice(i, i + 2000));
  const blocks = n / 500;

  const reference = await createTestNode({ keys, dept: 'tax', orderer: log });
  const dbFile = join(dir, 'hrss.sqlite');
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/nodeProcess.ts', join(dir, 'consortium'), 'hrss', logFile, dbFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  let killedAfter = -1;
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      const heights = [...d.toString().matchAll(/H (\d+)/g)].map((m) => Number(m[1]));
      if (heights.length && killedAfter < 0 && Math.max(...heights) >= 5) {
        killedAfter = Math.max(...heights);
        child.kill('SIGKILL'); // it is already working on the next block
      }
    });
    child.on('exit', () => (killedAfter >= 0 ? resolve() : reject(new Error('child exited before it was killed'))));
  });
  assert.ok(killedAfter < blocks, 'killed before the end');

  const restarted = await createTestNode({ keys, dept: 'hrss', orderer: log, db: openDb({ client: 'sqlite', filename: dbFile }) });
  const deadline = Date.now() + 60_000;
  while ((restarted.height < blocks || reference.height < blocks) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(restarted.height, blocks);
  assert.equal(reference.height, blocks);

  for (let h = 1; h <= blocks; h++) {
    const [a, b] = [await reference.store.blockByHeight(h), await restarted.store.blockByHeight(h)];
    assert.equal(b!.hash, a!.hash, `block ${h}`);
  }
  const count = await restarted.db('txs').count({ n: '*' }).first();
  assert.equal(Number((count as any).n), n, 'every transaction exactly once');
  const hist = await restarted.db('state_history').count({ n: '*' }).first();
  const refHist = await reference.db('state_history').count({ n: '*' }).first();
  assert.deepEqual(hist, refHist, 'state history has no duplicates');

  await reference.stop();
  await restarted.stop();
  await reference.db.destroy();
  await restarted.db.destroy();
  await log.close();
});
