import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { KafkaSecurity } from './chain/orderer/kafkaSecurity.ts';

/**
 * The node's configuration, from the command line and the environment, with every secret from
 * the environment or a file, never from the command line (argv is readable by every user of the
 * machine through ps and /proc). A secret variable X may instead be given as X_FILE, a path; a
 * bare name there, or no X at all, is looked up in systemd's $CREDENTIALS_DIRECTORY
 * (LoadCredential=), where X's file is named after it: TONGBAN_DB_PASSWORD → db-password.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Read from a file or the credentials directory as well as from the variable itself. */
const SECRETS = [
  'TONGBAN_DB_URL',
  'TONGBAN_DB_PASSWORD',
  'TONGBAN_KAFKA_SSL_CA',
  'TONGBAN_KAFKA_SSL_CERT',
  'TONGBAN_KAFKA_SSL_KEY',
  'TONGBAN_KAFKA_SSL_KEY_PASSWORD',
  'TONGBAN_KAFKA_SASL_USERNAME',
  'TONGBAN_KAFKA_SASL_PASSWORD',
  'TONGBAN_ADMIN_PASSWORD',
  'TONGBAN_DEMO_PASSWORD',
] as const;

/** Command-line options that would carry a secret: refused with the variable to use instead. */
const REFUSED_OPTIONS: Record<string, string> = {
  password: 'TONGBAN_ADMIN_PASSWORD_FILE',
  'admin-password': 'TONGBAN_ADMIN_PASSWORD_FILE',
  'db-password': 'TONGBAN_DB_PASSWORD_FILE',
  'kafka-password': 'TONGBAN_KAFKA_SASL_PASSWORD_FILE',
  'sasl-password': 'TONGBAN_KAFKA_SASL_PASSWORD_FILE',
};

/** Command-line options and the variable each one stands for (the option wins). */
const OPTIONS = {
  data: 'TONGBAN_DATA',
  port: 'TONGBAN_PORT',
  host: 'TONGBAN_HOST',
  dept: 'TONGBAN_DEPT',
  db: 'TONGBAN_DB_URL',
  kafka: 'TONGBAN_KAFKA_BROKERS',
  consortium: 'TONGBAN_CONSORTIUM',
  // the genesis hash the departments compared out of band; any other genesis.json is refused
  'expect-genesis': 'TONGBAN_EXPECT_GENESIS',
} as const;

const flag = (dflt: boolean) =>
  z
    .enum(['0', '1', 'true', 'false', 'yes', 'no'], { error: 'expected 1 or 0' })
    .optional()
    .transform((v) => (v === undefined ? dflt : ['1', 'true', 'yes'].includes(v)));
const text = z.string().min(1, 'is empty');
const pem = (what: string) => text.refine((v) => v.includes('-----BEGIN '), `is not a PEM ${what} (give its file in the _FILE variable)`);

const Vars = z.object({
  TONGBAN_DATA: text.default('data'),
  TONGBAN_PORT: z.coerce.number({ error: 'expected a port number' }).int('expected a port number').min(1).max(65535).default(8080),
  TONGBAN_HOST: text.default('127.0.0.1'),
  TONGBAN_EXPECT_GENESIS: z.string().regex(/^[0-9a-f]{64}$/, 'expected the genesis hash (64 hex digits) that `npm run keys -- genesis` printed').optional(),
  TONGBAN_DEPT: z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a department id such as tax').optional(),
  TONGBAN_CONSORTIUM: text.optional(),
  TONGBAN_DB_URL: z.string().regex(/^mysql:\/\/[^/]+\/[^/?#]+/, 'expected mysql://user@host[:port]/database').optional(),
  TONGBAN_DB_PASSWORD: text.optional(),
  TONGBAN_KAFKA_BROKERS: z
    .string()
    .transform((v) => v.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^\s:/]+:\d+$/, 'expected host:port[,host:port…]')).min(1, 'names no broker'))
    .optional(),
  TONGBAN_KAFKA_CLIENT_ID: text.optional(),
  TONGBAN_KAFKA_SSL: flag(false),
  TONGBAN_KAFKA_SSL_CA: pem('certificate').optional(),
  TONGBAN_KAFKA_SSL_CERT: pem('certificate').optional(),
  TONGBAN_KAFKA_SSL_KEY: pem('private key').optional(),
  TONGBAN_KAFKA_SSL_KEY_PASSWORD: text.optional(),
  TONGBAN_KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512'], { error: 'expected plain, scram-sha-256 or scram-sha-512' }).optional(),
  TONGBAN_KAFKA_SASL_USERNAME: text.optional(),
  TONGBAN_KAFKA_SASL_PASSWORD: text.optional(),
  TONGBAN_ALLOW_PRODUCER_TIME: flag(false),
  TONGBAN_TRUST_PROXY: flag(false),
  TONGBAN_ADMIN_PASSWORD: text.optional(),
  TONGBAN_DEMO: flag(true),
  TONGBAN_DEMO_PASSWORD: text.optional(),
  TONGBAN_DEMO_ENTERPRISES: z.coerce.number({ error: 'expected a whole number' }).int('expected a whole number').min(0).default(300),
  TONGBAN_PROVER_WARM: flag(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'expected fatal, error, warn, info, debug, trace or silent' }).default('info'),
});

