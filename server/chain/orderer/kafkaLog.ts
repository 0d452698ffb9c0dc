import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type ConfigResourceTypes, type Consumer, type KafkaConfig, type LogEntry as KafkaLogLine, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { ChainError } from '../errors.ts';
import type { LogEntry } from '../schema.ts';
import { kafkaClientSecurity, type KafkaSecurity } from './kafkaSecurity.ts';
import type { Orderer, Subscription } from './orderer.ts';

export interface KafkaLogOptions {
  brokers: string[];
  chain: string;
  clientId: string;
  logger?: Logger;
  /** TLS and SASL towards the brokers (none: plaintext, as the tests' mock broker speaks) */
  security?: KafkaSecurity;
  /** An append not acknowledged within this time is reported as failed (default 8 s). */
  appendTimeoutMs?: number;
  /** How long a fetch waits on the broker for new records (default 50 ms); bounds follow latency. */
  pollMs?: number;
  /**
   * Names each subscription's consumer group; the default `<clientId>.<chain>.<uuid>` is
   * unique, so a subscription never inherits another's members or offsets. Tests set it to
   * place the group's coordinator.
   */
  newGroupId?: () => string;
  /**
   * Seek back to the next expected offset whenever the group is (re)joined (default true).
   * Tests turn it off to let Kafka re-deliver from the start, as the mock does after a
   * coordinator failure, so that the offset filter has to catch it.
   */
  seekOnRejoin?: boolean;
  /**
   * Refuse a topic that is not known to stamp records with the broker's clock
   * (`message.timestamp.type=LogAppendTime`), default true. Block time is the log timestamp; with
   * producer time one producer's clock (or anyone who can append) sets it. Only tests against the
   * mock broker, which reports no topic configuration, turn it off; a loud warning remains.
   */
  requireLogAppendTime?: boolean;
}

/** What the topic says its record timestamps are; `unknown` when the broker does not tell. */
export type TimestampType = 'LogAppendTime' | 'CreateTime' | 'unknown';

const PARTITION = 0;

/**
 * The cluster ordering log: Kafka topic `<chain>.log` with exactly one partition, so its
 * offsets are the chain's total order. Appends wait for acks from all in-sync replicas and
 * are never acknowledged falsely; they may be retried and so may land twice, which is fine
 * because nodes deduplicate by transaction id and by offset. Nothing relies on the producer's
 * idempotence or on committed consumer offsets.
 */
export class KafkaLog implements Orderer {
  private readonly queue: { records: Buffer[]; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushScheduled = false;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;
  /**
   * `dropped`: records below the next expected offset (re-deliveries, or fetched before a
   * seek took hold); `joins`: consumer group joins, one per subscription plus one per rejoin.
   */
  readonly stats = { dropped: 0, joins: 0 };

  private constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    readonly topic: string,
    private readonly opts: KafkaLogOptions,
    /** as the broker reported it at connect */
    readonly timestampType: TimestampType,
  ) {}

