// A transactional producer asks for its coordinators once (main/broker/coordinatorCache.ts):
// kafkajs sent a FindCoordinator request before AddPartitionsToTxn, AddOffsetsToTxn,
// TxnOffsetCommit and EndTxn, four per transaction beside its own four. Counted from the
// client's request events against a real broker; the expected count is the hand count of the
// two coordinators involved (the transaction's and the group's).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKafka } from '../../main/broker/kafkaClient';
import { retryRetriable } from '../../main/broker/retryRetriable';
import { createTopic, withAdmin } from '../../main/broker/topicAdmin';
import { readCommitted } from '../../main/broker/committedTopicReader';
import { testBrokers, uniqueName } from '../support/testBroker';

test('five transactions with offsets look up each coordinator once', async () => {
  const brokers = testBrokers();
  const input = uniqueName('lookups-in');
  const output = uniqueName('lookups-out');
  const group = uniqueName('lookups-group');
  await createTopic(brokers, { topic: input, partitions: 1 });
  await createTopic(brokers, { topic: output, partitions: 1 });
  // a fresh broker creates its offsets and transaction topics with the first group and the first
  // transaction, and answers COORDINATOR_NOT_AVAILABLE meanwhile (a reason to look up again):
  // both exist before the counted producer starts
  await withAdmin(brokers, (admin) =>
    retryRetriable(() => admin.fetchOffsets({ groupId: group, topics: [input] })),
  );
  const kafka = createKafka({ brokers, clientId: 'coordinator-lookups' });
  const warmUp = kafka.producer({ transactionalId: uniqueName('lookups-warm-up') });
  await warmUp.connect();
  await (await warmUp.transaction()).commit();
  await warmUp.disconnect();

  const producer = kafka.producer({
    transactionalId: uniqueName('lookups-tx'),
    idempotent: false,
    maxInFlightRequests: 1,
  });
  const requests = new Map<string, number>();
  producer.on(producer.events.REQUEST, ({ payload }) =>
    requests.set(payload.apiName, (requests.get(payload.apiName) ?? 0) + 1),
  );
  await producer.connect();
  try {
    for (let batch = 0; batch < 5; batch++) {
      const transaction = await producer.transaction();
      await transaction.send({ topic: output, messages: [{ value: `row-${batch}` }] });
      await transaction.sendOffsets({
        consumerGroupId: group,
        topics: [{ topic: input, partitions: [{ partition: 0, offset: String(batch + 1) }] }],
      });
      await transaction.commit();
    }
  } finally {
    await producer.disconnect();
  }
  // kafkajs names FindCoordinator after its old name, GroupCoordinator
  assert.equal(requests.get('GroupCoordinator'), 2, JSON.stringify([...requests]));
  assert.equal(requests.get('EndTxn'), 5);
  const values: string[] = [];
  await readCommitted(brokers, output, (_partition, message) => {
    values.push(String(message.value));
  });
  assert.deepEqual(values, ['row-0', 'row-1', 'row-2', 'row-3', 'row-4']);
});
