// A worker frozen (SIGSTOP) past its session timeout while rows flow, then resumed (SIGCONT),
// against a real broker: the group expels it and its partitions move; once thawed it holds a
// batch it must not commit. Ends with every expected source.row exactly once in the committed
// output (read_committed), the group's offsets at the input's end, the counts a user reads equal
// to the oracle's, and no worker process left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertCountsExact,
  assertExactlyOnce,
  assertNoWorkerLeft,
  countDelivery,
  readOutput,
  RowFeed,
  setUp,
  sleep,
  supervise,
  tearDown,
  waitForGroupEnd,
} from '../support/workerPipelineFixture';

const SESSION_TIMEOUT_MS = 6_000;

test(
  'a worker frozen past its session timeout and resumed delivers nothing twice',
  { timeout: 150_000 },
  async () => {
    const fixture = await setUp('freeze');
    const supervisor = supervise(fixture, { sessionTimeoutMs: SESSION_TIMEOUT_MS });
    let frozen: number | null = null;
    try {
      await supervisor.scaleTo(2);
      const feed = new RowFeed(fixture.kafka, fixture.input);
      // ~12 s of rows at a pace the workers are busy with; freeze worker1 after 2 s for 3×
      // the session timeout, so it is expelled and resumes with a batch in hand
      let thawed: Promise<void> = Promise.resolve();
      const total = await feed.run(60, 1_500, 150, (i) => {
        if (i !== 10) return;
        frozen = supervisor.workers()[0]!.pid;
        assert.ok(frozen !== null);
        process.kill(frozen, 'SIGSTOP');
        thawed = sleep(3 * SESSION_TIMEOUT_MS).then(() => {
          process.kill(frozen!, 'SIGCONT');
          frozen = null;
        });
      });
      await thawed;
      await waitForGroupEnd(fixture, 90_000);
      await assertCountsExact(fixture, supervisor, total);
      await supervisor.stop();
      const rows = await readOutput(fixture);
      const count = countDelivery(rows, total);
      process.stderr.write(
        `freeze: ${total} rows in, ${count.expected} expected out, ${count.delivered} delivered, ` +
          `${count.duplicates.length} duplicated, ${count.missing.length} missing\n`,
      );
      assertExactlyOnce(rows, total);
      assertNoWorkerLeft(fixture);
    } finally {
      if (frozen !== null) process.kill(frozen, 'SIGCONT');
      await tearDown(fixture, supervisor);
    }
  },
);
