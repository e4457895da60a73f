// Broker restarts while a stream runs: the producer rides out one at full speed and several in a
// paced stream, and ends with every row in the topic exactly once; a stop while the broker is gone ends within its
// grace period, and --resume then delivers the rest exactly once. The test timeouts are the
// bounds a hang would break. Runs its own throwaway broker (the shared one must not restart).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, it } from 'node:test';
import * as arrow from 'apache-arrow';
import { Table as WasmTable, writeParquet, WriterPropertiesBuilder } from 'parquet-wasm';
import { createKafka } from '../../main/broker/kafkaClient';
import { freePort, LocalBroker } from '../../main/broker/localBroker';
import {
  ParquetProducer,
  type ProduceOptions,
  type ProduceProgress,
} from '../../main/producer/parquetProducer';
import { SOURCE_ROW_HEADER } from '../../main/shared/sourceHeaders';
import { uniqueName } from '../support/testBroker';
import { readTopicToEnd } from '../support/topicReader';

const ROWS = 40_000;
let workDir = '';
let file = '';
let broker: LocalBroker | null = null;

before(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'ps-producer-restarts-'));
  file = path.join(workDir, 'rows.parquet');
  writeRows(file);
  broker = new LocalBroker({
    dataDir: path.join(workDir, 'broker'),
    port: await freePort(),
    heapMb: 512,
  });
  await broker.start();
});

after(async () => {
  await broker?.stop();
  await rm(workDir, { recursive: true, force: true });
});

function writeRows(target: string): void {
  const ids = Array.from({ length: ROWS }, (_, i) => i * 7);
  const table = new arrow.Table({ id: arrow.vectorFromArray(ids, new arrow.Int32()) });
  const properties = new WriterPropertiesBuilder().setMaxRowGroupSize(5_000).build();
  writeFileSync(
    target,
    writeParquet(WasmTable.fromIPCStream(arrow.tableToIPC(table, 'stream')), properties),
  );
}

/** How many times each dataset row is in `topic`, by its source.row header. */
async function rowCounts(topic: string): Promise<Map<number, number>> {
  const kafka = createKafka({ brokers: (broker as LocalBroker).brokers, clientId: 'restarts' });
  const counts = new Map<number, number>();
  for (const { message } of await readTopicToEnd(kafka, topic, { readerName: 'restarts' })) {
    const row = Number(message.headers?.[SOURCE_ROW_HEADER]?.toString());
    counts.set(row, (counts.get(row) ?? 0) + 1);
  }
  return counts;
}

function assertEveryRowOnce(counts: Map<number, number>): void {
  const missing = Array.from({ length: ROWS }, (_, row) => row).filter((row) => !counts.has(row));
  const repeated = [...counts].filter(([, count]) => count > 1).map(([row]) => row);
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} rows missing`);
  assert.deepEqual(repeated.slice(0, 10), [], `${repeated.length} rows repeated`);
  assert.equal(counts.size, ROWS);
}

function producerFor(topic: string, extra: Partial<ProduceOptions> = {}): ParquetProducer {
  return new ParquetProducer({
    path: file,
    topic,
    brokers: (broker as LocalBroker).brokers,
    createTopic: { partitions: 3 },
    ratePerSecond: 1_000,
    checkpointDir: path.join(workDir, 'checkpoints'),
    ...extra,
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(condition(), what);
}

it(
  'survives a broker restart in a stream at full speed with every row delivered exactly once',
  { timeout: 4 * 60_000 },
  async () => {
    const local = broker as LocalBroker;
    const topic = uniqueName('restart');
    const producer = producerFor(topic, { ratePerSecond: 25_000 });
    let acked = 0;
    producer.on('progress', (event: ProduceProgress) => (acked = event.rowsAcked));
    const running = producer.run();
    await until(() => acked >= 8_000, 'the stream got going before the restart');
    await local.stop();
    const ackedWhileDown = acked;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await local.start();
    const summary = await running;
    assert.ok(ackedWhileDown < ROWS, 'the restart happened mid-stream');
    assert.equal(summary.rowsFailed, 0);
    assert.equal(summary.rowsAcked, ROWS);
    assertEveryRowOnce(await rowCounts(topic));
  },
);

it(
  'rides out three broker restarts mid-stream with every row delivered exactly once',
  { timeout: 8 * 60_000 },
  async () => {
    const local = broker as LocalBroker;
    const topic = uniqueName('restarts');
    const producer = producerFor(topic);
    let progress: ProduceProgress | null = null;
    producer.on('progress', (event: ProduceProgress) => (progress = event));
    let finished = false;
    const running = producer.run().finally(() => (finished = true));
    const acked = () => (progress as ProduceProgress | null)?.rowsAcked ?? 0;
    for (const threshold of [5_000, 15_000, 25_000]) {
      await until(() => acked() >= threshold || finished, `${threshold} rows acknowledged`);
      assert.ok(!finished, `the stream was still running at restart ${threshold}`);
      await local.stop();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await local.start();
    }
    const summary = await running;
    assert.equal(summary.rowsFailed, 0);
    assert.equal(summary.rowsAcked, ROWS);
    assertEveryRowOnce(await rowCounts(topic));
  },
);

it(
  'stops within its grace period while the broker is gone, and --resume sends the rest once',
  { timeout: 5 * 60_000 },
  async () => {
    const local = broker as LocalBroker;
    const topic = uniqueName('stop-down');
    const first = producerFor(topic);
    let acked = 0;
    first.on('progress', (event: ProduceProgress) => (acked = event.rowsAcked));
    const running = first.run();
    await until(() => acked >= 5_000, 'the stream got going');
    await local.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // rows are in flight, unanswered
    await first.stop();
    const summary = await running;
    assert.equal(summary.stopped, true);
    assert.ok(summary.rowsAcked < ROWS, 'stopped mid-stream');

    await local.start();
    const resumed = await producerFor(topic, { createTopic: undefined, resume: true }).run();
    assert.equal(resumed.stopped, false);
    assertEveryRowOnce(await rowCounts(topic));
  },
);
