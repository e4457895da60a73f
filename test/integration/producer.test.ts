// The producer against a real broker: every row arrives exactly once with the codec's JSON,
// the key and headers; partitions match the Java client; stop reports exact counts; a run
// stopped or killed with SIGKILL and resumed delivers every row exactly once; mistakes and an
// unreachable broker give one-line errors.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import { Table as WasmTable, writeParquet, WriterPropertiesBuilder } from 'parquet-wasm';
import { writeFileSync } from 'node:fs';
import { createKafka } from '../../main/broker/kafkaClient';
import { createTopic } from '../../main/broker/topicAdmin';
import { ParquetDataset } from '../../main/parquet/parquetDataset';
import { RowCodec } from '../../main/parquet/rowCodec';
import { murmur2, toPositive } from '../../main/producer/murmur2';
import {
  ParquetProducer,
  type ProduceOptions,
  type ProduceProgress,
} from '../../main/producer/parquetProducer';
import { isUserError, InputError } from '../../main/shared/errors';
import { testBrokers, uniqueName } from '../support/testBroker';
import { readTopicToEnd } from '../support/topicReader';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'parquet-streamer.js');
const COUNTIES = ['NY', 'K', 'Q', 'BX', 'R', 'MN'];

let workDir = '';
let small = ''; // 5,000 rows in row groups of 1,200
let large = ''; // 200,000 rows in row groups of 20,000
const expectedValues: string[] = [];

before(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'ps-producer-'));
  small = path.join(workDir, 'small.parquet');
  large = path.join(workDir, 'large.parquet');
  writeParkingParquet(small, 5_000, 1_200);
  writeParkingParquet(large, 200_000, 20_000);
  const dataset = await ParquetDataset.open(small);
  const codec = new RowCodec(dataset.schema, { timestamps: 'iso' });
  for await (const slice of dataset.readRowGroups())
    expectedValues.push(...codec.encodeRows(slice.table));
});

after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** A parking-violations-like file: int64 ids, a timestamp, short strings, nullable doubles. */
function writeParkingParquet(file: string, rows: number, rowGroupRows: number): void {
  const ids = new Array<bigint>(rows);
  const times = new Array<number>(rows);
  const counties = new Array<string>(rows);
  const temperatures = new Array<number | null>(rows);
  for (let i = 0; i < rows; i++) {
    ids[i] = 8_000_000_000n + BigInt(i * 7);
    times[i] = Date.UTC(2017, 0, 1) + i * 1_000;
    counties[i] = COUNTIES[(i * 31) % COUNTIES.length];
    temperatures[i] = i % 33 === 0 ? null : 20 + ((i * 13) % 400) / 10;
  }
  const table = new arrow.Table({
    'Summons Number': arrow.vectorFromArray(ids, new arrow.Int64()),
    'Issue Date': arrow.vectorFromArray(times, new arrow.TimestampMillisecond()),
    'Violation County Name': arrow.vectorFromArray(counties, new arrow.Utf8()),
    'W - Temperature': arrow.vectorFromArray(temperatures, new arrow.Float64()),
  });
  const properties = new WriterPropertiesBuilder().setMaxRowGroupSize(rowGroupRows).build();
  const bytes = writeParquet(
    WasmTable.fromIPCStream(arrow.tableToIPC(table, 'stream')),
    properties,
  );
  writeFileSync(file, bytes);
}

interface Received {
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  file: string;
  row: number;
}

/** Reads a whole topic, from the first offset to the end offsets it has now. */
async function readTopic(topic: string): Promise<Received[]> {
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'producer-test-reader' });
  const messages = await readTopicToEnd(kafka, topic, { readerName: 'producer-test-reader' });
  return messages.map(({ partition, message }) => ({
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? '',
    file: message.headers?.['source.file']?.toString() ?? '',
    row: Number(message.headers?.['source.row']?.toString()),
  }));
}

