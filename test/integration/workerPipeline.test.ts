// The worker pipeline against a real broker, driven through the supervisor: rows with known
// boroughs go into a 4-partition topic and must come out transformed exactly once each (counted
// by the source.row header, read_committed) — with 2 workers, after a SIGKILL mid-stream, and
// while scaling 2 → 3 → 1. The group's committed offsets must reach the input's end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { createKafka } from '../../main/broker/kafkaClient';
import { createLogger } from '../../main/shared/logger';
import { WorkerSupervisor } from '../../main/supervisor/workerSupervisor';
import { BOROUGH_CODES, transformBoroughRow } from '../../main/worker/boroughTransform';
import { testBrokers, uniqueName } from '../support/testBroker';

const PARTITIONS = 4;
// every borough code the transform knows, in turn
const CODES = Object.keys(BOROUGH_CODES);
// every fifth row has no known borough: an unknown code, null, or no field at all
const UNKNOWN: unknown[] = ['XX', null, undefined, 'brooklyn'];

function inputRow(index: number): Record<string, unknown> {
  const county =
    index % 5 === 4 ? UNKNOWN[((index / 5) % UNKNOWN.length) | 0] : CODES[index % CODES.length];
  const row: Record<string, unknown> = {
    'Summons Number': 1_000_000 + index,
    'Issue Date': `2017-01-${String((index % 28) + 1).padStart(2, '0')}`,
    'W - Temperature': index % 7 === 0 ? null : 20 + (index % 60),
    'Street Name': 'Broadway',
  };
  if (county !== undefined) row['Violation County Name'] = county;
  return row;
}

interface Fixture {
  kafka: Kafka;
  admin: Admin;
  input: string;
  output: string;
  group: string;
  baseDir: string;
  logFile: string;
}

async function setUp(
  name: string,
  outputConfig: { name: string; value: string }[] = [],
): Promise<Fixture> {
  const baseDir = await mkdtemp(path.join(os.tmpdir(), `ps-${name}-`));
  const kafka = createKafka({
    brokers: testBrokers(),
    clientId: `test-${name}`,
    logger: createLogger('test', () => undefined),
  });
  const admin = kafka.admin();
  await admin.connect();
  const input = uniqueName(`${name}-in`);
  const output = uniqueName(`${name}-out`);
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: input, numPartitions: PARTITIONS },
      { topic: output, numPartitions: PARTITIONS, configEntries: outputConfig },
    ],
  });
  return {
    kafka,
    admin,
    input,
    output,
    group: uniqueName(`${name}-group`),
    baseDir,
    logFile: path.join(baseDir, 'workers.log'),
  };
}

function supervise(fixture: Fixture, extra: { startTimeoutMs?: number } = {}): WorkerSupervisor {
  const log = (line: string) => appendFileSync(fixture.logFile, line + '\n');
  return new WorkerSupervisor({
    brokers: testBrokers(),
    group: fixture.group,
    inputTopic: fixture.input,
    outputTopic: fixture.output,
    baseDir: fixture.baseDir,
    basePort: 20_000 + Math.floor(Math.random() * 20_000),
    logger: createLogger('supervisor', log),
    workerOutput: (_id, line) => log(line),
    sessionTimeoutMs: 6_000,
    stopTimeoutMs: 15_000,
    startTimeoutMs: 45_000,
    ...extra,
  });
}

/** Produces rows [from, to) with key = row index, partition = index % 4 and the source headers. */
async function produceRows(kafka: Kafka, topic: string, from: number, to: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const messages = [];
    for (let index = from; index < to; index += 1) {
      messages.push({
        key: String(index),
        partition: index % PARTITIONS,
        value: JSON.stringify(inputRow(index)),
        headers: { 'source.file': 'tickets.parquet', 'source.row': String(index) },
      });
    }
    await producer.send({ topic, messages, acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  logFile: string,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      assert.fail(`timed out after ${timeoutMs} ms waiting until ${what} (worker log: ${logFile})`);
    await sleep(250);
  }
}

/** true when the group's committed offsets equal the input topic's end offsets */
async function groupReachedEnd(fixture: Fixture): Promise<boolean> {
  const ends = await fixture.admin.fetchTopicOffsets(fixture.input);
  const [committed] = await fixture.admin.fetchOffsets({
    groupId: fixture.group,
    topics: [fixture.input],
  });
  return ends.every(({ partition, high }) => {
    const offset = committed?.partitions.find((entry) => entry.partition === partition)?.offset;
    return offset === high;
  });
}

async function waitForGroupEnd(fixture: Fixture, timeoutMs: number): Promise<void> {
  await waitFor(
    'the group committed the end of the input',
    () => groupReachedEnd(fixture),
    timeoutMs,
    fixture.logFile,
  );
}

/** Reads the whole output topic read_committed: source.row → the records carrying it. */
async function readOutput(
  fixture: Fixture,
): Promise<Map<number, { key: string; value: unknown; file: string }[]>> {
  const ends = await fixture.admin.fetchTopicOffsets(fixture.output);
  const remaining = new Map(
    ends
      .filter(({ high, low }) => high !== low)
      .map(({ partition, high }) => [partition, BigInt(high)]),
  );
  const rows = new Map<number, { key: string; value: unknown; file: string }[]>();
  const consumer = fixture.kafka.consumer({
    groupId: uniqueName('verify'),
    readUncommitted: false,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  try {
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const end = remaining.get(payload.partition);
      if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end)
        remaining.delete(payload.partition);
    });
    await consumer.subscribe({ topic: fixture.output, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const row = Number(message.headers?.['source.row']?.toString());
        const records = rows.get(row) ?? [];
        records.push({
          key: message.key?.toString() ?? '',
          value: JSON.parse(message.value?.toString() ?? 'null'),
          file: message.headers?.['source.file']?.toString() ?? '',
        });
        rows.set(row, records);
      },
    });
    await waitFor(
      'the output topic was read to its end',
      () => remaining.size === 0,
      60_000,
      fixture.logFile,
    );
  } finally {
    await consumer.disconnect();
  }
  return rows;
}

