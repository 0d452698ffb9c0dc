import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isChainError } from '../../server/chain/errors.ts';
import { KafkaLog } from '../../server/chain/orderer/kafkaLog.ts';
import type { LogEntry } from '../../server/chain/schema.ts';
import pino from 'pino';
import { silentLogger } from '../support/fixtures.ts';
import { startMockKafka, type MockKafka } from '../support/mockKafka.ts';

// The Kafka ordering log against librdkafka's mock cluster: ordering, offsets, refusals.
// A new consumer group takes about 3 s to form on the mock, so subscriptions are few.

let mk: MockKafka;
before(async () => {
  mk = await startMockKafka({ brokers: 3, topics: ['order.log', 'boom.log'] });
});
after(async () => {
  await mk?.stop();
});

// the mock reports no topic configuration; see the test of requireLogAppendTime below
const connect = (chain: string) => KafkaLog.connect({ brokers: mk.bootstrap, chain, clientId: 'kafka-log-test', logger: silentLogger, requireLogAppendTime: false });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

async function waitUntil(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('records come back in append order with dense offsets, from the requested offset', { timeout: 60_000 }, async () => {
  const log = await connect('order');
  try {
    let n = 0;
    const batch = (k: number) => Array.from({ length: k }, () => Buffer.from(`r${n++}`));
    await log.append(batch(1));
    await log.append(batch(5));
    await log.append([]);
    await log.append(batch(500));

    const all: LogEntry[] = [];
    const tail: LogEntry[] = [];
    let busy = false;
    let overlapped = false;
    const sub0 = log.subscribe(0, async (es) => {
      // The next batch must wait for this one: catch any overlap.
      if (busy) overlapped = true;
      busy = true;
      await new Promise((r) => setTimeout(r, 5));
      all.push(...es);
      busy = false;
    });
    const sub3 = log.subscribe(3, async (es) => void tail.push(...es));
    await log.append(batch(4)); // lands while the consumers are joining
    await waitUntil(() => all.length >= 510 && tail.length >= 507, 20_000, 'both subscriptions to catch up');
    await log.append(batch(2)); // and one more after they are live
    await waitUntil(() => all.length >= 512 && tail.length >= 509, 10_000, 'the live append');

    assert.deepEqual(all.map((e) => e.offset), range(0, 512));
    assert.deepEqual(all.map((e) => e.data.toString()), range(0, 512).map((i) => `r${i}`));
    assert.deepEqual(tail.map((e) => e.offset), range(3, 512));
    assert.equal(overlapped, false, 'handler calls overlapped');
    for (const e of all) assert.ok(Number.isSafeInteger(e.timestamp) && e.timestamp > 0, `bad timestamp ${e.timestamp}`);
    await sub0.stop();
    await sub3.stop();
    await Promise.all([sub0.done, sub3.done]); // stopping settles `done` without an error
  } finally {
    await log.close();
  }
});

test('refuses a topic with more than one partition', async () => {
  await mk.createTopic('wide.log', 4);
  await assert.rejects(connect('wide'), (e: unknown) => isChainError(e) && e.code === 'TOPIC_NOT_SINGLE_PARTITION' && /4 partitions/.test(e.message));
});

test('refuses a missing topic', async () => {
  // Real Kafka (auto-create off) answers UNKNOWN_TOPIC_OR_PARTITION; the mock auto-creates
  // the topic with 4 partitions whatever the client asks. Either way the log won't start.
  await assert.rejects(connect('absent'), (e: unknown) => isChainError(e) && ['TOPIC_MISSING', 'TOPIC_NOT_SINGLE_PARTITION'].includes(e.code));
});

test('a handler that throws ends its subscription; appends still work', { timeout: 30_000 }, async () => {
  const log = await connect('boom');
  try {
    await log.append([Buffer.from('a'), Buffer.from('b')]);
    let calls = 0;
    const sub = log.subscribe(0, async () => {
      calls++;
      throw new Error('boom');
    });
    await assert.rejects(sub.done, /boom/);
    assert.equal(calls, 1);
    await log.append([Buffer.from('c')]);
    await sub.stop(); // harmless after the end
  } finally {
    await log.close();
  }
  await assert.rejects(log.append([Buffer.from('d')]), (e: unknown) => isChainError(e) && e.code === 'ORDERER_CLOSED');
});

test('a topic not known to stamp records with the broker clock is refused by default, and warned about when allowed', { timeout: 60_000 }, async () => {
  await assert.rejects(
    KafkaLog.connect({ brokers: mk.bootstrap, chain: 'order', clientId: 'kafka-log-test', logger: silentLogger }),
    (err) => isChainError(err) && err.code === 'TOPIC_NOT_LOG_APPEND_TIME' && /LogAppendTime/.test(err.message),
  );
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const log = await KafkaLog.connect({ brokers: mk.bootstrap, chain: 'order', clientId: 'kafka-log-test', logger, requireLogAppendTime: false });
  try {
    assert.equal(log.timestampType, 'unknown', 'the mock does not answer DescribeConfigs');
    assert.ok(lines.some((l) => l.level >= 50 && /WARNING: Kafka topic order\.log has message\.timestamp\.type=unknown/.test(l.msg)), JSON.stringify(lines.map((l) => l.msg)));
  } finally {
    await log.close();
  }
});
