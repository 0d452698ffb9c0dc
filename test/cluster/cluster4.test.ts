import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import knex, { type Knex } from 'knex';
import { ed25519Suite } from '../../server/chain/suites/ed25519.ts';
import { signTx } from '../../server/chain/tx.ts';
import { startLocalCluster, type LocalCluster } from '../../deploy/localCluster.ts';

/**
 * Four departments as separate processes, each with its own MariaDB database, ordered through
 * the Kafka-protocol mock broker. Faults during the run: a broker down during submits, a
 * leader move, a department SIGKILLed and restarted. Afterwards every node holds identical
 * headers at every height, and verify names a department whose database was tampered with.
 */
describe('a 4-department cluster with faults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-cluster4-'));
  const depts = ['market', 'tax', 'hrss', 'housing'];
  let c: LocalCluster;
  const dbs: Record<string, Knex> = {};
  let counter = 0;

  before(async () => {
    c = await startLocalCluster({ dir, depts, basePort: 18400 + (process.pid % 500), blockWaitMs: 30 });
    for (const d of depts) dbs[d] = knex({ client: 'mysql2', connection: c.dbUrls[d], pool: { min: 0, max: 2 } });
  });
  after(async () => {
    for (const d of depts) await dbs[d]?.destroy();
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const base = (dept: string) => c.urls[dept].replace(/\/[a-z]+\/$/, '');
  function signed(dept: string) {
    const key = c.keys.nodeKeys[dept];
    counter++;
    return signTx(
      { chain: c.keys.genesis.chain, kind: 'user.register', payload: { id: `c${counter}`, name: `集群${counter}`, role: 'approver' }, signer: ed25519Suite.publicKeyOf(key), nonce: counter, time: Date.now() },
      key,
      ed25519Suite,
    );
  }
  async function submit(dept: string, wait = 'none') {
    const r = await fetch(`${base(dept)}/${dept}/api/tx?wait=${wait}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signed(dept)) });
    return { status: r.status, body: (await r.json()) as any };
  }
  const status = async (dept: string) => (await (await fetch(`${base(dept)}/${dept}/api/chain/status`)).json()) as { height: number; finalHeight: number };

  test('runs through faults and ends with identical headers everywhere', async () => {
    const acked: string[] = [];
    const collect = async (dept: string) => {
      const r = await submit(dept);
      if (r.status === 202) acked.push(r.body.id);
      return r.status;
    };
    for (let i = 0; i < 20; i++) assert.equal(await collect(depts[i % 4]), 202);

    // A broker down during submits: failures are reported, never falsely acknowledged.
    await c.kafka.brokerDown(1);
    const during = await Promise.all(Array.from({ length: 12 }, (_, i) => collect(depts[i % 4])));
    assert.ok(during.every((s) => s === 202 || s === 503), `only 202 or 503 while a broker is down: ${during}`);
    await c.kafka.brokerUp(1);
    await c.kafka.moveLeader(`${c.keys.genesis.chain}.log`, 0, 2);
    for (let i = 0; i < 20; i++) await collect(depts[i % 4]);

    // A department crashes and comes back; it catches up from its last applied offset.
    await c.kill('hrss');
    // what the benchmark accounts CPU to: the running nodes, the database server and the broker
    assert.deepEqual(c.processes().map((p) => p.name).sort(), ['broker', 'housing', 'mariadb', 'market', 'tax']);
    for (let i = 0; i < 20; i++) await collect(depts[i % 2]);
    await c.start('hrss');
    // Finality waits for the restarted department's peers to settle after the faults; on a
    // machine busy with other test files that can outlast one 15 s wait. A timed-out wait still
    // ordered its transaction, so it counts as acknowledged and must land like the rest.
    let last = await submit('market', 'final');
    for (let i = 0; i < 3 && last.status === 504 && last.body.code === 'TIMEOUT'; i++) {
      acked.push(last.body.data.id);
      last = await submit('market', 'final');
    }
    assert.equal(last.status, 200, JSON.stringify(last.body));
    acked.push(last.body.id);

    const target = last.body.receipt.height as number;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (await Promise.all(depts.map(status))).some((s) => s.height < target)) await new Promise((r) => setTimeout(r, 100));

    const heights = await Promise.all(depts.map(async (d) => Number((await dbs[d]('blocks').max({ h: 'height' }).first())!.h)));
    const common = Math.min(...heights);
    assert.ok(common >= target);
    for (let h = 0; h <= common; h++) {
      const hashes = await Promise.all(depts.map(async (d) => (await dbs[d]('blocks').where({ height: h }).first())?.hash));
      assert.equal(new Set(hashes).size, 1, `height ${h}: ${hashes.join(' ')}`);
    }
    // Every acknowledged transaction is on every node, exactly once.
    for (const d of depts) {
      const rows = await dbs[d]('txs').whereIn('id', acked).select('id');
      assert.equal(rows.length, new Set(acked).size, `${d} holds every acknowledged transaction once`);
    }
  });

  test('verify names the department and height of a tampered row', async () => {
    const genesis = join(dir, 'consortium', 'genesis.json');
    const clean = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/replay.ts', '--db', c.dbUrls.tax, '--genesis', genesis], { encoding: 'utf8' });
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);

    const row = await dbs.tax('state_history').where('k', 'like', 'user/market/c%').orderBy('id').offset(5).first();
    await dbs.tax('state').where({ k: row.k }).update({ v: JSON.stringify({ id: 'forged', role: 'admin' }) });
    await dbs.tax('state_history').where({ id: row.id }).update({ new_v: JSON.stringify({ id: 'forged', role: 'admin' }) });
    const tampered = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/replay.ts', '--db', c.dbUrls.tax, '--genesis', genesis], { encoding: 'utf8' });
    assert.equal(tampered.status, 1);
    assert.match(tampered.stdout + tampered.stderr, new RegExp(`height ${row.height}\\b`));
    for (const d of ['market', 'hrss']) {
      const ok = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/replay.ts', '--db', c.dbUrls[d], '--genesis', genesis], { encoding: 'utf8' });
      assert.equal(ok.status, 0, `${d} is untouched`);
    }
  });
});
