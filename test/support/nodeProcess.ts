// A single department node in its own process, on the embedded local log file, for crash
// tests: `tsx test/support/nodeProcess.ts <consortium dir> <dept> <log file> <db file>`.
// Prints `H <height>` after every committed block.
import pino from 'pino';
import { createMetrics } from '../../server/chain/metrics.ts';
import { ChainNode } from '../../server/chain/node.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { readConsortium } from '../../server/consortiumFiles.ts';

const [dir, dept, logFile, dbFile] = process.argv.slice(2);
const keys = readConsortium(dir);
const node = new ChainNode(
  { dept, genesis: keys.genesis, privateKey: keys.nodeKeys[dept], encKeys: keys.encKeys?.[dept] },
  { db: openDb({ client: 'sqlite', filename: dbFile }), orderer: new LocalLog(logFile), logger: pino({ level: 'silent' }), metrics: createMetrics() },
);
node.on('block', (b) => process.stdout.write(`H ${b.header.height}\n`));
await node.start();
process.stdout.write('READY\n');
