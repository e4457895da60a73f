// Two transactions of two producers interleaved in one partition, both aborted — the second
// begun's marker first, as when two workers (or one worker's transactions of two input
// partitions) are cut off together. A read_committed consumer must see only the committed
// records. kafkajs walked the broker's list of aborted transactions in marker order and handed
// on records of the one that began first; main/broker/abortedMessages.ts reads it as Kafka's
// Java consumer does. Oracle: an independent client, Debian's kcat (librdkafka), read_committed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { createKafka } from '../../main/broker/kafkaClient';
import { createTopic } from '../../main/broker/topicAdmin';
import { testBrokers, uniqueName } from '../support/testBroker';

function kcatValues(brokers: string, topic: string): string[] {
  const read = spawnSync(
    'kcat',
    ['-C', '-b', brokers, '-t', topic, '-X', 'isolation.level=read_committed', '-e', '-q'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(read.status, 0, read.stderr);
  return read.stdout.split('\n').filter((line) => line !== '');
}

test('records of aborted transactions stay hidden when their aborts come in reverse order', async () => {
  const brokers = testBrokers();
  const topic = uniqueName('aborted-interleaved');
  await createTopic(brokers, { topic, partitions: 1 });
  const kafka = createKafka({ brokers, clientId: 'aborted-interleaved' });
  const producer = (name: string) =>
    kafka.producer({ transactionalId: uniqueName(name), maxInFlightRequests: 1 });
  const [x, y, plain] = [producer('x'), producer('y'), kafka.producer()];
  await Promise.all([x.connect(), y.connect(), plain.connect()]);
  try {
    const send = (
      transaction: { send: (record: { topic: string; messages: { value: string }[] }) => unknown },
      value: string,
    ) => transaction.send({ topic, messages: [{ value }] });
    await plain.send({ topic, messages: [{ value: 'before' }] });
    const first = await x.transaction();
    await send(first, 'x-aborted-1');
    const second = await y.transaction();
    await send(second, 'y-aborted-1');
    await send(first, 'x-aborted-2');
    await send(second, 'y-aborted-2');
    await plain.send({ topic, messages: [{ value: 'between' }] });
    await second.abort();
    await first.abort();
    const third = await x.transaction();
    await send(third, 'x-committed');
    await third.commit();
    await plain.send({ topic, messages: [{ value: 'after' }] });
  } finally {
    await Promise.all([x.disconnect(), y.disconnect(), plain.disconnect()]);
  }
  const expected = ['before', 'between', 'x-committed', 'after'];
  assert.deepEqual(kcatValues(brokers.join(','), topic), expected);

  const consumer = kafka.consumer({ groupId: uniqueName('aborted-reader'), maxWaitTimeInMs: 200 });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
          if (values.at(-1) === 'after') resolve();
        },
      });
    });
    await done;
  } finally {
    await consumer.disconnect();
  }
  assert.deepEqual(values, expected);
});
