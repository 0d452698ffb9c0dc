// npm run cluster: a 4-department cluster on loopback (MariaDB + Kafka-protocol mock broker).
// Ctrl-C stops every process, the broker and the database cleanly.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startLocalCluster } from './localCluster.ts';

process.env.TONGBAN_ADMIN_PASSWORD ??= randomBytes(12).toString('base64url'); // 16 characters: the password policy's passphrase length

const dir = process.env.TONGBAN_CLUSTER_DIR ?? mkdtempSync(join(tmpdir(), 'tongban-cluster-'));
const cluster = await startLocalCluster({ dir, log: (m) => console.log(m) });
console.log(`cluster ready; data in ${dir}; Kafka bootstrap ${cluster.kafka.bootstrap.join(',')}`);
for (const [d, u] of Object.entries(cluster.urls)) console.log(`  ${d.padEnd(10)} ${u}`);
console.log(`Sign in to any department as admin / ${process.env.TONGBAN_ADMIN_PASSWORD}`);
const stop = () => cluster.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
