// A windowed transform in workers against a real broker: rows are repartitioned by the window key,
// each partition's window state lives in a compacted changelog written in the same transaction
// as the output, and a worker killed with SIGKILL mid-stream hands its partitions over. The final
// window results must equal a hand computation over the test's own rows: no row counted twice,
// none missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { windowTopicNames } from '../../main/worker/windowTopics';
import { uniqueName } from '../support/testBroker';
import {
  assertNoWorkerLeft,
  PARTITIONS,
  setUp,
  sleep,
  supervise,
  tearDown,
  waitFor,
  type Fixture,
} from '../support/workerPipelineFixture';

const COUNTIES = ['K', 'BX', 'NY'];
const BASE = Date.UTC(2024, 0, 1);
const SIZE_MS = 10_000;
/** row i happens at BASE + i × 10 ms: 1,000 rows per 10 s window */
const STEP_MS = 10;

const SPEC = {
  name: 'ticket-windows',
  steps: [
    {
      type: 'window',
      time: { field: 'ts' },
      size: '10s',
      grace: '1h',
      key: ['county'],
      aggregates: [
        { op: 'count', as: 'rows' },
        { op: 'sum', field: 'fine', as: 'fines' },
      ],
      emit: 'close',
    },
  ],
};

function row(index: number, ts = BASE + index * STEP_MS) {
  return { county: COUNTIES[index % COUNTIES.length], ts, fine: index % 50 };
}

async function send(kafka: Kafka, topic: string, rows: { index: number; value: object }[]) {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: rows.map(({ index, value }) => ({
        key: String(index),
        partition: index % PARTITIONS,
        value: JSON.stringify(value),
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** true when the group committed the ends of the input and the repartition topic */
async function drained(fixture: Fixture, repartition: string): Promise<boolean> {
  for (const topic of [fixture.input, repartition]) {
    const ends = await fixture.admin.fetchTopicOffsets(topic);
    const [committed] = await fixture.admin.fetchOffsets({
      groupId: fixture.group,
      topics: [topic],
    });
    const done = ends.every(
      ({ partition, high }) =>
        high === '0' ||
        committed?.partitions.find((entry) => entry.partition === partition)?.offset === high,
    );
    if (!done) return false;
  }
  return true;
}

async function readAll(fixture: Fixture): Promise<Record<string, unknown>[]> {
  const ends = await fixture.admin.fetchTopicOffsets(fixture.output);
  const remaining = new Map(
    ends
      .filter(({ high, low }) => high !== low)
      .map(({ partition, high }) => [partition, BigInt(high)]),
  );
  const values: Record<string, unknown>[] = [];
  const consumer = fixture.kafka.consumer({ groupId: uniqueName('verify'), maxWaitTimeInMs: 200 });
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
        values.push(JSON.parse(message.value!.toString()) as Record<string, unknown>);
      },
    });
    await waitFor(
      'the output was read to its end',
      () => remaining.size === 0,
      60_000,
      fixture.logFile,
    );
  } finally {
    await consumer.disconnect();
  }
  return values;
}

test(
  'window results stay exact when a worker is killed mid-stream',
  { timeout: 150_000 },
  async () => {
    const fixture = await setUp('windows');
    const supervisor = supervise(fixture, { transform: JSON.stringify(SPEC) });
    const topics = windowTopicNames(fixture.group, SPEC.name);
    try {
      await supervisor.scaleTo(2);
      const total = 12_000;
      const chunk = 400;
      let killedPid: number | null = null;
      for (let from = 0; from < total; from += chunk) {
        if (from === total / 2) {
          killedPid = supervisor.workers()[0]!.pid;
          assert.ok(killedPid !== null);
          process.kill(killedPid, 'SIGKILL');
        }
        const rows = [];
        for (let index = from; index < from + chunk; index += 1)
          rows.push({ index, value: row(index) });
        await send(fixture.kafka, fixture.input, rows);
        await sleep(100);
      }
      await waitFor(
        'worker1 was restarted',
        () =>
          supervisor.workers()[0]!.restarts === 1 && supervisor.workers()[0]!.state === 'running',
        60_000,
        fixture.logFile,
      );
      await waitFor(
        'both topics were consumed',
        () => drained(fixture, topics.repartition),
        90_000,
        fixture.logFile,
      );
      // a row two days later in every input partition closes every window (the grace is an
      // hour): a window closes once each input partition's stream time has passed it
      const later = BASE + 2 * 86_400_000;
      await send(
        fixture.kafka,
        fixture.input,
        Array.from({ length: PARTITIONS }, (_, offset) => ({
          index: total + offset,
          value: row(total + offset, later),
        })),
      );
      await waitFor(
        'the closing rows were consumed',
        () => drained(fixture, topics.repartition),
        60_000,
        fixture.logFile,
      );
      await supervisor.stop();

      // by hand: window = floor(i × 10 ms / 10 s); county, count and sum of fines per window
      const expected = new Map<string, { rows: number; fines: number }>();
      for (let index = 0; index < total; index += 1) {
        const start = BASE + Math.floor((index * STEP_MS) / SIZE_MS) * SIZE_MS;
        const id = `${COUNTIES[index % COUNTIES.length]} ${new Date(start).toISOString()}`;
        const cell = expected.get(id) ?? { rows: 0, fines: 0 };
        cell.rows += 1;
        cell.fines += index % 50;
        expected.set(id, cell);
      }
      const results = await readAll(fixture);
      assert.ok(
        results.every((result) => result.final === true),
        'emit close writes final results only',
      );
      const seen = new Map<string, { rows: number; fines: number }>();
      const twice: string[] = [];
      for (const result of results) {
        const id = `${String(result.county)} ${String(result.window_start)}`;
        if (seen.has(id)) twice.push(id);
        seen.set(id, { rows: result.rows as number, fines: result.fines as number });
        assert.equal(
          result.window_end,
          new Date(Date.parse(String(result.window_start)) + SIZE_MS).toISOString(),
        );
      }
      assert.deepEqual(twice, [], 'windows emitted twice');
      assert.deepEqual(seen, expected);
      assertNoWorkerLeft(fixture);
    } finally {
      await supervisor.stop();
      await fixture.admin
        .deleteTopics({ topics: [topics.repartition, topics.changelog] })
        .catch(() => undefined);
      await tearDown(fixture, supervisor);
    }
  },
);
