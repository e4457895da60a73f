// The chart feed against a real broker: rows produced after start() — including those produced
// while it joins its group — show up in the box plot; rows from before start() do not; with the
// pipeline's workers in between, all five boroughs appear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import type { BoxPlotData } from '../../main/api/contract';
import { createKafka } from '../../main/broker/kafkaClient';
import { ChartFeed } from '../../main/charts/chartFeed';
import { createLogger } from '../../main/shared/logger';
import { WorkerSupervisor } from '../../main/supervisor/workerSupervisor';
import { testBrokers, uniqueName } from '../support/testBroker';

const quiet = createLogger('test', () => undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function produce(
  kafka: Kafka,
  topic: string,
  values: Record<string, unknown>[],
  options: { transactional?: boolean; partition?: number } = {},
) {
  const { transactional = false, partition } = options;
  const producer = transactional
    ? kafka.producer({
        transactionalId: uniqueName('chart-test'),
        idempotent: true,
        maxInFlightRequests: 1,
      })
    : kafka.producer();
  await producer.connect();
  try {
    const messages = values.map((value, row) => ({
      value: JSON.stringify(value),
      partition,
      headers: { 'source.row': String(row) },
    }));
    if (!transactional) {
      await producer.send({ topic, messages });
      return;
    }
    const transaction = await producer.transaction();
    await transaction.send({ topic, messages });
    await transaction.commit();
  } finally {
    await producer.disconnect();
  }
}

function waitForPush(
  feed: ChartFeed,
  accept: (data: BoxPlotData) => boolean,
  timeoutMs: number,
): Promise<BoxPlotData> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      feed.off('boxPlot', onPush);
      reject(
        new Error(
          `no matching boxPlot push within ${timeoutMs} ms; window now: ${JSON.stringify(feed.snapshot())}`,
        ),
      );
    }, timeoutMs);
    const onPush = (data: BoxPlotData) => {
      if (!accept(data)) return;
      clearTimeout(timer);
      feed.off('boxPlot', onPush);
      resolve(data);
    };
    feed.on('boxPlot', onPush);
  });
}

test(
  'starts at the end offsets of start() and misses nothing produced while joining',
  { timeout: 90_000 },
  async () => {
    const kafka = createKafka({ brokers: testBrokers(), clientId: 'test-chart', logger: quiet });
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('chart-out');
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
    const feed = new ChartFeed({
      brokers: testBrokers(),
      topic,
      windowSize: 50,
      maxPushesPerSecond: 5,
      logger: quiet,
    });
    try {
      await produce(kafka, topic, [{ Temperature: -99, 'Violation County': 'Old' }]);
      const starting = feed.start();
      // once start() has committed its starting offsets, produce while the feed joins its group
      for (let tries = 0; ; tries += 1) {
        const [offsets] = await admin.fetchOffsets({ groupId: feed.groupId, topics: [topic] });
        if (offsets?.partitions.every(({ offset }) => offset !== '-1')) break;
        assert.ok(tries < 400, 'the chart feed did not record its starting offsets');
        await sleep(25);
      }
      await produce(
        kafka,
        topic,
        [
          { Temperature: 40, 'Violation County': 'Queens' },
          { Temperature: null, 'Violation County': 'Queens' },
          { Temperature: 41, 'Violation County': 'Bronx' },
        ],
        { transactional: true },
      );
      await starting;
      const data = await waitForPush(feed, (push) => push.rowsSeen === 3, 30_000);
      assert.deepEqual(data, {
        series: { Queens: [40], Bronx: [41] },
        windowSize: 50,
        rowsSeen: 3,
      });

      // the window rolls: 60 more rows (one partition, so they arrive in order) leave the last 50
      const more = Array.from({ length: 60 }, (_, i) => ({
        Temperature: i,
        'Violation County': 'Manhattan',
      }));
      await produce(kafka, topic, more, { partition: 1 });
      const rolled = await waitForPush(feed, (push) => push.rowsSeen === 63, 30_000);
      assert.deepEqual(Object.keys(rolled.series), ['Manhattan']);
      assert.deepEqual(
        rolled.series.Manhattan,
        Array.from({ length: 50 }, (_, i) => i + 10),
      );
    } finally {
      await feed.stop();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  },
);

test(
  'with workers in between, the box plot shows all five boroughs',
  { timeout: 150_000 },
  async (t) => {
    const kafka = createKafka({
      brokers: testBrokers(),
      clientId: 'test-chart-pipeline',
      logger: quiet,
    });
    const admin = kafka.admin();
    await admin.connect();
    const input = uniqueName('chart-pipe-in');
    const output = uniqueName('chart-pipe-out');
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: input, numPartitions: 4 },
        { topic: output, numPartitions: 4 },
      ],
    });
    const baseDir = await mkdtemp(path.join(os.tmpdir(), 'ps-chart-'));
    // after the finally below has stopped the workers that write into it
    t.after(() => rm(baseDir, { recursive: true, force: true }));
    const log = (line: string) => appendFileSync(path.join(baseDir, 'workers.log'), line + '\n');
    const supervisor = new WorkerSupervisor({
      brokers: testBrokers(),
      group: uniqueName('chart-pipe-group'),
      inputTopic: input,
      outputTopic: output,
      baseDir,
      basePort: 20_000 + Math.floor(Math.random() * 20_000),
      logger: createLogger('supervisor', log),
      workerOutput: (_id, line) => log(line),
      sessionTimeoutMs: 6_000,
    });
    const feed = new ChartFeed({ brokers: testBrokers(), topic: output, logger: quiet });
    const pushTimes: number[] = [];
    feed.on('boxPlot', () => pushTimes.push(Date.now()));
    try {
      await feed.start();
      await supervisor.scaleTo(2);
      const codes = ['K', 'BX', 'NY', 'QN', 'ST', 'XX', null];
      const rows = Array.from({ length: 1_400 }, (_, i) => ({
        'Issue Date': '2017-06-01',
        'W - Temperature': 50 + (i % 30),
        'Violation County Name': codes[i % codes.length],
      }));
      await produce(kafka, input, rows);
      const data = await waitForPush(feed, (push) => push.rowsSeen === 1_000, 90_000);
      assert.deepEqual(Object.keys(data.series).sort(), [
        'Bronx',
        'Brooklyn',
        'Manhattan',
        'Queens',
        'Staten Island',
      ]);
      for (const temperatures of Object.values(data.series)) assert.equal(temperatures.length, 200);
      assert.equal(data.windowSize, 1_000);
      // at most 10 pushes a second (the default): pushes are at least ~100 ms apart
      for (let i = 1; i < pushTimes.length; i += 1)
        assert.ok(pushTimes[i]! - pushTimes[i - 1]! >= 95);
    } finally {
      await feed.stop();
      await supervisor.stop();
      await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
      await admin.disconnect();
    }
  },
);
