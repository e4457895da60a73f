// Produces to a 4-partition topic with kafkajs, consumes it back, and has an independent
// client (Debian's kcat) count what landed in each partition.
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKafka } from '../../main/broker/kafkaClient';
import { createTopic } from '../../main/broker/topicAdmin';
import { testBrokers, uniqueName } from '../support/testBroker';

const MESSAGES = 2_000;

function kcatCountsByPartition(brokers: string[], topic: string): Map<number, number> {
  const output = execFileSync(
    'kcat',
    ['-C', '-b', brokers.join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p\n'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  const counts = new Map<number, number>();
  for (const line of output.split('\n').filter(Boolean)) {
    counts.set(Number(line), (counts.get(Number(line)) ?? 0) + 1);
  }
  return counts;
}

test('every produced message lands, counted per partition by kafkajs and by kcat', async () => {
  const brokers = testBrokers();
  const topic = uniqueName('delivery');
  assert.equal(await createTopic(brokers, { topic, partitions: 4 }), 'created');

  const kafka = createKafka({ brokers, clientId: 'delivery-test' });
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  // Row i goes to partition i % 4, so every partition must end with MESSAGES / 4 records.
  for (let start = 0; start < MESSAGES; start += 500) {
    const messages = Array.from({ length: 500 }, (_, i) => ({
      key: String(start + i),
      partition: (start + i) % 4,
      value: JSON.stringify({ row: start + i }),
      headers: { 'source.row': String(start + i) },
    }));
    await producer.send({ topic, messages, acks: -1 });
  }
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: uniqueName('delivery-group') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const rowsSeen = new Set<string>();
  const consumedByPartition = new Map<number, number>();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`consumed ${rowsSeen.size} of ${MESSAGES}`)),
      60_000,
    );
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        rowsSeen.add(message.headers?.['source.row']?.toString() ?? '');
        consumedByPartition.set(partition, (consumedByPartition.get(partition) ?? 0) + 1);
        if (rowsSeen.size === MESSAGES) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();

  assert.equal(rowsSeen.size, MESSAGES);
  const expected = [0, 1, 2, 3].map((partition) => [partition, MESSAGES / 4]);
  const sorted = (counts: Map<number, number>) => [...counts.entries()].sort((a, b) => a[0] - b[0]);
  assert.deepEqual(sorted(kcatCountsByPartition(brokers, topic)), expected, 'kcat counts');
  assert.deepEqual(sorted(consumedByPartition), expected, 'kafkajs counts');
});
