import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Knex } from 'knex';
import { creditCodeCheckChar } from '../../shared/creditCode.ts';
import { backupNode } from '../../server/backup/backupNode.ts';
import { readBackup } from '../../server/backup/backupFile.ts';
import { privateLoss } from '../../server/backup/privateLoss.ts';
import { rebuildNode } from '../../server/backup/rebuildNode.ts';
import { restoreNode } from '../../server/backup/restoreNode.ts';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import type { ChainNode } from '../../server/chain/node.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { replayChain } from '../../server/chain/replay.ts';
import { openLedgerStore } from '../../server/chain/store/chainStore.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { createModules } from '../../server/modules.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { commitFigures } from '../../server/privacy-query/holder/figures.ts';
import { createTestNode, makeConsortium, silentLogger, waitForHeight } from '../support/fixtures.ts';

/** A database for the node under test: a fresh one each call, and how to throw it away. */
export interface DbKit {
  fresh(name: string): Promise<Knex>;
}

const codeOf = (i: number) => {
  const first = `91330100MA2${String(i).padStart(6, '0')}`;
  return first + creditCodeCheckChar(first);
};

async function sameHeaders(a: ChainNode, b: ChainNode, top: number): Promise<void> {
  for (let h = 0; h <= top; h++) {
    const [x, y] = [await a.store.blockByHeight(h), await b.store.blockByHeight(h)];
    assert.ok(x && y, `block ${h} on both`);
    assert.deepEqual(y.header, x.header, `header at height ${h}`);
    assert.equal(y.hash, x.hash, `hash at height ${h}`);
  }
}

async function moreBlocks(p: Platform, n: number, tag: string): Promise<void> {
  const market = p.node('market');
  for (let i = 0; i < n; i++) await market.submitAs('admin', 'user.register', { id: `${tag}${i}`, name: `用户${tag}${i}`, role: 'approver' });
}

/**
 * The tax node (it holds committed tax figures, a material file and sign-in passwords) is backed
 * up while blocks keep coming, wiped, restored and rebuilt; the others run on throughout.
 */
