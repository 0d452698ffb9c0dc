import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createConsortium } from './chain/consortium.ts';
import { LocalLog } from './chain/orderer/localLog.ts';
import { openDb } from './chain/store/openDb.ts';
import { checkExpectedGenesis } from './chain/keys/assembleGenesis.ts';
import { FileKeySource } from './chain/keys/keySource.ts';
import { loadOrCreateConsortium, readConsortium } from './consortiumFiles.ts';
import { seedDemo } from './demo/seed.ts';
import { createPlatform, type NodeSpec } from './platform.ts';
import { portalMiddleware } from './http/portal.ts';
import { PASSWORD_PROBLEM_TEXT, passwordProblem } from './http/passwordPolicy.ts';
import { processProver } from './privacy-query/holder/proverSource.ts';

/**
 * Starts the platform.
 *   npm start                         embedded: every department in one process, SQLite + local log, demo data
 *   npm start -- --dept tax --db mysql://... --kafka 127.0.0.1:9092 --consortium dir
 *                                     one department of a cluster (MySQL + Kafka)
 */
const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.TONGBAN_DATA ?? 'data' },
    port: { type: 'string', default: process.env.PORT ?? '8080' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
    demo: { type: 'boolean', default: true },
    'no-demo': { type: 'boolean', default: false },
    dept: { type: 'string' },
    db: { type: 'string' },
    kafka: { type: 'string' },
    // only for a test broker that does not report message.timestamp.type (librdkafka's mock)
    'allow-producer-time': { type: 'boolean', default: false },
    consortium: { type: 'string' },
    // the genesis hash the departments compared out of band; any other genesis.json is refused
    'expect-genesis': { type: 'string', default: process.env.TONGBAN_EXPECT_GENESIS },
  },
});

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const dataDir = resolve(a.data!);

async function main() {
  if (a.dept) return startClusterNode();
  const keys = loadOrCreateConsortium(join(dataDir, 'consortium'), () => createConsortium({ chain: 'tongban-city', time: Date.now() }));
  const keyless = keys.genesis.members.filter((m) => !m.encKey).map((m) => m.dept);
  if (keyless.length) {
    // A demo made before members had encryption keys cannot seal filings; say so instead of refusing every filing later.
    logger.error(`${dataDir} holds a consortium made by an earlier version: ${keyless.join(', ')} have no encryption key, so no filing can be sealed to them. Remove ${dataDir} (the embedded demo is made again at the next start) or run with another --data folder.`);
    process.exit(1);
  }
  const log = new LocalLog(join(dataDir, 'ordering.sqlite'));
  const specs: NodeSpec[] = keys.genesis.members.map((m) => ({ dept: m.dept, db: openDb({ client: 'sqlite', filename: join(dataDir, `${m.dept}.sqlite`) }), orderer: log }));
  const platform = await createPlatform({ keys, specs, logger, extraMiddleware: [portalMiddleware()] });
  await platform.listen(Number(a.port), a.host);
  warmProver();
  if (a.demo && !a['no-demo']) await seedDemo(platform, { password: demoPassword(), enterprises: Number(process.env.TONGBAN_DEMO_ENTERPRISES ?? 300), log: (m) => logger.info(m) });
  logger.info(`Tongban 通办 embedded platform on http://${a.host}:${a.port}/ (departments: ${specs.map((s) => s.dept).join(', ')})`);
  onSignals(() => platform.stop());
}

async function startClusterNode() {
  const { KafkaLog } = await import('./chain/orderer/kafkaLog.ts');
  const dir = resolve(a.consortium ?? join(dataDir, 'consortium'));
  const { genesis } = readConsortium(dir, []);
  checkExpectedGenesis(genesis, a['expect-genesis']);
  const own = new FileKeySource(join(dir, 'keys'), a.dept!);
  const keys = { genesis, nodeKeys: { [a.dept!]: own.signingKey() }, encKeys: { [a.dept!]: own.encKeys() } };
  const orderer = await KafkaLog.connect({ brokers: a.kafka!.split(','), chain: keys.genesis.chain, clientId: `tongban-${a.dept}`, logger, requireLogAppendTime: !a['allow-producer-time'] });
  const db = a.db ? openDb({ client: 'mysql', connection: a.db }) : openDb({ client: 'sqlite', filename: join(dataDir, `${a.dept}.sqlite`) });
  // Behind a TLS proxy every request comes from the proxy's address; the sign-in limits need the client's.
  const trustProxy = process.env.TONGBAN_TRUST_PROXY === '1';
  const platform = await createPlatform({ keys, specs: [{ dept: a.dept!, db, orderer }], logger, extraMiddleware: [portalMiddleware()], trustProxy });
  // The department administrator's first portal password comes from the operator, never the repo.
  const auth = platform.auths.get(a.dept!)!;
  if (process.env.TONGBAN_ADMIN_PASSWORD && !(await auth.hasPassword('admin'))) await auth.setPassword('admin', process.env.TONGBAN_ADMIN_PASSWORD);
  await platform.listen(Number(a.port), a.host);
  warmProver();
  logger.info(`Tongban node ${a.dept} on http://${a.host}:${a.port}/${a.dept}/`);
  onSignals(() => platform.stop());
}

/**
 * Loads the circuits into the prover's workers in the background, so the first question a holder
 * answers does not pay for it. TONGBAN_PROVER_WARM=0 skips it (benchmarks that share the cores).
 */
function warmProver() {
  if (process.env.TONGBAN_PROVER_WARM === '0') return;
  const t0 = performance.now();
  processProver()
    .warm()
    .then(
      () => logger.info(`prover ready: circuits loaded in ${Math.round(performance.now() - t0)} ms`),
      (err) => logger.warn({ err }, 'prover: circuits not loaded ahead; the first question loads them'),
    );
}

/**
 * Demo password: from the environment, or made once and kept in the data directory (never in the
 * repo). A made one is 16 characters, which the password policy accepts whatever classes it has.
 */
function demoPassword(): string {
  const fromEnv = process.env.TONGBAN_DEMO_PASSWORD;
  if (fromEnv) {
    const problem = passwordProblem('admin', fromEnv);
    if (problem) throw new Error(`TONGBAN_DEMO_PASSWORD: ${PASSWORD_PROBLEM_TEXT[problem].en}`);
    return fromEnv;
  }
  const f = join(dataDir, 'demo-password.txt');
  // A data directory made before the policy keeps its password: its users have it already.
  if (existsSync(f)) return readFileSync(f, 'utf8').trim();
  const pw = randomBytes(12).toString('base64url');
  writeFileSync(f, pw + '\n', { mode: 0o600 });
  logger.info(`demo password for every demo user (admin, approver1, ...): ${pw}  (saved in ${f})`);
  return pw;
}

function onSignals(stop: () => Promise<void>) {
  const handler = () => {
    logger.info('stopping');
    stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

main().catch((err) => {
  logger.fatal({ err }, 'failed to start');
  process.exit(1);
});