/** Rows seen more than once, and rows of 0..total-1 never seen. */
function exactlyOnce(
  received: Received[],
  total: number,
): { duplicates: number[]; missing: number[] } {
  const seen = new Uint8Array(total);
  const duplicates: number[] = [];
  for (const message of received) {
    if (seen[message.row]) duplicates.push(message.row);
    seen[message.row] = 1;
  }
  const missing: number[] = [];
  seen.forEach((flag, row) => {
    if (!flag) missing.push(row);
  });
  return { duplicates, missing };
}

/** Resolves once the producer reports at least `rows` rows acknowledged. */
function untilAcked(producer: ParquetProducer, rows: number): Promise<void> {
  return new Promise((resolve) =>
    producer.on('progress', (event: ProduceProgress) => {
      if (event.rowsAcked >= rows) resolve();
    }),
  );
}

/** Runs a producer and stops it once `rows` rows are acknowledged; resolves to its summary. */
async function stopAfterAcked(base: ProduceOptions, rows: number) {
  const producer = new ParquetProducer(base);
  const running = producer.run();
  await untilAcked(producer, rows);
  await producer.stop();
  return running;
}

function options(overrides: Partial<ProduceOptions> & { topic: string }): ProduceOptions {
  return {
    path: small,
    brokers: testBrokers(),
    checkpointDir: path.join(workDir, 'checkpoints'),
    ...overrides,
  };
}

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('ParquetProducer', () => {
  it('delivers every row once with the codec JSON, row-index key, headers and Java partitions', async () => {
    const topic = uniqueName('produce');
    const producer = new ParquetProducer(
      options({ topic, createTopic: { partitions: 4 }, deliveryThreads: 2 }),
    );
    const progress: ProduceProgress[] = [];
    producer.on('progress', (event: ProduceProgress) => progress.push(event));
    const summary = await producer.run();
    assert.deepEqual(
      [summary.rowsRead, summary.rowsSent, summary.rowsAcked, summary.rowsFailed, summary.stopped],
      [5_000, 5_000, 5_000, 0, false],
    );
    const last = progress.at(-1);
    assert.equal(last?.state, 'done');
    assert.equal(last?.rowsAcked, 5_000);
    assert.equal(last?.rowsTotal, 5_000);

    const received = await readTopic(topic);
    assert.deepEqual(exactlyOnce(received, 5_000), { duplicates: [], missing: [] });
    for (const message of received) {
      assert.equal(message.key, String(message.row));
      assert.equal(message.file, 'small.parquet');
      assert.equal(message.value, expectedValues[message.row]);
      assert.equal(message.partition, toPositive(murmur2(Buffer.from(message.key))) % 4);
    }
    // rows keep their order within a partition
    for (let partition = 0; partition < 4; partition++) {
      const rows = received.filter((m) => m.partition === partition).map((m) => m.row);
      assert.deepEqual(
        rows,
        [...rows].sort((a, b) => a - b),
      );
    }
  });

  it('keys by a column and places keys with the modulo partitioner; honours offset and limit', async () => {
    const topic = uniqueName('produce-modulo');
    const summary = await new ParquetProducer(
      options({
        topic,
        createTopic: { partitions: 3 },
        keyColumn: 'Summons Number',
        partitioner: 'modulo',
        offset: 1_000,
        limit: 1_500,
      }),
    ).run();
    assert.equal(summary.rowsAcked, 1_500);
    const received = await readTopic(topic);
    assert.deepEqual(
      received.map((m) => m.row).sort((a, b) => a - b),
      Array.from({ length: 1_500 }, (_, i) => 1_000 + i),
    );
    for (const message of received) {
      const id = 8_000_000_000 + message.row * 7;
      assert.equal(message.key, String(id));
      assert.equal(message.partition, id % 3);
    }
  });

  it('shuffles within row groups, the same way for the same seed', async () => {
    const orders: number[][] = [];
    for (const topic of [uniqueName('shuffle'), uniqueName('shuffle')]) {
      await new ParquetProducer(
        options({ topic, createTopic: { partitions: 1 }, shuffle: true, seed: 42 }),
      ).run();
      orders.push((await readTopic(topic)).map((m) => m.row));
    }
    assert.deepEqual(orders[0], orders[1]);
    assert.notDeepEqual(
      orders[0],
      [...orders[0]].sort((a, b) => a - b),
    );
    // rows stay within their row group of 1,200
    orders[0].forEach((row, index) =>
      assert.equal(Math.floor(row / 1_200), Math.floor(index / 1_200)),
    );
  });

  it('stops with exact counts, then resumes every remaining row exactly once', async () => {
    const topic = uniqueName('stop-resume');
    const base = options({
      topic,
      path: large,
      createTopic: { partitions: 4 },
      ratePerSecond: 40_000,
    });
    const stopped = await stopAfterAcked(base, 20_000);
    assert.equal(stopped.stopped, true);
    assert.equal(stopped.rowsFailed, 0);
    assert.equal(stopped.rowsRead, stopped.rowsSent);
    assert.equal(stopped.rowsSent, stopped.rowsAcked);
    assert.ok(stopped.rowsAcked < 200_000);
    assert.equal((await readTopic(topic)).length, stopped.rowsAcked);

    const resumed = await new ParquetProducer({ ...base, ratePerSecond: null, resume: true }).run();
    assert.equal(resumed.rowsAcked, 200_000 - stopped.rowsAcked);
    assert.deepEqual(exactlyOnce(await readTopic(topic), 200_000), { duplicates: [], missing: [] });
  });

  it('resumes a stopped shuffled stream in the same order, every row exactly once', async () => {
    const topic = uniqueName('shuffle-resume');
    const base = options({
      topic,
      path: large,
      createTopic: { partitions: 1 },
      shuffle: true,
      seed: 7,
      ratePerSecond: 50_000,
    });
    const stopped = await stopAfterAcked(base, 30_000);
    assert.ok(stopped.stopped && stopped.rowsAcked < 200_000);
    const resumed = await new ParquetProducer({
      ...base,
      ratePerSecond: null,
      seed: undefined,
      resume: true,
    }).run();
    assert.equal(stopped.rowsAcked + resumed.rowsAcked, 200_000);
    const received = await readTopic(topic);
    assert.deepEqual(exactlyOnce(received, 200_000), { duplicates: [], missing: [] });
    // one partition: the topic order is the stream order, identical to an uninterrupted run
    const reference = uniqueName('shuffle-reference');
    await new ParquetProducer({ ...base, topic: reference, ratePerSecond: null }).run();
    assert.deepEqual(
      received.map((m) => m.row),
      (await readTopic(reference)).map((m) => m.row),
    );
  });

  it('refuses to resume with a different stream order', async () => {
    const topic = uniqueName('resume-mismatch');
    const base = options({ topic, createTopic: { partitions: 1 }, shuffle: true, seed: 3 });
    await new ParquetProducer(base).run();
    await assert.rejects(
      new ParquetProducer({ ...base, seed: 4, resume: true }).run(),
      (error: unknown) =>
        isUserError(error) && /--seed differ from the interrupted run/.test(error.message),
    );
  });

  it('refuses a second producer of the same dataset and topic while the first runs', async () => {
    const topic = uniqueName('one-at-a-time');
    const base = options({
      topic,
      path: large,
      createTopic: { partitions: 2 },
      limit: 20_000,
      ratePerSecond: 10_000,
    });
    const first = new ParquetProducer(base);
    const running = first.run();
    await untilAcked(first, 1_000);
    const second = cli([
      'produce',
      large,
      '--topic',
      topic,
      '--brokers',
      testBrokers().join(','),
      '--checkpoint-dir',
      base.checkpointDir ?? '',
    ]);
    assert.equal(second.code, 1);
    assert.equal(
      second.stderr,
      `error: another producer (process ${process.pid}) is streaming ${large} to topic ${topic} — wait for it to finish or stop it, then run again\n`,
    );
    await first.stop();
    await running;
    // the first one's end releases the stream: resuming it delivers the rest
    await new ParquetProducer({ ...base, resume: true }).run();
    assert.deepEqual(exactlyOnce(await readTopic(topic), 20_000), { duplicates: [], missing: [] });
  });

  it('pauses (no rows acknowledged while paused) and resumes to the end', async () => {
    const topic = uniqueName('pause');
    const producer = new ParquetProducer(
      options({
        topic,
        path: large,
        createTopic: { partitions: 2 },
        limit: 60_000,
        ratePerSecond: 30_000,
      }),
    );
    const running = producer.run();
    await untilAcked(producer, 5_000);
    producer.pause();
    await new Promise((resolve) => setTimeout(resolve, 500)); // let the send in flight land
    const paused = producer.progress();
    assert.equal(paused.state, 'paused');
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(producer.progress().rowsAcked, paused.rowsAcked);
    producer.resume();
    const summary = await running;
    assert.equal(summary.rowsAcked, 60_000);
    assert.deepEqual(exactlyOnce(await readTopic(topic), 60_000), { duplicates: [], missing: [] });
  });

  // the schedule itself is checked on a fake clock in test/unit/pacer.test.ts
  it('delivers every row exactly once when replaying by event time', async () => {
    const topic = uniqueName('replay');
    const summary = await new ParquetProducer(
      options({ topic, createTopic: { partitions: 2 }, replayColumn: 'Issue Date', speed: 5_000 }),
    ).run();
    assert.equal(summary.rowsAcked, 5_000);
    assert.deepEqual(exactlyOnce(await readTopic(topic), 5_000), { duplicates: [], missing: [] });
  });

  it('explains mistakes in one line: missing topic, unknown columns, non-integer modulo keys', async () => {
    const oneLine = (pattern: RegExp) => (error: unknown) =>
      isUserError(error) && pattern.test(error.message) && !error.message.includes('\n');
    await assert.rejects(
      new ParquetProducer(options({ topic: uniqueName('absent') })).run(),
      oneLine(/does not exist — add --create-topic --partitions N/),
    );
    await assert.rejects(
      new ParquetProducer(
        options({ topic: uniqueName('x'), createTopic: { partitions: 1 }, keyColumn: 'Plate' }),
      ).run(),
      oneLine(/--key "Plate" is not a column of .*columns are: Summons Number, Issue Date/),
    );
    await assert.rejects(
      new ParquetProducer(
        options({ topic: uniqueName('x'), createTopic: { partitions: 1 }, replayColumn: 'When' }),
      ).run(),
      oneLine(/--replay-column "When" is not a column/),
    );
    await assert.rejects(
      new ParquetProducer(
        options({
          topic: uniqueName('x'),
          createTopic: { partitions: 2 },
          keyColumn: 'Violation County Name',
          partitioner: 'modulo',
        }),
      ).run(),
      (error: unknown) => error instanceof InputError && /row 0 has key "NY"/.test(error.message),
    );
  });

  it('reports an unreachable broker in one line that says what to do', async () => {
    await assert.rejects(
      new ParquetProducer({ ...options({ topic: 'any' }), brokers: ['127.0.0.1:1'] }).run(),
      (error: unknown) =>
        isUserError(error) &&
        /^broker at 127\.0\.0\.1:1 is not reachable — start/.test(error.message),
    );
  });

  it('rejects a row larger than the topic accepts before sending it', async () => {
    const topic = uniqueName('too-large');
    await createTopic(testBrokers(), { topic, partitions: 1 });
    const admin = createKafka({ brokers: testBrokers(), clientId: 'producer-test' }).admin();
    await admin.connect();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        { type: 2, name: topic, configEntries: [{ name: 'max.message.bytes', value: '150' }] },
      ],
    });
    await admin.disconnect();
    await assert.rejects(
      new ParquetProducer(options({ topic })).run(),
      (error: unknown) =>
        isUserError(error) &&
        /row 0 of small\.parquet makes a \d+-byte message/.test(error.message),
    );
  });
});

