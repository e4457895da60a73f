// The chart feed against a real broker: rows produced after start() — including those produced
// while it joins its group — show up in the charts; rows from before start() do not; two charts
// of a non-parking output get their bins and bar values, a chart added while streaming starts
// from the rows already seen, a feed handed no charts proposes one, a feed 100,000 rows behind
// parses only the tail its window needs; with the NYC pipeline's workers in between, its
// default box plot shows all five boroughs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import type { ChartData, ChartSpec, OutputField } from '../../main/api/contract';
import { createKafka } from '../../main/broker/kafkaClient';
import { retryRetriable } from '../../main/broker/retryRetriable';
import { ChartFeed } from '../../main/charts/chartFeed';
import { presetCharts } from '../../main/pipelines/presets';
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
  id: string,
  accept: (data: ChartData) => boolean,
  timeoutMs: number,
): Promise<ChartData> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      feed.off('chartData', onPush);
      reject(
        new Error(
          `no matching push of chart ${id} within ${timeoutMs} ms; now: ${JSON.stringify(feed.data()[id])}`,
        ),
      );
    }, timeoutMs);
    const onPush = (update: { id: string; data: ChartData }) => {
      if (update.id !== id || !accept(update.data)) return;
      clearTimeout(timer);
      feed.off('chartData', onPush);
      resolve(update.data);
    };
    feed.on('chartData', onPush);
  });
}

function boxes(data: ChartData) {
  assert.equal(data.figure.type, 'box');
  return data.figure.type === 'box' ? data.figure.boxes : [];
}

const boroughBox: ChartSpec = {
  id: 'box',
  title: 'Temperature by borough',
  type: 'box',
  x: 'Violation County',
  y: 'Temperature',
  window: { rows: 50 },
};

test(
  'starts at the end offsets of start() and misses nothing produced while joining',
  { timeout: 90_000 },
  async () => {
    const kafka = createKafka({ brokers: testBrokers(), clientId: 'test-chart', logger: quiet });
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('chart-out');
    await retryRetriable(() =>
      admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] }),
    );
    const feed = new ChartFeed({
      brokers: testBrokers(),
      topic,
      charts: [boroughBox],
      maxPushesPerSecond: 5,
      logger: quiet,
    });
    try {
      await produce(kafka, topic, [{ Temperature: -99, 'Violation County': 'Old' }]);
      const starting = feed.start();
      // once start() has committed its starting offsets, produce while the feed joins its group
      for (let tries = 0; ; tries += 1) {
        const [offsets] = await retryRetriable(() =>
          admin.fetchOffsets({ groupId: feed.groupId, topics: [topic] }),
        );
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
      const data = await waitForPush(feed, 'box', (push) => push.rowsSeen === 3, 30_000);
      assert.deepEqual([data.windowRows, data.skipped], [3, 1]);
      assert.deepEqual(
        boxes(data).map((box) => [box.name, box.count, box.median]),
        [
          ['Bronx', 1, 41],
          ['Queens', 1, 40],
        ],
      );

      // the window rolls: 60 more rows (one partition, so they arrive in order) leave the last 50
      const more = Array.from({ length: 60 }, (_, i) => ({
        Temperature: i,
        'Violation County': 'Manhattan',
      }));
      await produce(kafka, topic, more, { partition: 1 });
      const rolled = await waitForPush(feed, 'box', (push) => push.rowsSeen === 63, 30_000);
      assert.equal(rolled.windowRows, 50);
      // Manhattan 10..59: q1 at rank 12.25 → 22.25, median 34.5, q3 at rank 36.75 → 46.75
      assert.deepEqual(boxes(rolled), [
        {
          name: 'Manhattan',
          count: 50,
          mean: 34.5,
          min: 10,
          q1: 22.25,
          median: 34.5,
          q3: 46.75,
          max: 59,
          lowerWhisker: 10,
          upperWhisker: 59,
          outliers: 0,
        },
      ]);
    } finally {
      await feed.stop();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  },
);