  /** Connects and checks the topic; refuses a topic that is missing or has more than one partition. */
  static async connect(opts: KafkaLogOptions): Promise<KafkaLog> {
    const topic = `${opts.chain}.log`;
    const kafka = new Kafka(kafkaConfig(opts));
    await checkTopic(kafka, topic);
    const timestampType = await checkTimestampType(kafka, topic, opts);
    const producer = kafka.producer({
      idempotent: false, // the mock cluster can't give producer ids; we dedupe downstream instead
      allowAutoTopicCreation: false, // an auto-created topic would have several partitions
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    await producer.connect();
    return new KafkaLog(kafka, producer, topic, opts, timestampType);
  }

  /**
   * Resolves once the broker acknowledged every record with acks=all; rejects otherwise.
   * Appends made in the same tick travel in one produce request (one record batch), so many
   * concurrent submits cost one round trip; each caller still learns its own outcome only
   * from the broker's acknowledgement of that request.
   */
  async append(records: Buffer[]): Promise<void> {
    if (records.length === 0) return;
    if (this.closed) throw new ChainError('ORDERER_CLOSED', 'the Kafka log is closed', { status: 503 });
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.queue.splice(0, this.queue.length);
    try {
      await this.send(batch.flatMap((b) => b.records));
      for (const b of batch) b.resolve();
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }

  private async send(records: Buffer[]): Promise<void> {
    const timeoutMs = this.opts.appendTimeoutMs ?? 8000;
    // One send to one partition is one record batch: the records stay together and in order.
    const sent = this.producer.send({
      topic: this.topic,
      acks: -1,
      timeout: timeoutMs,
      messages: records.map((value) => ({ value, partition: PARTITION })),
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no acknowledgement within ${timeoutMs} ms`)), timeoutMs);
    });
    sent.catch(() => undefined); // after a timeout the late outcome no longer matters
    try {
      await Promise.race([sent, timeout]);
    } catch (err) {
      throw new ChainError('ORDERER_UNAVAILABLE', `could not append to ${this.topic}: ${(err as Error).message}`, {
        status: 503,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Follows the log from `fromOffset` with a consumer group of its own. Kafka may hand back
   * records already delivered (after a rebalance or a coordinator failure, the group has no
   * committed offset and restarts from the beginning), so this drops anything below the next
   * expected offset and re-seeks to it whenever the group is joined again.
   */
  subscribe(fromOffset: number, handler: (entries: LogEntry[]) => Promise<void>): Subscription {
    const groupId = this.opts.newGroupId?.() ?? `${this.opts.clientId}.${this.opts.chain}.${randomUUID()}`;
    let next = fromOffset;
    let ending = false;
    const consumer: Consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.opts.pollMs ?? 50,
      // A member that vanished (crash, lost coordinator) holds up the next join until its
      // session expires; keep that short.
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 1000,
      // Ride out a short outage in place; after that kafkajs restarts the consumer, but
      // never once we are stopping (it would otherwise restart a disconnected consumer forever).
      retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1000, restartOnFailure: async () => !ending },
    });
    let settle!: (err?: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      settle = (err) => (err === undefined ? resolve() : reject(err));
    });
    // kafkajs refuses a seek before the group has formed; the GROUP_JOIN handler seeks then.
    const seek = () => {
      try {
        consumer.seek({ topic: this.topic, partition: PARTITION, offset: String(next) });
      } catch (err) {
        this.opts.logger?.debug({ err }, 'seek deferred until the group has joined');
      }
    };

    const end = async (err?: unknown) => {
      if (ending) return;
      ending = true;
      await consumer.disconnect().catch(() => undefined);
      this.subscriptions.delete(sub);
      settle(err);
    };

    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.stats.joins++;
      if (!ending && this.opts.seekOnRejoin !== false) seek();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) void end(payload.error);
    });

    const started = (async () => {
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        // kafkajs heartbeats by itself between batches.
        eachBatch: async ({ batch, resolveOffset }) => {
          if (ending) return;
          // Without this kafkajs would fetch the same batch again.
          const resolveBatch = () => resolveOffset(batch.lastOffset());
          const entries: LogEntry[] = [];
          for (const m of batch.messages) {
            const offset = Number(m.offset);
            if (offset < next + entries.length) {
              this.stats.dropped++; // delivered before
              continue;
            }
            if (offset > next + entries.length) {
              // Records were removed from the log (retention?); skipping them would fork the chain.
              return void end(new ChainError('LOG_GAP', `expected offset ${next + entries.length} of ${this.topic}, got ${offset}`, { status: 500 }));
            }
            entries.push({ offset, timestamp: Number(m.timestamp), data: m.value ?? Buffer.alloc(0) });
          }
          if (entries.length === 0) return resolveBatch();
          try {
            await handler(entries);
          } catch (err) {
            // Not awaited: disconnect waits for this batch to return.
            return void end(err);
          }
          next = entries[entries.length - 1].offset + 1;
          resolveBatch();
        },
      });
      seek();
    })();
    started.catch((err) => end(err));

    const sub: Subscription = {
      done,
      stop: async () => {
        await started.catch(() => undefined);
        await end();
        await done.catch(() => undefined);
      },
    };
    this.subscriptions.add(sub);
    return sub;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.subscriptions]) await s.stop();
    await this.producer.disconnect();
  }
}

/** The kafkajs client configuration a KafkaLog connects with. */
export function kafkaConfig(opts: KafkaLogOptions): KafkaConfig {
  return {
    clientId: opts.clientId,
    brokers: opts.brokers,
    // a TLS handshake and a SASL exchange take more than a plaintext connect
    connectionTimeout: opts.security?.tls || opts.security?.sasl ? 5000 : 1000,
    requestTimeout: 5000,
    // Short client-level retries so a missing topic or a dead cluster shows up in seconds.
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    ...kafkaClientSecurity(opts.security),
    ...kafkaLogging(opts.logger),
  };
}

async function checkTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let partitions: number;
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      partitions = meta.topics[0].partitions.length;
    } catch (err) {
      if (errorTypes(err).includes('UNKNOWN_TOPIC_OR_PARTITION')) {
        throw new ChainError('TOPIC_MISSING', `Kafka topic ${topic} does not exist; create it with exactly one partition`, { status: 500 });
      }
      throw err;
    }
    if (partitions !== 1) {
      throw new ChainError(
        'TOPIC_NOT_SINGLE_PARTITION',
        `Kafka topic ${topic} has ${partitions} partitions; the chain needs exactly one for a total order`,
        { status: 500, data: { topic, partitions } },
      );
    }
  } finally {
    await admin.disconnect();
  }
}

async function checkTimestampType(kafka: Kafka, topic: string, opts: KafkaLogOptions): Promise<TimestampType> {
  const type = await topicTimestampType(kafka, topic);
  if (type === 'LogAppendTime') return type;
  const problem = `Kafka topic ${topic} has message.timestamp.type=${type}; block time must be the broker's append time (set it to LogAppendTime)`;
  if (opts.requireLogAppendTime ?? true) throw new ChainError('TOPIC_NOT_LOG_APPEND_TIME', problem, { status: 500, data: { topic, timestampType: type } });
  const warning = `WARNING: ${problem}. Producers' clocks set block time: acceptable only for a test broker.`;
  if (opts.logger) opts.logger.error({ topic, timestampType: type }, warning);
  else console.error(warning);
  return type;
}

async function topicTimestampType(kafka: Kafka, topic: string): Promise<TimestampType> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const res = await admin.describeConfigs({
      includeSynonyms: false,
      // ConfigResourceTypes.TOPIC; kafkajs exports the enum only from its CommonJS default
      resources: [{ type: TOPIC_RESOURCE, name: topic, configNames: ['message.timestamp.type'] }],
    });
    const value = res.resources[0]?.configEntries.find((e) => e.configName === 'message.timestamp.type')?.configValue;
    return value === 'LogAppendTime' || value === 'CreateTime' ? value : 'unknown';
  } catch {
    // librdkafka's mock broker answers DescribeConfigs with no controller to send it to
    return 'unknown';
  } finally {
    await admin.disconnect();
  }
}

const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

/** The kafkajs error types along an error's cause chain (retries wrap the original). */
function errorTypes(err: unknown): string[] {
  const out: string[] = [];
  for (let e = err as { type?: string; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (e.type) out.push(e.type);
  }
  return out;
}

/** kafkajs logs every transient broker error; route them to pino at low levels, or show only errors. */
function kafkaLogging(logger?: Logger): { logLevel: logLevel; logCreator?: () => (e: KafkaLogLine) => void } {
  if (!logger) return { logLevel: logLevel.ERROR };
  const log = logger.child({ component: 'kafkajs' });
  return {
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: { message, ...extra } }) => {
        if (level === logLevel.ERROR) log.warn({ namespace, ...extra }, message);
        else log.info({ namespace, ...extra }, message);
      },
  };
}
