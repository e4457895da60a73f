// Exactly once while the pool is rescaled 1 → 3 → 1 with rows streaming, against a real broker:
// every expected source.row exactly once in the committed output (read_committed), the group's
// offsets at the input's end and no worker process left behind. Killed and frozen workers:
// test/faults/workerKill.test.ts and workerFreeze.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertExactlyOnce,
  assertNoWorkerLeft,
  PARTITIONS,
  readOutput,
  RowFeed,
  setUp,
  sleep,
  supervise,
  tearDown,
  waitFor,
  waitForGroupEnd,
} from '../support/workerPipelineFixture';

test(
  'scaling 1 → 3 → 1 while rows stream keeps exactly-once delivery',
  { timeout: 150_000 },
  async () => {
    const fixture = await setUp('scale');
    const supervisor = supervise(fixture);
    const seen: number[] = [];
    supervisor.on('workers', (workers) => {
      if (seen[seen.length - 1] !== workers.length) seen.push(workers.length);
    });
    try {
      await supervisor.scaleTo(1);
      let producing = true;
      const feed = new RowFeed(fixture.kafka, fixture.input);
      const produced = feed.run(150, 300, 120).finally(() => (producing = false));
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
      const total = await produced;
      await waitForGroupEnd(fixture, 90_000);
      await waitFor(
        'worker1 holds every partition',
        () => supervisor.workers()[0]!.partitions.length === PARTITIONS,
        30_000,
        fixture.logFile,
      );
      // the 'workers' events showed the pool at 1, then 3, then 1
      const order = [1, 3, 1];
      assert.equal(
        seen.reduce((matched, size) => (size === order[matched] ? matched + 1 : matched), 0),
        3,
        `${seen}`,
      );
      await supervisor.stop();
      assertExactlyOnce(await readOutput(fixture), total);
      assertNoWorkerLeft(fixture);
    } finally {
      await tearDown(fixture, supervisor);
    }
  },
);
