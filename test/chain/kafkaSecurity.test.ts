import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../server/config.ts';
import { KafkaLog, kafkaConfig } from '../../server/chain/orderer/kafkaLog.ts';

const dir = mkdtempSync(join(tmpdir(), 'tongban-kafka-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

/** A self-signed certificate for 127.0.0.1 and its key, made with openssl. */
function selfSigned(name: string): { cert: string; key: string; certFile: string; keyFile: string } {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}

describe('Kafka TLS and SASL', () => {
  it('the configured TLS files and SASL credentials reach the kafkajs client configuration', () => {
    const c = loadConfig({
      argv: ['--dept', 'tax', '--kafka', 'kafka1:9093'],
      env: {
        TONGBAN_KAFKA_SSL: '1',
        TONGBAN_KAFKA_SSL_CA: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----',
        TONGBAN_KAFKA_SSL_CERT: '-----BEGIN CERTIFICATE-----\nME\n-----END CERTIFICATE-----',
        TONGBAN_KAFKA_SSL_KEY: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----',
        TONGBAN_KAFKA_SASL_MECHANISM: 'scram-sha-256',
        TONGBAN_KAFKA_SASL_USERNAME: 'tongban-tax',
        TONGBAN_KAFKA_SASL_PASSWORD: 'kafka-secret',
      },
    });
    const k = kafkaConfig({ brokers: c.kafka!.brokers, chain: 'c', clientId: 'tongban-tax', security: c.kafka!.security });
    assert.deepEqual(k.brokers, ['kafka1:9093']);
    assert.deepEqual(k.ssl, {
      rejectUnauthorized: true,
      ca: ['-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----'],
      cert: '-----BEGIN CERTIFICATE-----\nME\n-----END CERTIFICATE-----',
      key: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----',
    });
    assert.deepEqual(k.sasl, { mechanism: 'scram-sha-256', username: 'tongban-tax', password: 'kafka-secret' });
  });

  it('without security settings the client speaks plaintext with no SASL, as to the test broker', () => {
    const k = kafkaConfig({ brokers: ['127.0.0.1:9092'], chain: 'c', clientId: 'x' });
    assert.equal(k.ssl, undefined);
    assert.equal(k.sasl, undefined);
  });

  it('connects over TLS with the configured CA, and refuses a broker whose certificate it does not sign', { skip: !hasOpenssl && 'openssl is not installed' }, async () => {
    const broker = selfSigned('broker');
    const other = selfSigned('other');
    const handshakes: string[] = [];
    const server = createServer({ cert: broker.cert, key: broker.key }, (socket) => {
      handshakes.push('ok');
      socket.destroy(); // not a Kafka broker: the client fails after the handshake
    });
    server.on('tlsClientError', () => handshakes.push('refused'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const attempt = async (caFile: string) => {
        const c = loadConfig({ argv: ['--dept', 'tax', '--kafka', `127.0.0.1:${port}`], env: { TONGBAN_KAFKA_SSL: '1', TONGBAN_KAFKA_SSL_CA_FILE: caFile } });
        await assert.rejects(KafkaLog.connect({ brokers: c.kafka!.brokers, chain: 'tls-test', clientId: 'tongban-tax', security: c.kafka!.security, logger: pino({ level: 'silent' }) }));
      };
      await attempt(broker.certFile);
      assert.ok(handshakes.includes('ok'), `a TLS session with the broker: ${handshakes}`);
      assert.ok(!handshakes.includes('refused'));
      handshakes.length = 0;
      await attempt(other.certFile);
      assert.ok(handshakes.length > 0 && !handshakes.includes('ok'), `the client refused the broker's certificate: ${handshakes}`);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
