// A broker restart in the middle of a stream: the producer waits, retries and finishes, and
// every row is in the topic exactly once. Runs its own throwaway broker (the shared test
// broker must not be restarted).
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
import { ParquetProducer, type ProduceProgress } from '../../main/producer/parquetProducer';
import { uniqueName } from '../support/testBroker';
import { readTopicToEnd } from '../support/topicReader';

const ROWS = 150_000;
let workDir = '';
let broker: LocalBroker | null = null;

before(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'ps-producer-restart-'));
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

function writeRows(file: string): void {
  const ids = Array.from({ length: ROWS }, (_, i) => BigInt(i) * 3n);
  const names = Array.from({ length: ROWS }, (_, i) => `street ${i % 977}`);
  const table = new arrow.Table({
    id: arrow.vectorFromArray(ids, new arrow.Int64()),
    street: arrow.vectorFromArray(names, new arrow.Utf8()),
  });
  const properties = new WriterPropertiesBuilder().setMaxRowGroupSize(10_000).build();
  writeFileSync(
    file,
    writeParquet(WasmTable.fromIPCStream(arrow.tableToIPC(table, 'stream')), properties),
  );
}

/** The source.row header of every message of `topic`. */
async function sourceRows(brokers: string[], topic: string): Promise<number[]> {
  const kafka = createKafka({ brokers, clientId: 'restart-test-reader' });
  const messages = await readTopicToEnd(kafka, topic, { readerName: 'restart-reader' });
  return messages.map(({ message }) => Number(message.headers?.['source.row']?.toString()));
}

it('survives a broker restart mid-stream with every row delivered exactly once', async () => {
  const local = broker as LocalBroker;
  const file = path.join(workDir, 'rows.parquet');
  writeRows(file);
  const topic = uniqueName('restart');
  const producer = new ParquetProducer({
    path: file,
    topic,
    brokers: local.brokers,
    createTopic: { partitions: 3 },
    ratePerSecond: 25_000,
    checkpointDir: path.join(workDir, 'checkpoints'),
  });
  let acked = 0;
  producer.on('progress', (event: ProduceProgress) => (acked = event.rowsAcked));
  const running = producer.run();
  const deadline = Date.now() + 60_000;
  while (acked < 30_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(acked >= 30_000, 'the stream got going before the restart');

  await local.stop();
  const ackedWhileDown = acked;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await local.start();

  const summary = await running;
  assert.ok(ackedWhileDown < ROWS, 'the restart happened mid-stream');
  assert.equal(summary.rowsFailed, 0);
  assert.equal(summary.rowsAcked, ROWS);
  const rows = await sourceRows(local.brokers, topic);
  assert.equal(rows.length, ROWS, 'no duplicates');
  assert.equal(new Set(rows).size, ROWS, 'no row lost');
});