/** Every kept row exactly once, correctly transformed, same key, headers passed on; no dropped row. */
function assertExactlyOnce(
  rows: Map<number, { key: string; value: unknown; file: string }[]>,
  total: number,
) {
  let expectedCount = 0;
  const duplicates: number[] = [];
  const missing: number[] = [];
  for (let index = 0; index < total; index += 1) {
    const expected = transformBoroughRow(inputRow(index));
    const records = rows.get(index) ?? [];
    if (expected === null) {
      assert.equal(records.length, 0, `dropped row ${index} reached the output`);
      continue;
    }
    expectedCount += 1;
    if (records.length === 0) missing.push(index);
    if (records.length > 1) duplicates.push(index);
    for (const record of records) {
      assert.deepEqual(record.value, expected, `row ${index}`);
      assert.equal(record.key, String(index));
      assert.equal(record.file, 'tickets.parquet');
    }
  }
  assert.deepEqual(
    { missing: missing.slice(0, 20), duplicates: duplicates.slice(0, 20) },
    { missing: [], duplicates: [] },
  );
  const unexpected = [...rows.keys()].filter((row) => !(row >= 0 && row < total));
  assert.deepEqual(unexpected, []);
  assert.ok(expectedCount > 0 && expectedCount < total);
  return expectedCount;
}

async function tearDown(fixture: Fixture, supervisor: WorkerSupervisor): Promise<void> {
  await supervisor.stop();
  await fixture.admin
    .deleteTopics({ topics: [fixture.input, fixture.output] })
    .catch(() => undefined);
  await fixture.admin.disconnect();
}

test(
  'two workers deliver every kept row exactly once and commit the input offsets',
  { timeout: 180_000 },
  async () => {
    const fixture = await setUp('eos');
    const supervisor = supervise(fixture);
    try {
      const total = 4_000;
      await produceRows(fixture.kafka, fixture.input, 0, total / 2);
      const workers = await supervisor.scaleTo(2);
      assert.deepEqual(
        workers.map((worker) => [worker.id, worker.state, worker.dataDir]),
        [
          ['worker1', 'running', path.join(fixture.baseDir, 'worker1')],
          ['worker2', 'running', path.join(fixture.baseDir, 'worker2')],
        ],
      );
      assert.notEqual(workers[0]!.port, workers[1]!.port);
      await produceRows(fixture.kafka, fixture.input, total / 2, total);
      await waitForGroupEnd(fixture, 90_000);
      await waitFor(
        'the workers published all rows in /stats',
        () => supervisor.workers().reduce((sum, worker) => sum + worker.rowsIn, 0) === total,
        10_000,
        fixture.logFile,
      );
      const assigned = supervisor.workers().flatMap((worker) => worker.partitions);
      assert.deepEqual([...assigned].sort(), [0, 1, 2, 3]);
      const kept = supervisor.workers().reduce((sum, worker) => sum + worker.rowsOut, 0);
      await supervisor.stop();
      const expectedCount = assertExactlyOnce(await readOutput(fixture), total);
      assert.equal(kept, expectedCount);
    } finally {
      await tearDown(fixture, supervisor);
    }
  },
);