type Vars = z.output<typeof Vars>;

export interface Config {
  data: string;
  port: number;
  host: string;
  /** one department of a cluster; absent: the embedded platform */
  dept?: string;
  consortium?: string;
  /** the genesis hash this node must find (compared out of band when genesis was assembled) */
  expectGenesis?: string;
  /** mysql URL with its password filled in; absent: SQLite in the data folder */
  dbUrl?: string;
  kafka?: { brokers: string[]; clientId?: string; allowProducerTime: boolean; security: KafkaSecurity };
  trustProxy: boolean;
  adminPassword?: string;
  demo: boolean;
  demoPassword?: string;
  demoEnterprises: number;
  proverWarm: boolean;
  logLevel: string;
}

export interface ConfigSources {
  argv: string[];
  env: NodeJS.ProcessEnv;
  readFile?: (path: string) => string;
}

export function loadConfig({ argv, env, readFile = (p) => readFileSync(p, 'utf8') }: ConfigSources): Config {
  const raw: Record<string, string | undefined> = {};
  for (const name of Object.keys(Vars.shape)) raw[name] = env[name] === '' ? undefined : env[name];
  // PORT and HOST as most platforms set them
  raw.TONGBAN_PORT ??= env.PORT || undefined;
  raw.TONGBAN_HOST ??= env.HOST || undefined;
  const where: Record<string, string> = {};

  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...Object.fromEntries(Object.keys(OPTIONS).map((o) => [o, { type: 'string' as const }])),
      ...Object.fromEntries(Object.keys(REFUSED_OPTIONS).map((o) => [o, { type: 'string' as const }])),
      demo: { type: 'boolean' },
      'no-demo': { type: 'boolean' },
      // only for a test broker that does not report message.timestamp.type (librdkafka's mock)
      'allow-producer-time': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const a = values as Record<string, string | boolean | undefined>;
  for (const [opt, variable] of Object.entries(REFUSED_OPTIONS)) {
    if (a[opt] !== undefined) throw new ConfigError(`--${opt}`, `a password on the command line is readable by every user of this machine; put it in a file named by ${variable} (or systemd's LoadCredential)`);
  }
  for (const [opt, variable] of Object.entries(OPTIONS)) {
    const v = a[opt];
    if (typeof v === 'string') {
      raw[variable] = v;
      where[variable] = `--${opt}`;
    }
  }
  if (where.TONGBAN_DB_URL && /^[a-z0-9]+:\/\/[^/@]*:[^/@]*@/i.test(raw.TONGBAN_DB_URL!)) {
    throw new ConfigError('--db', 'the database URL holds a password, and the command line is readable by every user of this machine; give the URL without it and the password in a file named by TONGBAN_DB_PASSWORD_FILE (or the whole URL in TONGBAN_DB_URL_FILE)');
  }
  if (a['no-demo']) raw.TONGBAN_DEMO = '0';
  if (a['allow-producer-time']) raw.TONGBAN_ALLOW_PRODUCER_TIME = '1';
  for (const name of SECRETS) if (!where[name]) raw[name] = secret(name, env, readFile) ?? raw[name];

  const parsed = Vars.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0]);
    throw new ConfigError(where[variable] ? `${where[variable]} (${variable})` : variable, issue.message);
  }
  return assemble(parsed.data);
}

