// The delivery probe: can kafkajs run Kafka transactions against our broker? One committed
// and one aborted transaction, each with sendOffsets for a consumer group; a read_committed
// consumer must see exactly the committed records and the group's offsets must move.
// The answer decides how workers deliver exactly once (they use transactions).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKafka } from '../../main/broker/kafkaClient';
import { createTopic, withAdmin } from '../../main/broker/topicAdmin';
import { testBrokers, uniqueName } from '../support/testBroker';

test('a committed transaction is visible with its offsets; an aborted one is not', async () => {
  const brokers = testBrokers();
  const input = uniqueName('probe-in');
  const output = uniqueName('probe-out');
  const group = uniqueName('probe-group');
  await createTopic(brokers, { topic: input, partitions: 1 });
  await createTopic(brokers, { topic: output, partitions: 1 });
  const kafka = createKafka({ brokers, clientId: 'transaction-probe' });

  const producer = kafka.producer({
    transactionalId: uniqueName('probe-tx'),
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();

  const committed = await producer.transaction();
  await committed.send({
    topic: output,
    messages: [{ value: 'committed-1' }, { value: 'committed-2' }],
  });
  await committed.sendOffsets({
    consumerGroupId: group,
    topics: [{ topic: input, partitions: [{ partition: 0, offset: '2' }] }],
  });
  await committed.commit();

  const aborted = await producer.transaction();
  await aborted.send({ topic: output, messages: [{ value: 'aborted-1' }] });
  await aborted.sendOffsets({
    consumerGroupId: group,
    topics: [{ topic: input, partitions: [{ partition: 0, offset: '7' }] }],
  });
  await aborted.abort();
  await producer.disconnect();

  const groupOffsets = await withAdmin(brokers, (admin) =>
    admin.fetchOffsets({ groupId: group, topics: [input] }),
  );
  assert.equal(
    groupOffsets[0].partitions[0].offset,
    '2',
    'committed offsets moved, aborted did not',
  );

  const consumer = kafka.consumer({ groupId: uniqueName('probe-reader'), readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic: output, fromBeginning: true });
  const values: string[] = [];
  const endOffsets = await withAdmin(brokers, (admin) => admin.fetchTopicOffsets(output));
  const end = BigInt(endOffsets[0].high);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`saw only ${values.join(',')}`)), 30_000);
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) values.push(message.value?.toString() ?? '');
        // the read position passes the abort marker once the batch's last offset is reached
        if (BigInt(batch.lastOffset()) + 1n >= end - 1n) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  assert.deepEqual(values, ['committed-1', 'committed-2']);
});
