// What the worker integration tests share: a 4-partition input and output topic, a supervisor
// whose workers log to a file, rows from the test's own generator, and the checks that the
// committed output (read_committed) holds every expected row exactly once and that the group's
// offsets reached the input's end. The expected output is written out here by hand (its own
// borough table), never computed by the transform under test.
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { createKafka } from '../../main/broker/kafkaClient';
import { createLogger } from '../../main/shared/logger';
import { countersTopicName, readGroupCounts } from '../../main/worker/committedTallies';
import {
  WorkerSupervisor,
  type WorkerSupervisorOptions,
} from '../../main/supervisor/workerSupervisor';
import { testBrokers, uniqueName } from './testBroker';

export const PARTITIONS = 4;

/** The test's own table: county code as the input spells it → the borough the output must name. */
const KNOWN_COUNTIES: [code: string, borough: string][] = [
  ['K', 'Brooklyn'],
  ['BX', 'Bronx'],
  ['NY', 'Manhattan'],
  ['QN', 'Queens'],
  ['R', 'Staten Island'],
  ['Kings', 'Brooklyn'],
  ['ABX', 'Bronx'],
  ['MN', 'Manhattan'],
  ['Qns', 'Queens'],
  ['ST', 'Staten Island'],
];
/** every fifth row has no known borough: an unknown code, null, no field at all, wrong case */
const UNKNOWN_COUNTIES: unknown[] = ['XX', null, undefined, 'brooklyn'];

export function inputRow(index: number): Record<string, unknown> {
  const county =
    index % 5 === 4
      ? UNKNOWN_COUNTIES[((index / 5) % UNKNOWN_COUNTIES.length) | 0]
      : KNOWN_COUNTIES[index % KNOWN_COUNTIES.length]![0];
  const row: Record<string, unknown> = {
    'Summons Number': 1_000_000 + index,
    'Issue Date': `2017-01-${String((index % 28) + 1).padStart(2, '0')}`,
    'W - Temperature': index % 7 === 0 ? null : 20 + (index % 60),
    'Street Name': 'Broadway',
  };
  if (county !== undefined) row['Violation County Name'] = county;
  return row;
}

/** The output row the borough pipeline must write for input row `index`, or null if it drops it. */
export function expectedOutput(index: number): Record<string, unknown> | null {
  if (index % 5 === 4) return null;
  return {
    'Issue Date': `2017-01-${String((index % 28) + 1).padStart(2, '0')}`,
    Temperature: index % 7 === 0 ? null : 20 + (index % 60),
    'Violation County': KNOWN_COUNTIES[index % KNOWN_COUNTIES.length]![1],
  };
}

export interface Fixture {
  /** the cluster: the harness's test broker unless the test runs its own */
  brokers: string[];
  kafka: Kafka;
  admin: Admin;
  input: string;
  output: string;
  group: string;
  baseDir: string;
  logFile: string;
  /** every worker pid the supervisor reported, to check none is left behind */
  pids: Set<number>;
}

/** Topics and a client on the shared test broker, or on `brokers` (a test's own broker). */
export async function setUp(
  name: string,
  outputConfig: { name: string; value: string }[] = [],
  brokers: string[] = testBrokers(),
): Promise<Fixture> {
  const baseDir = await mkdtemp(path.join(os.tmpdir(), `ps-${name}-`));
  const kafka = createKafka({
    brokers,
    clientId: `test-${name}`,
    logger: createLogger('test', () => undefined),
  });
  const admin = kafka.admin();
  await admin.connect();
  const input = uniqueName(`${name}-in`);
  const output = uniqueName(`${name}-out`);
  try {
    await createTopics(admin, [input, output], outputConfig, baseDir);
  } catch (error) {
    await admin.disconnect(); // a connected admin would keep the test process alive
    await rm(baseDir, { recursive: true, force: true });
    throw error;
  }
  return {
    brokers,
    kafka,
    admin,
    input,
    output,
    group: uniqueName(`${name}-group`),
    baseDir,
    logFile: path.join(baseDir, 'workers.log'),
    pids: new Set(),
  };
}

