// readCommitted against the real broker: it returns exactly the messages of committed
// transactions (never aborted ones), from the offsets it is given, and finishes although the
// partitions end in transaction markers rather than messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCommitted } from '../../main/broker/committedTopicReader';
import { createKafka } from '../../main/broker/kafkaClient';
import { createLogger } from '../../main/shared/logger';
import { testBrokers, uniqueName } from '../support/testBroker';

test('reads committed transactions only, from given offsets, past trailing markers', async () => {
  const brokers = testBrokers();
  const quiet = createLogger('test', () => undefined);
  const kafka = createKafka({ brokers, clientId: 'test-reader', logger: quiet });
  const topic = uniqueName('committed-reader');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer({
    transactionalId: uniqueName('reader-txn'),
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const send = async (values: string[], commit: boolean) => {
    const transaction = await producer.transaction();
    await transaction.send({
      topic,
      messages: values.map((value, i) => ({ value, partition: i % 2 })),
    });
    await (commit ? transaction.commit() : transaction.abort());
  };
  // partition 0 gets a0 c0 x0, partition 1 gets a1 c1 x1; the b* transaction is aborted
  await send(['a0', 'a1'], true);
  await send(['b0', 'b1'], false);
  await send(['c0', 'c1'], true);
  await producer.disconnect();

  const all: string[] = [];
  await readCommitted(brokers, topic, (_p, message) => all.push(String(message.value)), {
    logger: quiet,
  });
  assert.deepEqual(all.sort(), ['a0', 'a1', 'c0', 'c1']);

  // offsets per partition: a (0), its marker (1), b (2), its marker (3), c (4), its marker (5)
  const fromC: string[] = [];
  await readCommitted(brokers, topic, (_p, message) => fromC.push(String(message.value)), {
    from: new Map([
      [0, '4'],
      [1, '2'],
    ]),
    logger: quiet,
  });
  assert.deepEqual(fromC.sort(), ['c0', 'c1']);
});
