// The broker stopped for 10 s mid-stream and started again on the same data dir and port, five
// times in a row, while 2 workers and the Parquet producer run. Each worker says `reconnecting`
// on /health (503) during an outage and is back to 200 within 30 s of the broker's return, no
// worker process exits (the same PIDs throughout, no restarts), and the committed output
// (read_committed) holds every input row exactly once. The producer streams a file longer than
// the test and is stopped after the last outage; the oracle is the input topic (the source.row
// values the producer delivered, each once) and the file (row r has id 7r), as the transform
// keeps each row's id. Runs its own broker (the shared one must not stop).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, it } from 'node:test';
import * as arrow from 'apache-arrow';
import { Table as WasmTable, writeParquet, WriterPropertiesBuilder } from 'parquet-wasm';
import type { WorkerState } from '../../main/api/contract';
import { freePort, LocalBroker } from '../../main/broker/localBroker';
import { ParquetProducer, type ProduceProgress } from '../../main/producer/parquetProducer';
import { SOURCE_ROW_HEADER } from '../../main/shared/sourceHeaders';
import { readTopicToEnd } from '../support/topicReader';
import {
  assertNoWorkerLeft,
  readOutput,
  setUp,
  sleep,
  supervise,
  tearDown,
  waitFor,
  waitForGroupEnd,
} from '../support/workerPipelineFixture';

/** more rows than RATE delivers in the test's time: the stream outlasts the outages */
const ROWS = 200_000;
const RATE = 300;
const OUTAGES = 5;
const OUTAGE_MS = 10_000;
/** the bound: a worker resumes within 30 s of the broker's return */
const RESUME_MS = 30_000;
/** rows that must flow between outages */
const BETWEEN_ROWS = 600;
const TRANSFORM = JSON.stringify({ name: 'keep-id', steps: [{ type: 'select', fields: ['id'] }] });

let workDir = '';
let file = '';
let broker: LocalBroker | null = null;

before(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'ps-broker-outage-'));
  file = path.join(workDir, 'rows.parquet');
  const ids = Array.from({ length: ROWS }, (_, row) => row * 7);
  const table = new arrow.Table({ id: arrow.vectorFromArray(ids, new arrow.Int32()) });
  const properties = new WriterPropertiesBuilder().setMaxRowGroupSize(5_000).build();
  writeFileSync(
    file,
    writeParquet(WasmTable.fromIPCStream(arrow.tableToIPC(table, 'stream')), properties),
  );
  broker = new LocalBroker({
    dataDir: path.join(workDir, 'broker'),
    port: await freePort(),
    heapMb: 512,
    // a bound for a hang only: on a loaded machine a JVM start takes minutes
    startTimeoutMs: 240_000,
  });
  await broker.start();
});

after(async () => {
  await broker?.stop();
  await rm(workDir, { recursive: true, force: true });
});

/** A worker's /health answer, or null when it did not answer. */
async function health(port: number): Promise<{ code: number; status: string } | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, {
      signal: AbortSignal.timeout(1_000),
    });
    const body = (await response.json()) as { status: string };
    return { code: response.status, status: body.status };
  } catch {
    return null;
  }
}

/** Polls each port's /health while `going()`; the ports that answered 503 `reconnecting`. */
async function reportedReconnecting(ports: number[], going: () => boolean): Promise<Set<number>> {
  const seen = new Set<number>();
  while (going()) {
    for (const port of ports) {
      const answer = await health(port);
      if (answer?.code === 503 && answer.status === 'reconnecting') seen.add(port);
    }
    await sleep(250);
  }
  return seen;
}

