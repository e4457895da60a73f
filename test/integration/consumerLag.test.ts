// The consumer-lag poller against a real broker: it reads a group's lag per partition (a hand
// count of produced rows), and stop() leaves no socket to the broker open, even when it is called
// while a reading or the connect is in flight (a kafkajs admin call that outlives its client's
// disconnect connects again, and that socket would keep the app's process alive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTopic } from '../../main/broker/topicAdmin';
import { createKafka } from '../../main/broker/kafkaClient';
import { ConsumerLagPoller, type PartitionLag } from '../../main/charts/consumerLag';
import { createLogger } from '../../main/shared/logger';
import { brokerSocketCount, openBrokerSockets } from '../support/brokerSockets';
import { testBrokers, uniqueName } from '../support/testBroker';

const quiet = createLogger('test', () => undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** a request left in flight by a disconnect connects again after kafkajs' retry delay (~200 ms) */
const settled = () => sleep(1_000);

async function topicWithRows(rowsOnPartition0: number): Promise<string> {
  const topic = uniqueName('lag');
  await ensureTopic(testBrokers(), { topic, partitions: 2 });
  const producer = createKafka({ brokers: testBrokers(), clientId: 'lag-test' }).producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: rowsOnPartition0 }, (_, i) => ({
      value: String(i),
      partition: 0,
    })),
  });
  await producer.disconnect();
  return topic;
}

function poller(topic: string, onLag: (at: number, lag: PartitionLag[]) => void = () => {}) {
  return new ConsumerLagPoller({
    brokers: testBrokers(),
    groupId: uniqueName('lag-group'),
    topic,
    intervalMs: 0,
    logger: quiet,
    onLag,
  });
}

test('a group that committed nothing lags by every row of each partition', async () => {
  const topic = await topicWithRows(7);
  const readings: PartitionLag[][] = [];
  const lag = poller(topic, (_, partitions) => readings.push(partitions));
  await lag.start();
  while (readings.length === 0) await sleep(20);
  await lag.stop();
  assert.deepEqual(readings[0], [
    { partition: 0, lag: 7 },
    { partition: 1, lag: 0 },
  ]);
});

test('stop() during readings leaves no socket to the broker', async () => {
  const topic = await topicWithRows(3);
  const from = brokerSocketCount();
  // readings back to back (intervalMs 0): a stop 0–18 ms in lands inside one at some step
  for (let round = 0; round < 20; round += 1) {
    const lag = poller(topic);
    await lag.start();
    await sleep((round % 10) * 2);
    await lag.stop();
  }
  await settled();
  assert.equal(openBrokerSockets(from), 0, 'sockets left open after stop()');
});

test('stop() during start() leaves no socket to the broker', async () => {
  const topic = await topicWithRows(3);
  const from = brokerSocketCount();
  for (let round = 0; round < 3; round += 1) {
    const lag = poller(topic);
    const started = lag.start();
    await lag.stop();
    await started;
    await settled();
    assert.equal(openBrokerSockets(from), 0, `round ${round}: sockets left open after stop()`);
  }
});