describe('parquet-streamer produce', () => {
  it('prints a JSON summary and one-line errors', () => {
    const topic = uniqueName('cli-produce');
    const ok = cli([
      'produce',
      small,
      '--topic',
      topic,
      '--brokers',
      testBrokers().join(','),
      '--create-topic',
      '--partitions',
      '2',
      '--limit',
      '100',
      '--json',
      '--checkpoint-dir',
      path.join(workDir, 'cli-cp'),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    const summary = JSON.parse(ok.stdout);
    assert.equal(summary.rowsAcked, 100);
    assert.equal(summary.rowsFailed, 0);

    const missing = cli([
      'produce',
      small,
      '--topic',
      uniqueName('absent'),
      '--brokers',
      testBrokers().join(','),
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: topic "absent-[0-9a-f]+" does not exist/);
    assert.equal(missing.stderr.trim().split('\n').length, 1);

    const noPartitions = cli(['produce', small, '--topic', 't', '--create-topic']);
    assert.equal(noPartitions.code, 2);
    assert.equal(
      noPartitions.stderr.trim(),
      'error: --create-topic needs --partitions N (how many partitions the topic gets)',
    );

    const noThreads = cli(['produce', small, '--topic', 't', '--delivery-threads', '0']);
    assert.equal(noThreads.code, 2);
    assert.equal(noThreads.stderr.trim(), 'error: --delivery-threads takes 1 to 8 (got 0)');

    const help = cli(['produce', '--help']);
    assert.equal(help.code, 0);
    for (const flag of [
      '--topic',
      '--key',
      '--partitioner',
      '--rate',
      '--replay-column',
      '--resume',
      '--json',
    ]) {
      assert.ok(help.stdout.includes(flag), flag);
    }
  });

  it('survives SIGKILL mid-stream: each resume continues, and every row arrives exactly once', async () => {
    const topic = uniqueName('sigkill');
    const checkpoints = path.join(workDir, 'sigkill-cp');
    const args = [
      BIN,
      'produce',
      large,
      '--topic',
      topic,
      '--brokers',
      testBrokers().join(','),
      '--create-topic',
      '--partitions',
      '3',
      '--checkpoint-dir',
      checkpoints,
      '--delivery-threads',
      '2',
      // slow enough that each kill lands mid-stream
      '--rate',
      '50000',
      '--json',
    ];
    let kills = 0;
    // kill twice mid-stream (a resumed run is killed too), then let the last resume finish
    for (const resume of [false, true]) {
      const child = spawn(process.execPath, resume ? [...args, '--resume'] : args, {
        stdio: 'ignore',
      });
      await waitForTopicRows(topic, resume ? 110_000 : 40_000);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      kills++;
    }
    assert.equal(kills, 2);
    const before = (await readTopic(topic)).length;
    assert.ok(before < 200_000, 'killed before the end');
    const finished = cli([...args.slice(1), '--resume']);
    assert.equal(finished.code, 0, finished.stderr);
    assert.deepEqual(exactlyOnce(await readTopic(topic), 200_000), { duplicates: [], missing: [] });
  });
});

/** Polls the topic's end offsets until they sum to at least `rows` (60 s at most). */
async function waitForTopicRows(topic: string, rows: number): Promise<void> {
  const admin = createKafka({ brokers: testBrokers(), clientId: 'producer-test-poll' }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
      const total = offsets.reduce((sum, entry) => sum + Number(entry.high), 0);
      if (total >= rows) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`topic ${topic} did not reach ${rows} rows within 60 s`);
  } finally {
    await admin.disconnect();
  }
}
