// The app's SLURM worker pool on a real SLURM (scripts/slurm-local.sh's one-node cluster): the
// stream's pool submits 2 workers, whose rows show them consuming on the node with their token-
// guarded /stats; rows stream in while it scales to 3, one task is killed (scancel
// --signal=KILL) and the pool submits it again under its id and port, and it scales back to 1;
// the committed output holds every kept row exactly once (the fixture's hand-written
// expectation), and stop empties the queue and the worker table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import type { WorkerInfo } from '../../main/api/contract';
import { slurmNodeCommand } from '../../main/cluster/slurm/nodeCommand';
import { runSlurmCommand, slurmOutput } from '../../main/cluster/slurm/slurmCommand';
import { slurmJobName, slurmWorkerPool } from '../../main/cluster/slurm/slurmWorkerPool';
import { createLogger } from '../../main/shared/logger';
import { ensureSlurm, logTails } from '../support/localSlurm';
import { testBrokers } from '../support/testBroker';
import {
  assertExactlyOnce,
  readOutput,
  RowFeed,
  setUp,
  waitFor,
  waitForGroupEnd,
} from '../support/workerPipelineFixture';

const WEB_PORT_BASE = 19160;

test("the app's SLURM pool: 2 workers, scaled to 3, one killed and resubmitted, scaled to 1 mid-stream, output exact, stop empties it", async () => {
  ensureSlurm();
  const fixture = await setUp('slurm-pool');
  const jobDir = path.join(fixture.baseDir, 'slurm', slurmJobName(fixture.group));
  const pool = slurmWorkerPool({
    config: {
      path: '/unused.parquet',
      inputTopic: fixture.input,
      outputTopic: fixture.output,
      partitions: 4,
      workers: 2,
      ratePerSecond: null,
      workersOn: 'slurm',
      slurmWebPortBase: WEB_PORT_BASE,
    },
    appDataDir: fixture.baseDir,
    run: runSlurmCommand,
    command: slurmNodeCommand(),
  })({
    brokers: testBrokers(),
    group: fixture.group,
    inputTopic: fixture.input,
    outputTopic: fixture.output,
    baseDir: path.join(fixture.baseDir, 'workers'),
    logger: createLogger('slurm-pool', (line) => process.stderr.write(line + '\n')),
    transform: 'nyc-parking-boroughs',
  });
  const seen = new Set<string>();
  pool.on('workers', (workers) => workers.forEach((worker) => seen.add(worker.id)));
  const consuming = (workers: WorkerInfo[]) =>
    workers.filter((worker) => worker.state === 'running').map((worker) => worker.port);
  const name = slurmJobName(fixture.group);
  let killed: WorkerInfo | undefined;
  try {
    const two = await pool.scaleTo(2);
    assert.deepEqual(consuming(two), [WEB_PORT_BASE, WEB_PORT_BASE + 1], await logTails(jobDir));
    for (const worker of two) {
      assert.equal(worker.host, os.hostname().split('.')[0]);
      assert.equal(
        worker.dataDir,
        path.join(jobDir, 'data', `worker-${worker.port - WEB_PORT_BASE}`),
      );
      assert.equal(typeof worker.pid, 'number');
    }

    const feed = new RowFeed(fixture.kafka, fixture.input);
    const total = await feed.run(20, 100, 250, async (chunk) => {
      if (chunk === 5) {
        assert.equal(consuming(await pool.scaleTo(3)).length, 3, await logTails(jobDir));
      }
      if (chunk === 8) {
        // a fault, not a scale: task 1 dies with rows in flight; the pool was not asked
        killed = pool.workers().find((worker) => worker.port === WEB_PORT_BASE + 1)!;
        const jobId = killed.id.slice(`${name}-`.length);
        await slurmOutput(runSlurmCommand, 'scancel', ['--signal=KILL', jobId]);
      }
      if (chunk === 9) {
        await waitFor(
          'the pool resubmitted task 1 and it consumes',
          () =>
            pool
              .workers()
              .some(
                (worker) =>
                  worker.port === WEB_PORT_BASE + 1 &&
                  worker.id !== killed!.id &&
                  worker.state === 'running' &&
                  worker.restarts === 1,
              ),
          120_000,
          jobDir,
        );
        assert.equal(consuming(pool.workers()).length, 3);
      }
      if (chunk === 12) {
        assert.deepEqual(consuming(await pool.scaleTo(1)), [WEB_PORT_BASE]);
      }
    });
    await waitForGroupEnd(fixture, 120_000);
    const counted = pool.workers();
    const kept = assertExactlyOnce(await readOutput(fixture), total);
    assert.equal(total, 2000);
    // 2000 rows, every fifth dropped by the transform: a hand count, not the code's
    assert.equal(kept, 1600);
    assert.equal(counted.length, 1);
    // tasks 0, 1 and 2, and task 1 again under a new array job id
    assert.equal(seen.size, 4, [...seen].join());
    assert.ok(seen.has(killed!.id));

    await pool.stop();
    assert.deepEqual(pool.workers(), []);
    const queue = await runSlurmCommand('squeue', ['-h', `--name=${name}`]);
    assert.equal(queue.stdout.trim(), '');
  } finally {
    await pool.stop();
    await fixture.admin
      .deleteTopics({ topics: [fixture.input, fixture.output] })
      .catch(() => undefined);
    await fixture.admin.disconnect();
    await rm(fixture.baseDir, { recursive: true, force: true });
  }
});
