import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import pino from 'pino';
import { ConfigError, loadConfig, USAGE, type Config } from './config.ts';
import { createConsortium } from './chain/consortium.ts';
import { LocalLog } from './chain/orderer/localLog.ts';
import { openDb } from './chain/store/openDb.ts';
import { checkExpectedGenesis } from './chain/keys/assembleGenesis.ts';
import { FileKeySource } from './chain/keys/keySource.ts';
import { loadOrCreateConsortium, readConsortium } from './consortiumFiles.ts';
import { seedDemoAfterKeys, seedDemoHistory } from './demo/seed.ts';
import { DemoClock, demoHistoryStart } from './demo/demoClock.ts';
import { writeDemoKeyFiles } from './demo/keyFiles.ts';
import { createModules } from './modules.ts';
import { createPlatform, type NodeSpec, type Platform } from './platform.ts';
import { DEMO_EXPERTS, demoExpertKey, payoutDemoEnterprise } from './policy-payout/demo.ts';
import { startBanner, type BannerFacts } from './start/banner.ts';
import { buildKeysInBackground, canBuildKeys } from './start/keysBuild.ts';
import { portalMiddleware } from './http/portal.ts';
import { PASSWORD_PROBLEM_TEXT, passwordProblem } from '../shared/passwordPolicy.ts';
import { processProver } from './privacy-query/holder/proverSource.ts';
import { quietFileHandleWarnings } from './privacy-query/zk/quietFileHandles.ts';

/**
 * Starts the platform.
 *   npm start                         embedded: every department in one process, SQLite + local log, demo data
 *   npm start -- --dept tax --db mysql://tongban@db/tax --kafka 127.0.0.1:9092 --consortium dir
 *                                     one department of a cluster (MySQL + Kafka); secrets such as the
 *                                     database password come from the environment or files (config.ts)
 * Production runs the build instead: node dist/server/main.js with the same options.
 */
const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(USAGE);
  process.exit(0);
}
quietFileHandleWarnings(); // the prover's snarkjs, like the ceremony's
const config = readConfig();
// The embedded start writes its log synchronously, in order with the banner's writes: an
// asynchronous destination could let the start record out after the banner, which is meant to
// be the last thing on the terminal. A department's node prints no banner and keeps pino's
// asynchronous writes off its block loop.
const logger = pino({ level: config.logLevel }, pino.destination({ dest: 1, sync: !config.dept }));
const dataDir = resolve(config.data);

/** Bad configuration ends the process with status 2 and one line naming the variable or option. */
function readConfig(): Config {
  try {
    return loadConfig({ argv, env: process.env });
  } catch (e) {
    const problem = e instanceof ConfigError ? e.message : (e as Error).message; // parseArgs: an unknown or malformed option
    process.stderr.write(`tongban: configuration: ${problem}\n(node dist/server/main.js --help lists the options)\n`);
    process.exit(2);
  }
}

async function main() {
  if (config.dept) return startClusterNode(config.dept, config.kafka!);
  // The keys are made beside the running platform: the portal answers meanwhile, and the pages
  // that need the keys say how far they are.
  const keysBuild = canBuildKeys() ? buildKeysInBackground(say) : undefined;
  keysBuild?.done.catch((err) => logger.error({ err }, 'privacy-query keys: the build failed; privacy questions cannot be answered until `npx tsx circuits/build.ts` succeeds'));
  const clock = new DemoClock();
  // The demo's genesis is a month back, so that its history can be written at the days it happened.
  const keys = loadOrCreateConsortium(join(dataDir, 'consortium'), () => createConsortium({ chain: 'tongban-city', time: config.demo ? demoHistoryStart(Date.now()) - 3_600_000 : Date.now() }));
  const keyless = keys.genesis.members.filter((m) => !m.encKey).map((m) => m.dept);
  if (keyless.length) {
    // A demo made before members had encryption keys cannot seal filings; say so instead of refusing every filing later.
    logger.error(`${dataDir} holds a consortium made by an earlier version: ${keyless.join(', ')} have no encryption key, so no filing can be sealed to them. Remove ${dataDir} (the embedded demo is made again at the next start) or run with another --data folder.`);
    process.exit(1);
  }
  const log = new LocalLog(join(dataDir, 'ordering.sqlite'), clock);
  const firstStart = log.length === 0;
  const specs: NodeSpec[] = keys.genesis.members.map((m) => ({ dept: m.dept, db: openDb({ client: 'sqlite', filename: join(dataDir, `${m.dept}.sqlite`) }), orderer: log }));
  const keysProgress = () => keysBuild?.progress() ?? null;
  const platform = await createPlatform({ keys, specs, logger, extraMiddleware: [portalMiddleware()], clock, modules: () => createModules({ keysProgress }) });
  await platform.listen(config.port, config.host);
  onSignals(async () => {
    keysBuild?.stop();
    await platform.stop();
  });
  const url = `http://${config.host}:${config.port}/`;
  let facts: Omit<BannerFacts, 'keys'> = { url, firstStart };
  if (config.demo) {
    const password = demoPassword();
    const o = { password: password.value, enterprises: config.demoEnterprises, log: (m: string) => logger.info(m), clock };
    if (firstStart) clock.pin(keys.genesis.time + 3_600_000);
    await seedDemoHistory(platform, o);
    clock.live();
    facts = { ...facts, password, keyFiles: await demoKeyFiles(platform, password.value) };
  }
  logger.info(`Tongban 通办 embedded platform on ${url} (departments: ${specs.map((s) => s.dept).join(', ')})`);
  // one write, so the banner reaches a reader whole
  say(startBanner({ ...facts, keys: keysProgress() }).join('\n'));
  await (keysBuild?.done ?? Promise.resolve()).then(
    async () => {
      warmProver();
      if (config.demo) await seedDemoAfterKeys(platform, { adoptKeys: true, log: (m) => logger.info(m) });
      if (keysBuild) say(`Privacy-query keys are ready${config.demo ? ' and adopted; the demo\'s privacy questions are asked' : ''}.`);
    },
    () => {},
  ).catch((err) => logger.error({ err }, 'privacy-query keys: not adopted; the platform runs on, privacy questions wait for keys adopted by governance'));
}