export async function backupRestoreRebuild(kit: DbKit, dir: string): Promise<void> {
  const keys = makeConsortium(['market', 'tax', 'hrss', 'housing']);
  const log = new LocalLog(join(dir, 'log.sqlite'));
  const taxDb = await kit.fresh('tax_a');
  const specs = keys.genesis.members.map((m) => ({ dept: m.dept, db: m.dept === 'tax' ? taxDb : openDb({ client: 'sqlite', filename: ':memory:' }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger: silentLogger });
  const nodes: ChainNode[] = [];
  try {
    await seedDemo(p, { password: 'test-password-1', enterprises: 0 });
    const tax = p.node('tax');
    await commitFigures(tax.modulePort(), 'holder1', { field: 'tax.paid', period: '2025', rows: Array.from({ length: 12 }, (_, i) => ({ enterprise: codeOf(i), value: String(1_000_000 + i) })) });
    const file = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0]);
    await taxDb('ap_blobs').insert({ hash: 'f'.repeat(64), type: 'pdf', size: file.length, content: file, owner_code: codeOf(0), uploaded_by: 'tax/clerk', created: 1 });

    // A backup taken while blocks keep committing is still one instant of the database.
    const out = join(dir, 'tax.backup');
    const busy = moreBlocks(p, 6, 'b');
    const manifest = await backupNode(taxDb, 'tax', out);
    await busy;
    assert.ok(manifest.head && manifest.head.height > 0);
    const byName = new Map(manifest.tables.map((t) => [t.name, t]));
    assert.equal(byName.get('pq_private_values')?.rows, 12);
    assert.equal(byName.get('pq_private_values')?.class, 'private');
    assert.equal(byName.get('ap_blobs')?.rows, 1);
    assert.ok((byName.get('auth_passwords')?.rows ?? 0) > 1, 'sign-in passwords are in the backup');
    assert.equal(byName.get('blocks')?.rows, manifest.head.height + 1);

    // Damaged or cut-off backups are refused before anything is written.
    const text = gunzipSync(readFileSync(out)).toString();
    const damaged = join(dir, 'damaged.backup');
    writeFileSync(damaged, gzipSync(text.replace('1000005', '1000006')));
    const target0 = await kit.fresh('tax_bad');
    await assert.rejects(restoreNode(target0, damaged), (e: { code?: string; message: string }) => e.code === 'BACKUP_CORRUPT' && /pq_private_values/.test(e.message));
    const cut = join(dir, 'cut.backup');
    writeFileSync(cut, gzipSync(text.slice(0, text.lastIndexOf('{"manifest"'))));
    await assert.rejects(restoreNode(target0, cut), (e: { code?: string }) => e.code === 'BACKUP_INCOMPLETE');
    assert.equal((await readBackup(out)).manifest.tables.length, manifest.tables.length);
    await restoreNode(target0, out, { dept: 'tax' }); // nothing was written by the refusals: the target is still empty
    await assert.rejects(restoreNode(target0, out), (e: { code?: string }) => e.code === 'RESTORE_NOT_EMPTY');

    // Wipe tax, restore it: same ledger, same private rows, and it catches up with the others.
    await tax.stop();
    const restoredDb = await kit.fresh('tax_b');
    await restoreNode(restoredDb, out, { dept: 'tax' });
    const replayed = await replayChain(openLedgerStore(restoredDb), keys.genesis, buildRegistry(createModules()));
    assert.deepEqual(replayed.ok, true, `the restored ledger replays from genesis: ${JSON.stringify(replayed)}`);
    const blob = await restoredDb('ap_blobs').first('content');
    assert.deepEqual(Buffer.from(blob.content), file, 'binary content survives');
    assert.deepEqual(await privateLoss(restoredDb, 'tax', keys.genesis), [], 'nothing private is missing after a restore');
    await moreBlocks(p, 3, 'c');
    const market = p.node('market');
    const restored = await createTestNode({ keys, dept: 'tax', orderer: log, db: restoredDb, modules: createModules() });
    nodes.push(restored);
    await waitForHeight([restored], market.height, { timeoutMs: 30_000 });
    assert.ok(market.height > manifest.head.height, 'the chain moved on after the backup');
    await sameHeaders(market, restored, market.height);
    assert.equal(Number((await restoredDb('pq_private_values').count({ n: '*' }))[0].n), 12);

    // Rebuild keeping private tables: the ledger and read models again from the log, nothing lost.
    await restored.stop();
    nodes.pop();
    const rebuilt = await rebuildNode({ db: restoredDb, dept: 'tax', genesis: keys.genesis, privateKey: keys.nodeKeys.tax, encKeys: keys.encKeys?.tax, orderer: log, modules: createModules(), logger: silentLogger, untilHeight: market.height, timeoutMs: 60_000 });
    assert.ok(rebuilt.dropped.includes('blocks') && rebuilt.dropped.includes('ap_materials'));
    assert.deepEqual(rebuilt.kept.find((k) => k.table === 'pq_private_values'), { table: 'pq_private_values', rows: 12 });
    assert.deepEqual(rebuilt.lost, []);
    assert.equal(rebuilt.hash, (await market.store.blockByHeight(rebuilt.height))!.hash);

    // No backup at all: the rebuilt node says exactly which private rows no log can give back.
    const emptyDb = await kit.fresh('tax_c');
    const bare = await rebuildNode({ db: emptyDb, dept: 'tax', genesis: keys.genesis, privateKey: keys.nodeKeys.tax, encKeys: keys.encKeys?.tax, orderer: log, modules: createModules(), logger: silentLogger, untilHeight: market.height, timeoutMs: 60_000 });
    const bareNode = await createTestNode({ keys, dept: 'tax', orderer: log, db: emptyDb, modules: createModules() });
    nodes.push(bareNode);
    await waitForHeight([bareNode], market.height, { timeoutMs: 30_000 });
    await sameHeaders(market, bareNode, market.height);
    const lostValues = bare.lost.find((l) => l.table === 'pq_private_values');
    assert.equal(lostValues?.missing, 12);
    assert.equal(lostValues?.text, 'the raw figures and salts of 12 committed values: those questions cannot be answered again');
    assert.ok(bare.lost.some((l) => l.table === 'auth_passwords' && l.missing > 0), 'lost sign-in passwords are named');
  } finally {
    for (const n of nodes) await n.stop().catch(() => undefined);
    await p.stop();
  }
}
