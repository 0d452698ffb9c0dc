import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../server/config.ts';

/**
 * deploy/'s systemd unit and nginx example, checked by the tools that will read them where this
 * machine has them (`.ci/run` and `npm test` install nginx and systemd), and for the settings the
 * node depends on.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const UNIT = join(ROOT, 'deploy/systemd/tongban-node@.service');
const NGINX = join(ROOT, 'deploy/nginx/tongban.conf');
const ENV_EXAMPLE = join(ROOT, 'deploy/systemd/tongban-node.env.example');
const tmp = mkdtempSync(join(tmpdir(), 'tongban-deploy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const NGINX_BIN = ['/usr/sbin/nginx', 'nginx'].find((c) => (c.startsWith('/') ? spawnSync(c, ['-v']).status === 0 : onPath(c)));

/** Settings of the unit's [Service] section: key → every value given. */
function unitSettings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) out.set(m[1], [...(out.get(m[1]) ?? []), m[2]]);
  }
  return out;
}

describe('deploy files', () => {
  it('the unit runs the build on plain Node, hardened, with secrets as credentials', () => {
    const s = unitSettings(readFileSync(UNIT, 'utf8'));
    assert.deepEqual(s.get('ExecStart'), ['/usr/bin/node /opt/tongban/dist/server/main.js']);
    assert.deepEqual(s.get('Restart'), ['on-failure']);
    assert.deepEqual(s.get('ProtectSystem'), ['strict']);
    assert.deepEqual(s.get('ReadWritePaths'), ['/var/lib/tongban/%i']);
    assert.deepEqual(s.get('RestartPreventExitStatus'), ['2'], 'a configuration mistake is not restarted');
    assert.deepEqual(s.get('NoNewPrivileges'), ['yes']);
    assert.ok(s.get('User')?.[0] || s.get('DynamicUser')?.[0] === 'yes', 'a user of its own');
    assert.ok((s.get('LoadCredential') ?? []).some((v) => v.startsWith('db-password:')), 'the database password as a credential');
    const env = (s.get('Environment') ?? []).join(' ');
    assert.match(env, /TONGBAN_TRUST_PROXY=1/);
    assert.match(env, /TONGBAN_DATA=\/var\/lib\/tongban\/%i/);
    assert.ok(!/PASSWORD=/.test(env) && !/--db\b/.test(s.get('ExecStart')![0]), 'no secret in the unit itself');
  });

  it('systemd-analyze verify finds nothing wrong with the unit', { skip: !onPath('systemd-analyze') && 'systemd-analyze is not installed (Debian package systemd)' }, () => {
    const dir = join(tmp, 'units');
    mkdirSync(dir);
    const unit = join(dir, 'tongban-node@tax.service');
    copyFileSync(UNIT, unit);
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', unit], { encoding: 'utf8', timeout: 60_000 });
    // verify exits 0 after many complaints ("Unknown key …, ignoring"): every line about our file is one
    const about = r.stderr.split('\n').filter((l) => l.includes('tongban-node@'));
    assert.deepEqual(about, [], r.stderr);
    assert.equal(r.status, 0, r.stderr);
  });

  it('the example environment file is a valid configuration', () => {
    const creds = join(tmp, 'credentials');
    mkdirSync(creds);
    writeFileSync(join(creds, 'db-password'), 'db-secret\n');
    writeFileSync(join(creds, 'kafka-sasl-password'), 'kafka-secret\n');
    const ca = join(tmp, 'kafka-ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const env: Record<string, string> = { CREDENTIALS_DIRECTORY: creds, TONGBAN_DEPT: 'tax', TONGBAN_DATA: '/var/lib/tongban/tax' };
    for (const line of readFileSync(ENV_EXAMPLE, 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m) env[m[1]] = m[2];
    }
    env.TONGBAN_KAFKA_SSL_CA_FILE = ca;
    const c = loadConfig({ argv: [], env });
    assert.equal(new URL(c.dbUrl!).password, 'db-secret');
    assert.equal(c.kafka!.security.sasl?.password, 'kafka-secret');
    assert.ok(c.kafka!.security.tls?.ca);
  });

  it('the nginx example streams server-sent events unbuffered and forwards the client address', () => {
    const text = readFileSync(NGINX, 'utf8');
    const sse = /location ~ \^\/\[a-z\]\[a-z0-9-\]\*\/api\/\.\*\/stream\$ \{([^}]*)\}/.exec(text);
    assert.ok(sse, 'a location for the event streams');
    assert.match(sse[1], /proxy_buffering off;/);
    assert.match(sse[1], /proxy_read_timeout (\d+h|\d{4,}s);/);
    assert.match(text, /proxy_http_version 1\.1;/);
    assert.match(text, /proxy_set_header Connection "";/);
    assert.match(text, /proxy_set_header X-Forwarded-For \$remote_addr;/);
    assert.match(text, /proxy_set_header X-Forwarded-Proto \$scheme;/);
    assert.match(text, /listen 443 ssl/);
    // the location pattern matches the node's event stream
    assert.match('/tax/api/chain/stream', /^\/[a-z][a-z0-9-]*\/api\/.*\/stream$/);
  });

  it('nginx -t accepts the example with a throw-away certificate', { skip: !NGINX_BIN && 'nginx is not installed (Debian package nginx)' }, () => {
    const dir = join(tmp, 'nginx');
    mkdirSync(dir);
    const crt = join(dir, 'portal.crt');
    const key = join(dir, 'portal.key');
    const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=tongban.test', '-keyout', key, '-out', crt], { encoding: 'utf8' });
    assert.equal(cert.status, 0, cert.stderr);
    const site = readFileSync(NGINX, 'utf8').replace('/etc/tongban/tls/portal.crt', crt).replace('/etc/tongban/tls/portal.key', key);
    assert.notEqual(site, readFileSync(NGINX, 'utf8'));
    writeFileSync(join(dir, 'tongban.conf'), site);
    writeFileSync(
      join(dir, 'nginx.conf'),
      `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log off;\n` +
        ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};\n`).join('') +
        `  include ${dir}/tongban.conf;\n}\n`,
    );
    const r = spawnSync(NGINX_BIN!, ['-t', '-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /syntax is ok/);
  });
});