/** A secret's value from X_FILE or the credentials directory; undefined when neither has it. */
function secret(name: string, env: NodeJS.ProcessEnv, readFile: (p: string) => string): string | undefined {
  const fileVar = `${name}_FILE`;
  const credentials = env.CREDENTIALS_DIRECTORY || undefined;
  let file = env[fileVar] || undefined;
  if (file && env[name]) throw new ConfigError(name, `set both it and ${fileVar}; give one`);
  if (file && !isAbsolute(file)) {
    if (!credentials) throw new ConfigError(fileVar, `${file} is not an absolute path and there is no $CREDENTIALS_DIRECTORY to find it in`);
    file = join(credentials, file);
  }
  let fromCredentials = false;
  if (!file && !env[name] && credentials) {
    file = join(credentials, name.replace(/^TONGBAN_/, '').toLowerCase().replaceAll('_', '-'));
    fromCredentials = true;
  }
  if (!file) return undefined;
  let text: string;
  try {
    text = readFile(file);
  } catch (e) {
    if (fromCredentials && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(fromCredentials ? name : fileVar, `cannot read ${file}: ${(e as Error).message}`);
  }
  // editors and `echo` end a file with a newline that is no part of a password
  const value = text.replace(/\r?\n$/, '');
  if (!value) throw new ConfigError(fromCredentials ? name : fileVar, `${file} is empty`);
  return value;
}

function assemble(v: Vars): Config {
  const c: Config = {
    data: v.TONGBAN_DATA,
    port: v.TONGBAN_PORT,
    host: v.TONGBAN_HOST,
    dept: v.TONGBAN_DEPT,
    consortium: v.TONGBAN_CONSORTIUM,
    expectGenesis: v.TONGBAN_EXPECT_GENESIS,
    trustProxy: v.TONGBAN_TRUST_PROXY,
    adminPassword: v.TONGBAN_ADMIN_PASSWORD,
    demo: v.TONGBAN_DEMO,
    demoPassword: v.TONGBAN_DEMO_PASSWORD,
    demoEnterprises: v.TONGBAN_DEMO_ENTERPRISES,
    proverWarm: v.TONGBAN_PROVER_WARM,
    logLevel: v.LOG_LEVEL,
  };
  if (v.TONGBAN_DB_URL) {
    const url = new URL(v.TONGBAN_DB_URL);
    if (v.TONGBAN_DB_PASSWORD) {
      if (url.password) throw new ConfigError('TONGBAN_DB_PASSWORD', 'given as well as a password inside TONGBAN_DB_URL; give one');
      if (!url.username) throw new ConfigError('TONGBAN_DB_URL', 'names no user for TONGBAN_DB_PASSWORD (mysql://user@host/database)');
      url.password = encodeURIComponent(v.TONGBAN_DB_PASSWORD);
    }
    c.dbUrl = url.toString();
  } else if (v.TONGBAN_DB_PASSWORD) throw new ConfigError('TONGBAN_DB_PASSWORD', 'given without TONGBAN_DB_URL (or --db) to use it with');
  if (c.dept && !v.TONGBAN_KAFKA_BROKERS) throw new ConfigError('TONGBAN_KAFKA_BROKERS', `a cluster node (--dept ${c.dept}) needs its Kafka brokers (or --kafka host:port,…)`);
  if (!c.dept && (v.TONGBAN_KAFKA_BROKERS || v.TONGBAN_DB_URL)) throw new ConfigError('TONGBAN_DEPT', 'Kafka brokers or a database URL are given but no department (--dept) to run as a cluster node');
  if (v.TONGBAN_KAFKA_BROKERS) c.kafka = { brokers: v.TONGBAN_KAFKA_BROKERS, clientId: v.TONGBAN_KAFKA_CLIENT_ID, allowProducerTime: v.TONGBAN_ALLOW_PRODUCER_TIME, security: kafkaSecurity(v) };
  return c;
}

function kafkaSecurity(v: Vars): KafkaSecurity {
  const tlsFiles = v.TONGBAN_KAFKA_SSL_CA || v.TONGBAN_KAFKA_SSL_CERT || v.TONGBAN_KAFKA_SSL_KEY;
  if (!v.TONGBAN_KAFKA_SSL && tlsFiles) throw new ConfigError('TONGBAN_KAFKA_SSL', 'TLS files are given but TLS is off; set TONGBAN_KAFKA_SSL=1');
  if (!!v.TONGBAN_KAFKA_SSL_CERT !== !!v.TONGBAN_KAFKA_SSL_KEY) {
    throw new ConfigError(v.TONGBAN_KAFKA_SSL_CERT ? 'TONGBAN_KAFKA_SSL_KEY_FILE' : 'TONGBAN_KAFKA_SSL_CERT_FILE', 'a client certificate needs both its certificate and its key');
  }
  const s: KafkaSecurity = {};
  if (v.TONGBAN_KAFKA_SSL) s.tls = { ca: v.TONGBAN_KAFKA_SSL_CA, cert: v.TONGBAN_KAFKA_SSL_CERT, key: v.TONGBAN_KAFKA_SSL_KEY, passphrase: v.TONGBAN_KAFKA_SSL_KEY_PASSWORD };
  if (v.TONGBAN_KAFKA_SASL_MECHANISM) {
    if (!v.TONGBAN_KAFKA_SASL_USERNAME) throw new ConfigError('TONGBAN_KAFKA_SASL_USERNAME', `needed for SASL ${v.TONGBAN_KAFKA_SASL_MECHANISM}`);
    if (!v.TONGBAN_KAFKA_SASL_PASSWORD) throw new ConfigError('TONGBAN_KAFKA_SASL_PASSWORD_FILE', `needed for SASL ${v.TONGBAN_KAFKA_SASL_MECHANISM}`);
    // SASL PLAIN sends the password as it is: only over TLS
    if (v.TONGBAN_KAFKA_SASL_MECHANISM === 'plain' && !v.TONGBAN_KAFKA_SSL) throw new ConfigError('TONGBAN_KAFKA_SASL_MECHANISM', 'plain sends the password in the clear; set TONGBAN_KAFKA_SSL=1 as well');
    s.sasl = { mechanism: v.TONGBAN_KAFKA_SASL_MECHANISM, username: v.TONGBAN_KAFKA_SASL_USERNAME, password: v.TONGBAN_KAFKA_SASL_PASSWORD };
  } else if (v.TONGBAN_KAFKA_SASL_USERNAME || v.TONGBAN_KAFKA_SASL_PASSWORD) {
    throw new ConfigError('TONGBAN_KAFKA_SASL_MECHANISM', 'SASL credentials are given but no mechanism (plain, scram-sha-256 or scram-sha-512)');
  }
  return s;
}

export const USAGE = `usage: node dist/server/main.js [options]      (from the source tree: npm start -- [options])
  embedded (default): every department in one process, SQLite and a local ordering log, demo data
  cluster node:       --dept <id> --kafka <host:port,…> [--db mysql://user@host/database] --consortium <dir>
options (each also from the environment variable named):
  --data <dir>          TONGBAN_DATA (data)            --port <n>   TONGBAN_PORT or PORT (8080)
  --host <addr>         TONGBAN_HOST or HOST           --dept <id>  TONGBAN_DEPT
  --db <mysql url>      TONGBAN_DB_URL (no password here: TONGBAN_DB_PASSWORD_FILE)
  --kafka <brokers>     TONGBAN_KAFKA_BROKERS          --consortium <dir>  TONGBAN_CONSORTIUM
  --expect-genesis <hash>  TONGBAN_EXPECT_GENESIS (refuse any other genesis.json)
  --no-demo             TONGBAN_DEMO=0                 --allow-producer-time  (a test broker only)
environment only: TONGBAN_KAFKA_SSL=1, TONGBAN_KAFKA_SSL_{CA,CERT,KEY}_FILE, TONGBAN_KAFKA_SSL_KEY_PASSWORD_FILE,
  TONGBAN_KAFKA_SASL_MECHANISM (plain|scram-sha-256|scram-sha-512), TONGBAN_KAFKA_SASL_USERNAME, TONGBAN_KAFKA_SASL_PASSWORD_FILE,
  TONGBAN_TRUST_PROXY=1, TONGBAN_ADMIN_PASSWORD_FILE, TONGBAN_DEMO_PASSWORD, TONGBAN_PROVER_WARM=0, LOG_LEVEL.
Secrets: X or X_FILE, or a file named like x in $CREDENTIALS_DIRECTORY (TONGBAN_DB_PASSWORD → db-password).
`;
