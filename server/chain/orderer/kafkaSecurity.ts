import type { KafkaConfig } from 'kafkajs';

/**
 * How a node authenticates to the brokers and protects the link: TLS (the brokers' CA, and a
 * client certificate where the brokers ask for one) and SASL. The values are the PEM texts and
 * credentials themselves, read from files by the configuration, never file names.
 */
export interface KafkaSecurity {
  tls?: { ca?: string; cert?: string; key?: string; passphrase?: string };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/** The part of kafkajs's client configuration that KafkaSecurity decides. */
export function kafkaClientSecurity(s: KafkaSecurity = {}): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (s.tls) {
    const { ca, cert, key, passphrase } = s.tls;
    // Without a CA of its own the node trusts Node's bundled roots; a broker certificate is always checked.
    out.ssl = { rejectUnauthorized: true, ...(ca && { ca: [ca] }), ...(cert && { cert }), ...(key && { key }), ...(passphrase && { passphrase }) };
  }
  if (s.sasl) {
    const { username, password } = s.sasl;
    const m = s.sasl.mechanism;
    out.sasl = m === 'plain' ? { mechanism: m, username, password } : m === 'scram-sha-256' ? { mechanism: m, username, password } : { mechanism: m, username, password };
  }
  return out;
}