async function createTopics(
  admin: Admin,
  [input, output]: [string, string],
  outputConfig: { name: string; value: string }[],
  baseDir: string,
): Promise<void> {
  await admin.createTopics({
    topics: [
      { topic: input, numPartitions: PARTITIONS },
      { topic: output, numPartitions: PARTITIONS, configEntries: outputConfig },
    ],
    waitForLeaders: false,
  });
  // kafkajs' waitForLeaders fails at once while the broker has not learned of a new topic yet
  await waitFor(
    'the new topics have leaders',
    async () => {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [input, output] });
        return topics.every(({ partitions }) =>
          partitions.every((partition) => partition.leader >= 0),
        );
      } catch {
        return false;
      }
    },
    30_000,
    baseDir,
  );
}

export function supervise(
  fixture: Fixture,
  extra: Partial<WorkerSupervisorOptions> = {},
): WorkerSupervisor {
  const log = (line: string) => appendFileSync(fixture.logFile, line + '\n');
  const supervisor = new WorkerSupervisor({
    brokers: fixture.brokers,
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
  supervisor.on('workers', (workers) => {
    for (const worker of workers) if (worker.pid !== null) fixture.pids.add(worker.pid);
  });
  return supervisor;
}

function rowMessages(from: number, to: number) {
  const messages = [];
  for (let index = from; index < to; index += 1) {
    messages.push({
      key: String(index),
      partition: index % PARTITIONS,
      value: JSON.stringify(inputRow(index)),
      headers: { 'source.file': 'tickets.parquet', 'source.row': String(index) },
    });
  }
  return messages;
}

/**
 * An idempotent producer: a request retried after a partial failure (a partition of a new topic
 * whose leader the broker is still electing) must not write its rows twice, or the oracle's
 * "every row once" would be wrong about the input itself.
 */
function inputProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
}

/** Produces rows [from, to) with key = row index, partition = index % 4 and the source headers. */
export async function produceRows(
  kafka: Kafka,
  topic: string,
  from: number,
  to: number,
): Promise<void> {
  const producer = inputProducer(kafka);
  await producer.connect();
  try {
    await producer.send({ topic, messages: rowMessages(from, to), acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

/** One producer that sends rows in chunks at a steady pace, for rows that flow during a test. */
export class RowFeed {
  private producer: Producer | null = null;
  sent = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  /** Sends `chunks` chunks of `chunk` rows, `pauseMs` apart; `onChunk(i)` runs before chunk i. */
  async run(
    chunks: number,
    chunk: number,
    pauseMs: number,
    onChunk: (index: number) => Promise<void> | void = () => undefined,
  ): Promise<number> {
    this.producer = inputProducer(this.kafka);
    await this.producer.connect();
    try {
      for (let i = 0; i < chunks; i += 1) {
        await onChunk(i);
        await this.producer.send({
          topic: this.topic,
          messages: rowMessages(this.sent, this.sent + chunk),
          acks: -1,
        });
        this.sent += chunk;
        await sleep(pauseMs);
      }
    } finally {
      await this.producer.disconnect();
    }
    return this.sent;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(
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
export async function groupReachedEnd(fixture: Fixture): Promise<boolean> {
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

export async function waitForGroupEnd(fixture: Fixture, timeoutMs: number): Promise<void> {
  await waitFor(
    'the group committed the end of the input',
    () => groupReachedEnd(fixture),
    timeoutMs,
    fixture.logFile,
  );
}

export interface OutputRecord {
  key: string;
  value: unknown;
  file: string;
}

/** Reads the whole output topic read_committed: source.row → the records carrying it. */
export async function readOutput(fixture: Fixture): Promise<Map<number, OutputRecord[]>> {
  const ends = await fixture.admin.fetchTopicOffsets(fixture.output);
  const remaining = new Map(
    ends
      .filter(({ high, low }) => high !== low)
      .map(({ partition, high }) => [partition, BigInt(high)]),
  );
  const rows = new Map<number, OutputRecord[]>();
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

/** What the committed output held against the expectation. */
export interface DeliveryCount {
  expected: number;
  delivered: number;
  missing: number[];
  duplicates: number[];
}

export function countDelivery(rows: Map<number, OutputRecord[]>, total: number): DeliveryCount {
  const count: DeliveryCount = { expected: 0, delivered: 0, missing: [], duplicates: [] };
  for (let index = 0; index < total; index += 1) {
    const records = rows.get(index) ?? [];
    count.delivered += records.length;
    if (expectedOutput(index) === null) continue;
    count.expected += 1;
    if (records.length === 0) count.missing.push(index);
    if (records.length > 1) count.duplicates.push(index);
  }
  return count;
}

/** Every kept row exactly once, as the hand-written expectation says, same key, headers passed on. */
export function assertExactlyOnce(rows: Map<number, OutputRecord[]>, total: number): number {
  const count = countDelivery(rows, total);
  for (let index = 0; index < total; index += 1) {
    const expected = expectedOutput(index);
    const records = rows.get(index) ?? [];
    if (expected === null) {
      assert.equal(records.length, 0, `dropped row ${index} reached the output`);
      continue;
    }
    for (const record of records) {
      assert.deepEqual(record.value, expected, `row ${index}`);
      assert.equal(record.key, String(index));
      assert.equal(record.file, 'tickets.parquet');
    }
  }
  assert.deepEqual(
    {
      missing: count.missing.length,
      duplicates: count.duplicates.length,
      firstMissing: count.missing.slice(0, 10),
      firstDuplicates: count.duplicates.slice(0, 10),
    },
    { missing: 0, duplicates: 0, firstMissing: [], firstDuplicates: [] },
  );
  const unexpected = [...rows.keys()].filter((row) => !(row >= 0 && row < total));
  assert.deepEqual(unexpected, []);
  assert.ok(count.expected > 0 && count.expected < total);
  return count.expected;
}

/** true while a process with this pid exists */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops the pool, deletes the topics and, once no worker writes there, the workers' base dir. */
export async function tearDown(fixture: Fixture, supervisor: WorkerSupervisor): Promise<void> {
  await supervisor.stop();
  await fixture.admin
    .deleteTopics({ topics: [fixture.input, fixture.output, countersTopicName(fixture.group)] })
    .catch(() => undefined);
  await fixture.admin.disconnect();
  await rm(fixture.baseDir, { recursive: true, force: true });
}

/** Fails naming any worker process still running after the supervisor stopped. */
export function assertNoWorkerLeft(fixture: Fixture): void {
  const left = [...fixture.pids].filter(isAlive);
  for (const pid of left) process.kill(pid, 'SIGKILL');
  assert.deepEqual(left, [], 'worker processes left running');
}

/** The counts the oracle gives for rows [0, total): rows in, rows out, rows dropped. */
export function expectedCounts(total: number): {
  rowsIn: number;
  rowsOut: number;
  rowsDropped: number;
} {
  let rowsOut = 0;
  for (let index = 0; index < total; index += 1) if (expectedOutput(index) !== null) rowsOut += 1;
  return { rowsIn: total, rowsOut, rowsDropped: total - rowsOut };
}

/**
 * The counts a user reads agree with the oracle for rows [0, total): the group's committed
 * totals in the counters topic, and those the supervisor gathered from the workers' /stats
 * (given the workers a few polls to report partitions that changed hands).
 */
export async function assertCountsExact(
  fixture: Fixture,
  supervisor: WorkerSupervisor,
  total: number,
): Promise<void> {
  const expected = expectedCounts(total);
  const pick = ({ rowsIn, rowsOut, rowsDropped }: typeof expected) => ({
    rowsIn,
    rowsOut,
    rowsDropped,
  });
  const committed = await readGroupCounts(fixture.kafka, fixture.admin, fixture.group);
  assert.deepEqual(pick(committed), expected, 'the committed counters topic');
  const deadline = Date.now() + 15_000;
  while (
    JSON.stringify(pick(supervisor.committedCounts())) !== JSON.stringify(expected) &&
    Date.now() < deadline
  ) {
    await sleep(250);
  }
  assert.deepEqual(pick(supervisor.committedCounts()), expected, "the workers' /stats");
}