test(
  'a feed that falls far behind reads the tail the window needs, not every row',
  { timeout: 90_000 },
  async () => {
    const kafka = createKafka({ brokers: testBrokers(), clientId: 'test-chart-3', logger: quiet });
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('chart-behind');
    await retryRetriable(() =>
      admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] }),
    );
    const feed = new ChartFeed({
      brokers: testBrokers(),
      topic,
      charts: [boroughBox],
      logger: quiet,
    });
    const ROWS = 100_000;
    const producer = kafka.producer({
      transactionalId: uniqueName('chart-behind'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    try {
      await feed.start();
      await producer.connect();
      // one transaction: its 100,000 rows become readable at once, the feed 100,000 rows behind
      const transaction = await producer.transaction();
      for (let from = 0; from < ROWS; from += 10_000) {
        const messages = Array.from({ length: 10_000 }, (_, i) => ({
          value: JSON.stringify({ Temperature: from + i, 'Violation County': 'Queens' }),
          headers: { 'source.row': String(from + i) },
        }));
        await transaction.send({ topic, messages });
      }
      await transaction.commit();
      const data = await waitForPush(feed, 'box', (push) => push.rowsSeen >= ROWS, 60_000);
      // the window holds the last 50 rows: Temperature 99,950 … 99,999
      assert.deepEqual(
        boxes(data).map((box) => [box.name, box.count, box.min, box.median, box.max]),
        [['Queens', 50, 99_950, 99_974.5, 99_999]],
      );
      assert.equal(data.newestSourceRow, ROWS - 1);
      assert.equal(data.rowsSeen, ROWS, 'skipped rows count as seen, once');
      const { parsed, skipped, seeks } = feed.reading();
      assert.equal(parsed + skipped, ROWS);
      assert.ok(parsed < 1_000, `parsed ${parsed} of ${ROWS} rows`);
      assert.ok(seeks > 0, 'it sought over rows rather than fetch them all');
    } finally {
      await producer.disconnect();
      await feed.stop();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  },
);

test(
  'two charts of a sensor output, a chart added while streaming, and a proposed first chart',
  { timeout: 90_000 },
  async () => {
    const kafka = createKafka({ brokers: testBrokers(), clientId: 'test-chart-2', logger: quiet });
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('sensor-out');
    await retryRetriable(() =>
      admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] }),
    );
    const histogramChart: ChartSpec = {
      id: 'readings',
      title: 'Readings',
      type: 'histogram',
      x: 'reading',
      bins: 4,
      window: { rows: 100 },
    };
    const barChart: ChartSpec = {
      id: 'mean-by-sensor',
      title: 'Mean reading by sensor',
      type: 'bar',
      x: 'sensor',
      y: 'reading',
      aggregate: 'mean',
      window: { rows: 100 },
    };
    const feed = new ChartFeed({
      brokers: testBrokers(),
      topic,
      charts: [histogramChart, barChart],
      logger: quiet,
    });
    const bare = new ChartFeed({ brokers: testBrokers(), topic, charts: [], logger: quiet });
    const fieldLists: OutputField[][] = [];
    feed.on('fields', (fields) => fieldLists.push(fields));
    const proposed = new Promise<ChartSpec[]>((resolve) => bare.once('charts', resolve));
    try {
      await Promise.all([feed.start(), bare.start()]);
      const binsPush = waitForPush(feed, 'readings', (push) => push.rowsSeen === 6, 30_000);
      const barsPush = waitForPush(feed, 'mean-by-sensor', (push) => push.rowsSeen === 6, 30_000);
      const firstPush = waitForPush(bare, 'first-chart', (push) => push.rowsSeen === 6, 30_000);
      const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
      await produce(
        kafka,
        topic,
        [
          { sensor: 'a', reading: 1, at: at(1) },
          { sensor: 'a', reading: 2, at: at(2) },
          { sensor: 'b', reading: 10, at: at(3) },
          { sensor: 'a', reading: 3, at: at(4) },
          { sensor: 'b', reading: 20, at: at(5) },
          { sensor: 'b', reading: null, at: at(6) },
        ],
        { transactional: true },
      );
      // 1, 2, 3, 10, 20 in 4 bins of 4.75 from 1: [1, 5.75) holds 3, [5.75, 10.5) 1, the last 1
      const bins = await binsPush;
      assert.deepEqual(bins.figure, {
        type: 'histogram',
        edges: [1, 5.75, 10.5, 15.25, 20],
        series: [{ name: 'reading', counts: [3, 1, 0, 1] }],
      });
      assert.equal(bins.skipped, 1);
      const bars = await barsPush;
      assert.deepEqual(bars.figure, {
        type: 'bar',
        categories: ['a', 'b'],
        series: [{ name: 'mean', values: [2, 15] }],
      });
      assert.deepEqual(fieldLists.at(-1), [
        { name: 'sensor', type: 'string' },
        { name: 'reading', type: 'number' },
        { name: 'at', type: 'timestamp' },
      ]);
      assert.equal(
        feed.csv('mean-by-sensor').split('\n').slice(0, 1)[0],
        'sensor,reading',
        'CSV header: the chart fields',
      );
      assert.equal(feed.csv('mean-by-sensor').trim().split('\n').length, 7);

      // a line chart added while streaming starts from the rows already seen
      const line: ChartSpec = {
        id: 'line',
        title: 'Readings over time',
        type: 'line',
        x: 'at',
        y: 'reading',
        group: 'sensor',
        window: { rows: 100 },
      };
      const linePush = waitForPush(feed, 'line', (push) => push.rowsSeen === 6, 30_000);
      feed.setCharts([line, barChart]);
      const seconds = (s: number) => Date.parse(at(s));
      assert.deepEqual((await linePush).figure, {
        type: 'line',
        xTime: true,
        series: [
          { name: 'a', x: [seconds(1), seconds(2), seconds(4)], y: [1, 2, 3] },
          { name: 'b', x: [seconds(3), seconds(5)], y: [10, 20] },
        ],
      });
      assert.deepEqual(Object.keys(feed.data()), ['line', 'mean-by-sensor']);

      assert.deepEqual(await proposed, [
        {
          id: 'first-chart',
          title: 'Distribution of reading',
          type: 'histogram',
          x: 'reading',
          window: { rows: 1000 },
        },
      ]);
      assert.equal((await firstPush).windowRows, 6);
    } finally {
      await Promise.all([feed.stop(), bare.stop()]);
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
    await retryRetriable(() =>
      admin.createTopics({
        waitForLeaders: true,
        topics: [
          { topic: input, numPartitions: 4 },
          { topic: output, numPartitions: 4 },
        ],
      }),
    );
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
    const nycParkingCharts = presetCharts('nyc-parking-boroughs');
    const feed = new ChartFeed({
      brokers: testBrokers(),
      topic: output,
      charts: nycParkingCharts,
      logger: quiet,
    });
    const chartId = nycParkingCharts[0]!.id;
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
      const data = await waitForPush(feed, chartId, (push) => push.rowsSeen === 1_000, 90_000);
      assert.deepEqual(
        boxes(data).map((box) => [box.name, box.count]),
        [
          ['Bronx', 200],
          ['Brooklyn', 200],
          ['Manhattan', 200],
          ['Queens', 200],
          ['Staten Island', 200],
        ],
      );
      assert.equal(data.windowRows, 1_000);
    } finally {
      await feed.stop();
      await supervisor.stop();
      await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
      await admin.disconnect();
    }
  },
);