it(
  'workers ride out the broker stopped 10 s five times mid-stream, every row exactly once',
  { timeout: 25 * 60_000 },
  async () => {
    const local = broker as LocalBroker;
    const fixture = await setUp('outage', [], local.brokers);
    const supervisor = supervise(fixture, { transform: TRANSFORM });
    const states = new Set<WorkerState>();
    supervisor.on('workers', (workers) => workers.forEach((worker) => states.add(worker.state)));
    try {
      const pool = await supervisor.scaleTo(2);
      assert.deepEqual(
        pool.map((worker) => worker.state),
        ['running', 'running'],
      );
      const pids = pool.map((worker) => worker.pid);
      const ports = pool.map((worker) => worker.port);
      const producer = new ParquetProducer({
        path: file,
        topic: fixture.input,
        brokers: local.brokers,
        ratePerSecond: RATE,
        checkpointDir: path.join(workDir, 'checkpoints'),
      });
      let acked = 0;
      producer.on('progress', (progress: ProduceProgress) => (acked = progress.rowsAcked));
      let finished = false;
      const running = producer.run().finally(() => (finished = true));
      running.catch(() => undefined); // a failed stream is reported where it is awaited
      for (let outage = 1; outage <= OUTAGES; outage += 1) {
        const threshold = acked + BETWEEN_ROWS;
        await waitFor(
          `${threshold} rows acknowledged`,
          () => acked >= threshold,
          60_000,
          fixture.logFile,
        );
        assert.ok(!finished, `the stream was still running at outage ${outage}`);
        // the outage: from the broker's stop until it answers clients again
        await local.stop();
        let down = true;
        const watched = reportedReconnecting(ports, () => down);
        await sleep(OUTAGE_MS);
        await local.start().finally(() => (down = false));
        const reconnecting = await watched;
        await waitFor(
          `both workers answer /health 200 again after outage ${outage}`,
          async () => {
            const answers = await Promise.all(ports.map(health));
            return answers.every((answer) => answer?.code === 200 && answer.status === 'consuming');
          },
          RESUME_MS,
          fixture.logFile,
        );
        assert.deepEqual(
          ports.filter((port) => !reconnecting.has(port)),
          [],
          `workers that never said 503 reconnecting during outage ${outage}`,
        );
        assert.deepEqual(
          supervisor.workers().map((worker) => [worker.pid, worker.restarts]),
          pids.map((pid) => [pid, 0]),
          `the same worker processes after outage ${outage}`,
        );
        process.stderr.write(`outage ${outage}: ${acked} rows acknowledged, both workers back\n`);
      }
      const last = acked + BETWEEN_ROWS;
      await waitFor(`${last} rows acknowledged`, () => acked >= last, 60_000, fixture.logFile);
      await producer.stop();
      const summary = await running;
      assert.deepEqual(
        [summary.stopped, summary.rowsFailed, summary.rowsSent],
        [true, 0, summary.rowsAcked],
        'the stream ran through every outage and every row it sent was acknowledged',
      );
      await waitForGroupEnd(fixture, 120_000);
      const workers = supervisor.workers();
      assert.deepEqual(
        workers.map((worker) => [worker.pid, worker.restarts, worker.state]),
        pids.map((pid) => [pid, 0, 'running']),
        'the same worker processes ran throughout',
      );
      assert.ok(states.has('reconnecting'), `the supervisor showed ${[...states].join(', ')}`);
      await supervisor.stop();

      const input = new Map<number, number>();
      for (const { message } of await readTopicToEnd(fixture.kafka, fixture.input)) {
        const row = Number(message.headers?.[SOURCE_ROW_HEADER]?.toString());
        input.set(row, (input.get(row) ?? 0) + 1);
      }
      assert.equal(input.size, summary.rowsAcked, 'the input holds each acknowledged row');
      assert.deepEqual(
        [...input].filter(([, count]) => count !== 1),
        [],
        'the producer delivered each row once',
      );
      const output = await readOutput(fixture);
      const missing: number[] = [];
      const repeated: number[] = [];
      for (const row of input.keys()) {
        const records = output.get(row) ?? [];
        if (records.length === 0) missing.push(row);
        if (records.length > 1) repeated.push(row);
        for (const record of records) assert.deepEqual(record.value, { id: row * 7 }, `row ${row}`);
      }
      process.stderr.write(
        `broker outages: ${input.size} rows in, ${missing.length} missing, ${repeated.length} repeated\n`,
      );
      assert.deepEqual(missing.slice(0, 10), [], `${missing.length} rows missing`);
      assert.deepEqual(repeated.slice(0, 10), [], `${repeated.length} rows repeated`);
      assert.deepEqual(
        [...output.keys()].filter((row) => !input.has(row)),
        [],
        'only input rows are in the output',
      );
      assertNoWorkerLeft(fixture);
    } finally {
      await tearDown(fixture, supervisor);
    }
  },
);
