import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'tongban-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
};
const PEM = (what: string) => `-----BEGIN ${what}-----\nMIIB\n-----END ${what}-----\n`;
const cluster = ['--dept', 'tax', '--kafka', 'k1:9093,k2:9093'];

function refused(fn: () => unknown, variable: string | RegExp): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `a ConfigError, not ${e}`);
    if (typeof variable === 'string') assert.equal(e.variable, variable);
    else assert.match(e.variable, variable);
    return e.message;
  }
  assert.fail('the configuration was accepted');
}

describe('configuration', () => {
  it('defaults to the embedded platform', () => {
    const c = loadConfig({ argv: [], env: {} });
    assert.deepEqual([c.data, c.port, c.host, c.dept, c.demo, c.kafka, c.dbUrl, c.proverWarm], ['data', 8080, '127.0.0.1', undefined, true, undefined, undefined, true]);
  });

  it('takes the database password from a file and puts it into the URL, encoded', () => {
    const pw = file('dbpw', 'p@ss/wörd:1\n');
    const c = loadConfig({ argv: [...cluster], env: { TONGBAN_DB_URL: 'mysql://tongban@db.tax.internal:3306/tongban', TONGBAN_DB_PASSWORD_FILE: pw } });
    const url = new URL(c.dbUrl!);
    assert.equal(decodeURIComponent(url.password), 'p@ss/wörd:1', 'the trailing newline is no part of it');
    assert.equal(url.username, 'tongban');
    assert.equal(url.pathname, '/tongban');
  });

  it("finds secrets in systemd's credentials directory by their names", () => {
    const creds = mkdtempSync(join(dir, 'creds-'));
    writeFileSync(join(creds, 'db-password'), 'from-credentials');
    writeFileSync(join(creds, 'kafka-sasl-password'), 'sasl-secret');
    writeFileSync(join(creds, 'ca.pem'), PEM('CERTIFICATE'));
    const c = loadConfig({
      argv: [...cluster, '--db', 'mysql://tongban@db/tax'],
      env: {
        CREDENTIALS_DIRECTORY: creds,
        TONGBAN_KAFKA_SSL: '1',
        TONGBAN_KAFKA_SSL_CA_FILE: 'ca.pem', // a bare name: in the credentials directory
        TONGBAN_KAFKA_SASL_MECHANISM: 'scram-sha-512',
        TONGBAN_KAFKA_SASL_USERNAME: 'tax',
      },
    });
    assert.equal(new URL(c.dbUrl!).password, 'from-credentials');
    assert.deepEqual(c.kafka!.security, { tls: { ca: PEM('CERTIFICATE').trimEnd(), cert: undefined, key: undefined, passphrase: undefined }, sasl: { mechanism: 'scram-sha-512', username: 'tax', password: 'sasl-secret' } });
    assert.deepEqual(c.kafka!.brokers, ['k1:9093', 'k2:9093']);
  });

  it('refuses a password on the command line and names the variable to use', () => {
    assert.match(refused(() => loadConfig({ argv: [...cluster, '--db', 'mysql://tongban:hunter2@db/tax'], env: {} }), '--db'), /TONGBAN_DB_PASSWORD_FILE/);
    assert.match(refused(() => loadConfig({ argv: ['--db-password', 'hunter2'], env: {} }), '--db-password'), /TONGBAN_DB_PASSWORD_FILE/);
    assert.match(refused(() => loadConfig({ argv: ['--admin-password=x'], env: {} }), '--admin-password'), /TONGBAN_ADMIN_PASSWORD_FILE/);
    // the same URL from the environment is the operator's choice
    assert.equal(new URL(loadConfig({ argv: cluster, env: { TONGBAN_DB_URL: 'mysql://tongban:hunter2@db/tax' } }).dbUrl!).password, 'hunter2');
  });

  it('names the variable of a bad value', () => {
    assert.match(refused(() => loadConfig({ argv: [], env: { TONGBAN_PORT: 'eighty' } }), 'TONGBAN_PORT'), /port/);
    refused(() => loadConfig({ argv: ['--port', '70000'], env: {} }), /--port \(TONGBAN_PORT\)/);
    refused(() => loadConfig({ argv: ['--dept', 'tax', '--kafka', 'no-port'], env: {} }), /TONGBAN_KAFKA_BROKERS/);
    refused(() => loadConfig({ argv: ['--dept', 'tax'], env: {} }), 'TONGBAN_KAFKA_BROKERS');
    refused(() => loadConfig({ argv: cluster, env: { TONGBAN_KAFKA_SASL_MECHANISM: 'gssapi' } }), 'TONGBAN_KAFKA_SASL_MECHANISM');
    refused(() => loadConfig({ argv: cluster, env: { TONGBAN_KAFKA_SASL_MECHANISM: 'plain', TONGBAN_KAFKA_SASL_USERNAME: 'u', TONGBAN_KAFKA_SASL_PASSWORD: 'p' } }), 'TONGBAN_KAFKA_SASL_MECHANISM');
    refused(() => loadConfig({ argv: cluster, env: { TONGBAN_KAFKA_SASL_MECHANISM: 'scram-sha-256', TONGBAN_KAFKA_SASL_USERNAME: 'u' } }), 'TONGBAN_KAFKA_SASL_PASSWORD_FILE');
    refused(() => loadConfig({ argv: cluster, env: { TONGBAN_KAFKA_SSL: '1', TONGBAN_KAFKA_SSL_CERT_FILE: file('cert', PEM('CERTIFICATE')) } }), 'TONGBAN_KAFKA_SSL_KEY_FILE');
    refused(() => loadConfig({ argv: cluster, env: { TONGBAN_KAFKA_SSL: '1', TONGBAN_KAFKA_SSL_CA_FILE: file('notpem', 'hello') } }), 'TONGBAN_KAFKA_SSL_CA');
    refused(() => loadConfig({ argv: cluster, env: { TONGBAN_DB_PASSWORD_FILE: join(dir, 'missing') } }), 'TONGBAN_DB_PASSWORD_FILE');
    refused(() => loadConfig({ argv: cluster, env: { TONGBAN_DB_PASSWORD: 'a', TONGBAN_DB_PASSWORD_FILE: file('pw2', 'b') } }), 'TONGBAN_DB_PASSWORD');
    refused(() => loadConfig({ argv: cluster, env: { TONGBAN_DB_PASSWORD_FILE: file('empty', '\n'), TONGBAN_DB_URL: 'mysql://u@h/d' } }), 'TONGBAN_DB_PASSWORD_FILE');
    refused(() => loadConfig({ argv: [], env: { TONGBAN_DB_URL: 'mysql://u@h/d' } }), 'TONGBAN_DEPT');
  });

  it('the server exits with status 2 and one line naming the variable', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts', '--dept', 'tax', '--kafka', 'k:9092', '--db', 'mysql://root:pw@127.0.0.1/x'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TONGBAN_DATA: dir } });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--db: .*TONGBAN_DB_PASSWORD_FILE/);
    assert.doesNotMatch(r.stderr, /pw@/, 'the password is not echoed');
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TONGBAN_DATA: dir, LOG_LEVEL: 'loud' } });
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /LOG_LEVEL: /);
  });
});
