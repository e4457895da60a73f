// Workers on a real SLURM (the one-node cluster of scripts/slurm-local.sh, started here when
// it is installed but not running): rows stream into the test broker while the job array is
// submitted with 2 workers, scaled to 3, back to 1, its last task killed mid-stream and a new
// one scaled in; the committed output must hold every kept row exactly once, as the fixture's
// hand-written expectation says. Without SLURM the test fails saying how to install it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { runSlurmCommand, slurmOutput } from '../../main/cluster/slurm/slurmCommand';
import { SlurmWorkers, type TaskStatus } from '../../main/cluster/slurm/slurmWorkers';
import { isActive } from '../../main/cluster/slurm/squeueTasks';
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

const ROOT = path.join(__dirname, '..', '..', '..');
const WEB_PORT_BASE = 19150;

test('SLURM workers: submit 2, scale to 3 and 1, kill one mid-stream, scale in a new one — output exact', async () => {
  ensureSlurm();
  const fixture = await setUp('slurm');
  const name = `ps-slurm-${randomUUID().slice(0, 8)}`;
  const jobDir = path.join(fixture.baseDir, 'job');
  const workers = new SlurmWorkers(runSlurmCommand);
  const status = () => workers.status(jobDir);
  const consuming = (tasks: TaskStatus[]) =>
    tasks.filter((task) => task.stats?.status === 'consuming').map((task) => task.taskId);
  const live = async () => (await status()).filter(isActive).map((task) => task.taskId);
  const until = (what: string, condition: () => Promise<boolean>) =>
    waitFor(what, condition, 90_000, `${jobDir}/logs`).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}\n${await logTails(jobDir)}`);
    });
  const seen = new Set<string>();
  try {
    await workers.submit(
      {
        name,
        jobDir,
        command: [process.execPath, path.join(ROOT, 'bin', 'parquet-streamer.js')],
        brokers: testBrokers(),
        group: fixture.group,
        inputTopic: fixture.input,
        outputTopic: fixture.output,
        transform: 'nyc-parking-boroughs',
        logLevel: 'info',
        dataDirPattern: path.join(fixture.baseDir, '$USER', 'worker-%a'),
        webPortBase: WEB_PORT_BASE,
        webHost: '0.0.0.0',
      },
      2,
    );
    await until('tasks 0 and 1 consume', async () => {
      const tasks = await status();
      for (const task of tasks) if (task.stats) seen.add(task.stats.workerId);
      return consuming(tasks).join() === '0,1';
    });

    const feed = new RowFeed(fixture.kafka, fixture.input);
    const total = await feed.run(40, 100, 250, async (chunk) => {
      if (chunk === 10) {
        assert.deepEqual((await workers.scale(jobDir, 3)).submit, [2]);
        await until('tasks 0, 1 and 2 consume', async () => {
          const tasks = await status();
          for (const task of tasks) if (task.stats) seen.add(task.stats.workerId);
          return consuming(tasks).join() === '0,1,2';
        });
      }
      if (chunk === 20) {
        const plan = await workers.scale(jobDir, 1);
        assert.deepEqual(
          plan.cancel.map((task) => task.taskId),
          [2, 1],
        );
        await until('only task 0 is live', async () => (await live()).join() === '0');
      }
      if (chunk === 30) {
        // a fault, not a stop: the last worker is killed while rows are in flight
        const [task] = (await status()).filter(isActive);
        await slurmOutput(runSlurmCommand, 'scancel', ['--signal=KILL', task!.jobId]);
        await until('the killed task left the queue', async () => (await live()).length === 0);
        assert.deepEqual((await workers.scale(jobDir, 1)).submit, [3]);
        await until('task 3 consumes', async () => consuming(await status()).join() === '3');
      }
    });
    await waitForGroupEnd(fixture, 120_000);
    const rows = await readOutput(fixture);
    const kept = assertExactlyOnce(rows, total);
    assert.equal(total, 4000);
    // 4000 rows, every fifth dropped by the transform: a hand count, not the code's
    assert.equal(kept, 3200);
    // each task ran as its own worker, named from the job and the task id
    assert.ok(seen.size >= 3, [...seen].join());
    for (const id of seen) assert.match(id, new RegExp(`^${name}-\\d+_[0-2]$`));
  } finally {
    await workers.cancel(jobDir).catch(() => undefined);
    await waitFor(
      'the deployment left the queue',
      async () => (await status().catch(() => [])).length === 0,
      60_000,
      `${jobDir}/logs`,
    );
    await fixture.admin
      .deleteTopics({ topics: [fixture.input, fixture.output] })
      .catch(() => undefined);
    await fixture.admin.disconnect();
    await rm(fixture.baseDir, { recursive: true, force: true });
  }
});