/** The demo's key files under the data folder, written once (the browser imports them with the demo password). */
async function demoKeyFiles(platform: Platform, password: string): Promise<BannerFacts['keyFiles']> {
  const dir = join(dataDir, 'demo-keys');
  const ent = payoutDemoEnterprise(platform.node('service'));
  const experts = DEMO_EXPERTS.map((user) => ({ dept: 'econ', user, ...demoExpertKey(user) }));
  const files = existsSync(dir)
    ? { enterprise: join(dir, `tongban-key-${ent.code}.json`), experts: experts.map((x) => join(dir, `tongban-expert-key-econ-${x.user}.json`)) }
    : await writeDemoKeyFiles(dir, password, { enterprise: { label: ent.code, privateKey: ent.privateKey, publicKey: ent.publicKey }, experts, created: Date.now() });
  return { ...files, enterpriseName: ent.name };
}

/** A line for the person at the terminal, not a log record. */
function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function startClusterNode(dept: string, kafka: NonNullable<Config['kafka']>) {
  const { KafkaLog } = await import('./chain/orderer/kafkaLog.ts');
  const dir = resolve(config.consortium ?? join(dataDir, 'consortium'));
  const { genesis } = readConsortium(dir, []);
  checkExpectedGenesis(genesis, config.expectGenesis);
  const own = new FileKeySource(join(dir, 'keys'), dept);
  const keys = { genesis, nodeKeys: { [dept]: own.signingKey() }, encKeys: { [dept]: own.encKeys() } };
  const orderer = await KafkaLog.connect({ brokers: kafka.brokers, chain: keys.genesis.chain, clientId: kafka.clientId ?? `tongban-${dept}`, logger, requireLogAppendTime: !kafka.allowProducerTime, security: kafka.security });
  const db = config.dbUrl ? openDb({ client: 'mysql', connection: config.dbUrl }) : openDb({ client: 'sqlite', filename: join(dataDir, `${dept}.sqlite`) });
  // Behind a TLS proxy every request comes from the proxy's address; the sign-in limits need the client's.
  const platform = await createPlatform({ keys, specs: [{ dept, db, orderer }], logger, extraMiddleware: [portalMiddleware()], trustProxy: config.trustProxy });
  // The department administrator's first portal password comes from the operator, never the repo.
  const auth = platform.auths.get(dept)!;
  if (config.adminPassword && !(await auth.hasPassword('admin'))) await auth.setPassword('admin', config.adminPassword);
  await platform.listen(config.port, config.host);
  warmProver();
  logger.info(`Tongban node ${dept} on http://${config.host}:${config.port}/${dept}/`);
  onSignals(() => platform.stop());
}

/**
 * Loads the circuits into the prover's workers in the background, so the first question a holder
 * answers does not pay for it. TONGBAN_PROVER_WARM=0 skips it (benchmarks that share the cores).
 */
function warmProver() {
  if (!config.proverWarm) return;
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
function demoPassword(): { value: string; from: string } {
  const fromEnv = config.demoPassword;
  if (fromEnv) {
    const problem = passwordProblem('admin', fromEnv);
    if (problem) throw new Error(`TONGBAN_DEMO_PASSWORD: ${PASSWORD_PROBLEM_TEXT[problem].en}`);
    return { value: fromEnv, from: 'TONGBAN_DEMO_PASSWORD' };
  }
  const f = join(dataDir, 'demo-password.txt');
  const from = `kept in ${relative(process.cwd(), f) || f}`;
  // A data directory made before the policy keeps its password: its users have it already.
  if (existsSync(f)) return { value: readFileSync(f, 'utf8').trim(), from };
  const pw = randomBytes(12).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(f, pw + '\n', { mode: 0o600 });
  return { value: pw, from };
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
