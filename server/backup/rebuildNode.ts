import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { createMetrics } from '../chain/metrics.ts';
import type { Module } from '../chain/module.ts';
import { ChainNode } from '../chain/node.ts';
import type { Orderer } from '../chain/orderer/orderer.ts';
import type { Genesis } from '../chain/schema.ts';
import { isMysql } from './backupNode.ts';
import { privateLoss, type Loss } from './privateLoss.ts';
import { classOf } from './tableClasses.ts';

export interface RebuildResult {
  height: number;
  hash: string;
  dropped: string[];
  kept: { table: string; rows: number }[];
  lost: Loss[];
}

async function tablesOf(db: Knex): Promise<string[]> {
  if (isMysql(db)) return ((await db.raw("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")) as unknown as [Record<string, string>[]])[0].map((r) => Object.values(r)[0]);
  return (await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).map((r: { name: string }) => r.name);
}

/**
 * Makes a node's ledger and read models again from the ordering log: drops every table a block
 * writes, keeps the private ones (classOf), and runs the node's own block import from offset 0
 * until the log has nothing more for it (no new block for `quietMs`, or `untilHeight`
 * reached). Modules' afterBlock hooks are left out: they react to new blocks (answering
 * questions, starting payments), and every block here happened long ago. Run it with the
 * node stopped.
 */
export async function rebuildNode(o: {
  db: Knex;
  dept: string;
  genesis: Genesis;
  privateKey: string;
  encKeys?: string[];
  orderer: Orderer;
  modules: Module[];
  logger: Logger;
  quietMs?: number;
  untilHeight?: number;
  timeoutMs?: number;
}): Promise<RebuildResult> {
  const tables = await tablesOf(o.db);
  const dropped = tables.filter((t) => classOf(t) !== 'private').sort();
  const kept: RebuildResult['kept'] = [];
  for (const t of tables.filter((x) => classOf(x) === 'private').sort()) {
    const [{ n }] = await o.db(t).count({ n: '*' });
    kept.push({ table: t, rows: Number(n) });
  }
  for (const t of dropped) await o.db.schema.dropTable(t);

  const modules = o.modules.map((m) => ({ ...m, afterBlock: undefined }));
  const node = new ChainNode(
    { dept: o.dept, genesis: o.genesis, privateKey: o.privateKey, encKeys: o.encKeys },
    { db: o.db, orderer: o.orderer, modules, logger: o.logger, metrics: createMetrics() },
  );
  await node.start();
  try {
    const quietMs = o.quietMs ?? 3000;
    const deadline = Date.now() + (o.timeoutMs ?? 24 * 3600_000);
    let last = -1;
    let since = Date.now();
    for (;;) {
      if (node.isHalted) throw new Error(`the rebuilt chain differs from the consortium's at height ${(await node.status()).halted?.height}`);
      if (o.untilHeight !== undefined && node.height >= o.untilHeight) break;
      if (node.height !== last) {
        last = node.height;
        since = Date.now();
      } else if (o.untilHeight === undefined && Date.now() - since >= quietMs) break;
      if (Date.now() > deadline) throw new Error(`rebuild stopped at height ${node.height}: no more progress within the time allowed`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await node.stop();
  }
  const head = (await node.store.head())!;
  return { height: head.height, hash: head.hash, dropped, kept, lost: await privateLoss(o.db, o.dept, o.genesis) };
}
