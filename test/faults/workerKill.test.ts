// A worker killed (SIGKILL) against a real broker: once mid-stream, and once caught between
// producing a batch and committing it. The supervisor starts a replacement; each run ends with
// every expected source.row exactly once in the committed output (read_committed), the group's
// offsets at the input's end, the counts a user reads (the counters topic and the workers'
// /stats) equal to the oracle's, and no worker process left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertCountsExact,
  assertExactlyOnce,
  assertNoWorkerLeft,
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
  'a worker killed with SIGKILL mid-stream is restarted and no row is lost or doubled',
  { timeout: 150_000 },
  async () => {
    const fixture = await setUp('kill');
    const supervisor = supervise(fixture);
    try {
      await supervisor.scaleTo(2);
      let killedPid: number | null = null;
      const total = await new RowFeed(fixture.kafka, fixture.input).run(40, 500, 50, (i) => {
        if (i !== 20) return;
        killedPid = supervisor.workers()[0]!.pid;
        assert.ok(killedPid !== null);
        process.kill(killedPid, 'SIGKILL');
      });
      await waitFor(
        'the supervisor restarted worker1',
        () => {
          const worker = supervisor.workers()[0]!;
          return worker.restarts === 1 && worker.state === 'running' && worker.pid !== killedPid;
        },
        60_000,
        fixture.logFile,
      );
      await waitForGroupEnd(fixture, 90_000);
      await assertCountsExact(fixture, supervisor, total);
      await supervisor.stop();
      assertExactlyOnce(await readOutput(fixture), total);
      assertNoWorkerLeft(fixture);
    } finally {
      await tearDown(fixture, supervisor);
    }
  },
);

test(
  'a worker killed between producing a batch and committing it leaves nothing behind',
  { timeout: 150_000 },
  async () => {
    const fixture = await setUp('midtxn');
    const supervisor = supervise(fixture);
    // read_uncommitted: sees a transaction's records before its commit (or abort) marker
    const uncommitted = fixture.kafka.consumer({
      groupId: `${fixture.group}-peek`,
      readUncommitted: true,
      maxWaitTimeInMs: 100,
    });
    const seenEnd = new Map<number, bigint>();
    let killedMidTransaction = false;
    let freezes = 0;
    try {
      await uncommitted.connect();
      await uncommitted.subscribe({ topic: fixture.output, fromBeginning: true });
      await uncommitted.run({
        eachBatch: async ({ batch }) => {
          const last = batch.messages.at(-1);
          if (last) seenEnd.set(batch.partition, BigInt(last.offset) + 1n);
        },
      });
      await supervisor.scaleTo(1);
      const feed = new RowFeed(fixture.kafka, fixture.input);
      const produced = feed.run(120, 1_000, 100);
      // freeze the only worker until it is caught with output written but not committed: its
      // records are visible read_uncommitted beyond the output's last stable offset
      for (let attempt = 0; attempt < 60 && !killedMidTransaction; attempt += 1) {
        await sleep(150 + ((attempt * 37) % 200));
        const pid = supervisor.workers()[0]!.pid;
        if (pid === null) continue;
        process.kill(pid, 'SIGSTOP');
        freezes += 1;
        await sleep(400);
        const stable = await fixture.admin.fetchTopicOffsets(fixture.output);
        killedMidTransaction = stable.some(
          ({ partition, high }) => (seenEnd.get(partition) ?? 0n) > BigInt(high),
        );
        process.kill(pid, killedMidTransaction ? 'SIGKILL' : 'SIGCONT');
      }
      assert.ok(killedMidTransaction, 'the worker was never caught inside a transaction');
      process.stderr.write(`mid-transaction kill: caught after ${freezes} freezes\n`);
      const total = await produced;
      await waitFor(
        'the supervisor restarted worker1',
        () =>
          supervisor.workers()[0]!.restarts === 1 && supervisor.workers()[0]!.state === 'running',
        60_000,
        fixture.logFile,
      );
      await waitForGroupEnd(fixture, 90_000);
      await assertCountsExact(fixture, supervisor, total);
      await supervisor.stop();
      assertExactlyOnce(await readOutput(fixture), total);
      assertNoWorkerLeft(fixture);
    } finally {
      await uncommitted.disconnect();
      await tearDown(fixture, supervisor);
    }
  },
);
