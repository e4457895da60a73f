// Exactly once when a worker misbehaves, against a real broker: one frozen (SIGSTOP) past its
// session timeout while rows flow and then resumed, one killed (SIGKILL) mid-stream, and the pool
// scaled 1 → 3 → 1. Each ends with every expected source.row exactly once in the committed output
// (read_committed), the group's offsets at the input's end, and no worker process left behind;
// and one killed while caught between producing a batch and committing it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertExactlyOnce,
  assertNoWorkerLeft,
  countDelivery,
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
      await supervisor.stop();
      assertExactlyOnce(await readOutput(fixture), total);
      assertNoWorkerLeft(fixture);
    } finally {
      await tearDown(fixture, supervisor);
    }
  },
);

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
      await supervisor.stop();
      assertExactlyOnce(await readOutput(fixture), total);
      assertNoWorkerLeft(fixture);
    } finally {
      await uncommitted.disconnect();
      await tearDown(fixture, supervisor);
    }
  },
);
