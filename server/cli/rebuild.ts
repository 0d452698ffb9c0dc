import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { cliDb, lossLines } from '../backup/cliDb.ts';
import { rebuildNode } from '../backup/rebuildNode.ts';
import { LocalLog } from '../chain/orderer/localLog.ts';
import type { Orderer } from '../chain/orderer/orderer.ts';
import { readConsortium } from '../consortiumFiles.ts';
import { createModules } from '../modules.ts';

/**
 * npm run rebuild -- --dept <dept> [--db <file.sqlite | mysql://...>] [--data <dir>] [--consortium <dir>]
 *                    [--kafka <brokers> | --log <ordering.sqlite>] [--quiet-ms 3000]
 *
 * With the node stopped: drops the ledger and read-model tables, keeps the private ones, and
 * makes the rest again from the ordering log (Kafka, or the embedded local log file). Prints
 * what no log can give back. Exit 0 rebuilt, 1 rebuilt but something private is missing, 2 failed.
 */
const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.TONGBAN_DATA ?? 'data' },
    dept: { type: 'string' },
    db: { type: 'string' },
    consortium: { type: 'string' },
    kafka: { type: 'string' },
    log: { type: 'string' },
    'allow-producer-time': { type: 'boolean', default: false },
    'quiet-ms': { type: 'string', default: '3000' },
  },
});

if (!a.dept) {
  console.error('usage: npm run rebuild -- --dept <dept> [--db <sqlite file | mysql url>] [--kafka <brokers> | --log <file>]');
  process.exit(2);
}
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
const dataDir = resolve(a.data!);
const consortiumDir = resolve(a.consortium ?? join(dataDir, 'consortium'));
if (!existsSync(join(consortiumDir, 'genesis.json'))) {
  console.error(`no genesis.json in ${consortiumDir} (--consortium)`);
  process.exit(2);
}
const keys = readConsortium(consortiumDir, [a.dept]);
if (!keys.nodeKeys[a.dept]) {
  console.error(`no node key for ${a.dept}`);
  process.exit(2);
}
let orderer: Orderer;
if (a.kafka) {
  const { KafkaLog } = await import('../chain/orderer/kafkaLog.ts');
  orderer = await KafkaLog.connect({ brokers: a.kafka.split(','), chain: keys.genesis.chain, clientId: `tongban-${a.dept}-rebuild`, logger, requireLogAppendTime: !a['allow-producer-time'] });
} else orderer = new LocalLog(resolve(a.log ?? join(dataDir, 'ordering.sqlite')));
const { db, target } = cliDb(a);
try {
  const r = await rebuildNode({ db, dept: a.dept, genesis: keys.genesis, privateKey: keys.nodeKeys[a.dept], encKeys: keys.encKeys?.[a.dept], orderer, modules: createModules(), logger, quietMs: Number(a['quiet-ms']) });
  console.log(`${a.dept}: ${target} rebuilt from the log to height ${r.height} (${r.hash})`);
  console.log(`  made again: ${r.dropped.join(', ') || '(nothing)'}`);
  console.log(`  kept: ${r.kept.map((k) => `${k.table} (${k.rows})`).join(', ') || '(no private tables)'}`);
  for (const line of lossLines(r.lost)) console.log(line);
  if (r.lost.length) process.exitCode = 1;
} catch (err) {
  console.error(`rebuild failed: ${(err as Error).message}`);
  process.exitCode = 2;
} finally {
  await orderer.close();
  await db.destroy();
}