test(
  'a worker killed with SIGKILL mid-stream is restarted and no row is lost or doubled',
  { timeout: 240_000 },
  async () => {
    const fixture = await setUp('kill');
    const supervisor = supervise(fixture);
    try {
      await supervisor.scaleTo(2);
      const chunk = 250;
      const chunks = 40;
      let killedPid: number | null = null;
      for (let i = 0; i < chunks; i += 1) {
        await produceRows(fixture.kafka, fixture.input, i * chunk, (i + 1) * chunk);
        if (i === chunks / 2) {
          killedPid = supervisor.workers()[0]!.pid;
          assert.ok(killedPid !== null);
          process.kill(killedPid, 'SIGKILL');
        }
        await sleep(50);
      }
      await waitFor(
        'the supervisor restarted worker1',
        () => {
          const worker = supervisor.workers()[0]!;
          return worker.restarts === 1 && worker.state === 'running' && worker.pid !== killedPid;
        },
        60_000,
        fixture.logFile,
      );
      await waitForGroupEnd(fixture, 120_000);
      await supervisor.stop();
      assertExactlyOnce(await readOutput(fixture), chunk * chunks);
    } finally {
      await tearDown(fixture, supervisor);
    }
  },
);

test(
  'scaling 2 → 3 → 1 while rows stream keeps exactly-once delivery',
  { timeout: 240_000 },
  async () => {
    const fixture = await setUp('scale');
    const supervisor = supervise(fixture);
    const seen: number[] = [];
    supervisor.on('workers', (workers) => {
      if (seen[seen.length - 1] !== workers.length) seen.push(workers.length);
    });
    try {
      await supervisor.scaleTo(2);
      const chunk = 200;
      const chunks = 45;
      let producing = true;
      const producer = (async () => {
        for (let i = 0; i < chunks; i += 1) {
          await produceRows(fixture.kafka, fixture.input, i * chunk, (i + 1) * chunk);
          await sleep(100);
        }
        producing = false;
      })();
      await sleep(1_500);
      const three = await supervisor.scaleTo(3);
      assert.deepEqual(
        three.map((worker) => [worker.id, worker.state]),
        [
          ['worker1', 'running'],
          ['worker2', 'running'],
          ['worker3', 'running'],
        ],
      );
      assert.equal(new Set(three.map((worker) => worker.port)).size, 3);
      assert.ok(producing, 'scale-up finished while rows were still being produced');
      const one = await supervisor.scaleTo(1);
      assert.deepEqual(
        one.map((worker) => worker.id),
        ['worker1'],
      );
      await producer;
      await waitForGroupEnd(fixture, 120_000);
      await waitFor(
        'worker1 holds every partition',
        () => supervisor.workers()[0]!.partitions.length === PARTITIONS,
        30_000,
        fixture.logFile,
      );
      // the 'workers' events showed the pool at 2, then 3, then 1
      const order = [2, 3, 1];
      assert.equal(
        seen.reduce((matched, size) => (size === order[matched] ? matched + 1 : matched), 0),
        3,
        `${seen}`,
      );
      await supervisor.stop();
      assertExactlyOnce(await readOutput(fixture), chunk * chunks);
    } finally {
      await tearDown(fixture, supervisor);
    }
  },
);

test(
  'a failing transaction is aborted and its batch delivered again until it succeeds',
  { timeout: 180_000 },
  async () => {
    // the output topic refuses record batches above 100 bytes, so every transaction fails to send;
    // the error is not retriable, so the worker exits and the supervisor restarts it
    const fixture = await setUp('abort', [{ name: 'max.message.bytes', value: '100' }]);
    const supervisor = supervise(fixture);
    try {
      const total = 1_000;
      await produceRows(fixture.kafka, fixture.input, 0, total);
      await supervisor.scaleTo(1);
      await waitFor(
        'the worker failed twice',
        () => supervisor.workers()[0]!.restarts >= 2,
        60_000,
        fixture.logFile,
      );
      const [committed] = await fixture.admin.fetchOffsets({
        groupId: fixture.group,
        topics: [fixture.input],
      });
      assert.ok(
        committed?.partitions.every(({ offset }) => offset === '-1'),
        'an aborted batch committed no offset',
      );

      await fixture.admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: 2,
            name: fixture.output,
            configEntries: [{ name: 'max.message.bytes', value: '1048588' }],
          },
        ],
      });
      await waitForGroupEnd(fixture, 120_000);
      await supervisor.stop();
      assertExactlyOnce(await readOutput(fixture), total);
      const saved = JSON.parse(
        readFileSync(path.join(fixture.baseDir, 'worker1', 'stats.json'), 'utf8'),
      ) as {
        lifetime: { aborts: number; rowsIn: number };
      };
      assert.ok(saved.lifetime.aborts >= 2, `aborted transactions: ${saved.lifetime.aborts}`);
      assert.equal(saved.lifetime.rowsIn, total);
    } finally {
      await tearDown(fixture, supervisor);
    }
  },
);
