// The worker pipeline against a real broker, driven through the supervisor: rows with known
// boroughs go into a 4-partition topic and must come out transformed exactly once each (counted
// by the source.row header, read_committed) with 2 workers, and a transaction that keeps failing
// is aborted until it can commit. The group's committed offsets must reach the input's end.
// Rescaled workers: workerRescale.test.ts; killed and frozen ones: test/faults/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  assertCountsExact,
  assertExactlyOnce,
  assertNoWorkerLeft,
  readOutput,
  setUp,
  supervise,
  tearDown,
  waitFor,
  waitForGroupEnd,
  produceRows,
} from '../support/workerPipelineFixture';

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
      // the workers' reports catch up with a rebalance one poll at a time
      await waitFor(
        'the workers hold each partition once',
        () =>
          supervisor
            .workers()
            .flatMap((worker) => worker.partitions)
            .sort()
            .join() === '0,1,2,3',
        10_000,
        fixture.logFile,
      );
      const kept = supervisor.workers().reduce((sum, worker) => sum + worker.rowsOut, 0);
      await supervisor.stop();
      const expectedCount = assertExactlyOnce(await readOutput(fixture), total);
      assert.equal(kept, expectedCount);
      assertNoWorkerLeft(fixture);
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
      // the crashed incarnations' aborted batches count nothing
      await assertCountsExact(fixture, supervisor, total);
      await supervisor.stop();
      assertExactlyOnce(await readOutput(fixture), total);
    } finally {
      await tearDown(fixture, supervisor);
    }
  },
);

test(
  'workers run the transform handed to them and count each step in /stats',
  { timeout: 120_000 },
  async () => {
    const fixture = await setUp('spec');
    // keep Brooklyn and Bronx codes as written ('K', 'BX'), then keep two fields, one renamed
    const transform = JSON.stringify({
      name: 'two-counties',
      steps: [
        { type: 'filter', where: { field: 'Violation County Name', op: 'in', value: ['K', 'BX'] } },
        { type: 'select', fields: ['Summons Number', { field: 'W - Temperature', as: 't' }] },
      ],
    });
    const supervisor = supervise(fixture, { transform });
    try {
      const total = 2_000;
      await produceRows(fixture.kafka, fixture.input, 0, total);
      const producer = fixture.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const notObjects = ['not json', '[1,2]', '"text"'];
      await producer.send({
        topic: fixture.input,
        messages: notObjects.map((value, offset) => ({
          key: 'bad',
          value,
          headers: { 'source.row': String(total + offset) },
        })),
      });
      await producer.disconnect();
      const [worker] = await supervisor.scaleTo(1);
      await waitForGroupEnd(fixture, 60_000);
      const stats = (await (await fetch(`http://127.0.0.1:${worker!.port}/stats`)).json()) as {
        transform: string;
        rowsIn: number;
        rowsOut: number;
        rowsDropped: number;
        claims: number;
        claimMilliseconds: number;
        steps: { step: number; type: string; in: number; out: number; dropped: number }[];
      };
      // one worker alone in the group claimed each of the 4 input partitions once
      assert.equal(stats.claims, 4);
      assert.ok(stats.claimMilliseconds > 0, `claims took ${stats.claimMilliseconds} ms`);
      // in the test's input, row i has county 'K' when i % 10 is 0 and 'BX' when it is 1
      const kept = total / 5;
      assert.equal(stats.transform, 'two-counties');
      assert.deepEqual(
        { rowsIn: stats.rowsIn, rowsOut: stats.rowsOut, rowsDropped: stats.rowsDropped },
        { rowsIn: total + 3, rowsOut: kept, rowsDropped: total + 3 - kept },
      );
      assert.deepEqual(stats.steps, [
        {
          step: 1,
          type: 'filter',
          in: total + 3,
          out: kept,
          dropped: total - kept,
          errors: 3,
          late: 0,
        },
        { step: 2, type: 'select', in: kept, out: kept, dropped: 0, errors: 0, late: 0 },
      ]);
      await supervisor.stop();
      const rows = await readOutput(fixture);
      const expected = new Map<number, unknown>();
      for (let index = 0; index < total; index += 1) {
        if (index % 10 > 1) continue;
        expected.set(index, {
          'Summons Number': 1_000_000 + index,
          t: index % 7 === 0 ? null : 20 + (index % 60),
        });
      }
      assert.deepEqual(
        new Map([...rows].map(([row, records]) => [row, records.map((record) => record.value)])),
        new Map([...expected].map(([row, value]) => [row, [value]])),
      );
      assertNoWorkerLeft(fixture);
    } finally {
      await tearDown(fixture, supervisor);
    }
  },
);
