// The SLURM worker pool without SLURM: squeue's lines and the workers' /stats (written here by
// hand) become the worker table's rows, and scaling to 3 then 1 then stopping runs exactly the
// sbatch and scancel commands expected; a task that leaves the queue unasked is submitted again
// under its id until it has ended too often in a row, which is one error line; the stream form's
// SLURM options fail with one line each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCommandArgs, type StreamConfig, type WorkerInfo } from '../../main/api/contract';
import type { SlurmRunner } from '../../main/cluster/slurm/slurmCommand';
import {
  slurmJobName,
  slurmWorkerPool,
  SlurmWorkerPool,
} from '../../main/cluster/slurm/slurmWorkerPool';
import { SlurmWorkers, type StatsReader } from '../../main/cluster/slurm/slurmWorkers';
import type { WorkerStatsDocument } from '../../main/worker/workerReport';
import { createLogger } from '../../main/shared/logger';

const GROUP = 'parquet-streamer.parking.by-borough';
const NAME = slurmJobName(GROUP);

/** A cluster that runs what sbatch submits as array job 42 (task 2 waits until started) and
 * ends what scancel names; /stats answers from `answers` by host:port. */
function fakeCluster() {
  let queue: string[] = [];
  const commands: string[] = [];
  const answers = new Map<string, WorkerStatsDocument>();
  const run: SlurmRunner = async (command, args) => {
    if (command === 'squeue') return { stdout: queue.join('\n'), stderr: '', code: 0 };
    commands.push([command, ...args].join(' '));
    if (command === 'sbatch') {
      const range = /--array=(\d+)(?:-(\d+))?/.exec(args.join(' '))!;
      for (let id = Number(range[1]); id <= Number(range[2] ?? range[1]); id += 1) {
        queue.push(
          id === 2 ? '42_2|42|2|PENDING||Resources' : `42_${id}|42|${id}|RUNNING|node0${id}|None`,
        );
      }
      return { stdout: '42;ps-local\n', stderr: '', code: 0 };
    }
    queue = queue.filter((line) => !args.includes(line.split('|')[0]!));
    return { stdout: '', stderr: '', code: 0 };
  };
  const readStats: StatsReader = async (host, port, token) => {
    assert.match(token, /^[0-9a-f]{64}$/, "the job dir's token is sent");
    return answers.get(`${host}:${port}`) ?? null;
  };
  const startTask2 = () => {
    queue = queue.map((line) =>
      line.startsWith('42_2|') ? '42_2|42|2|RUNNING|node02|None' : line,
    );
  };
  return { run, readStats, commands, answers, startTask2 };
}

function stats(workerId: string, extra: Partial<WorkerStatsDocument>): WorkerStatsDocument {
  return {
    workerId,
    pid: 0,
    status: 'consuming',
    rowsIn: 0,
    rowsOut: 0,
    partitions: [],
    ...extra,
  } as WorkerStatsDocument;
}

const config = {
  path: '/data/parking.parquet',
  inputTopic: 'parking',
  outputTopic: 'by-borough',
  partitions: 4,
  workers: 3,
  ratePerSecond: null,
  workersOn: 'slurm',
  slurmWebPortBase: 7100,
  slurmPartition: 'short',
} satisfies StreamConfig;

test('squeue and /stats become worker rows; scaling to 3 then 1 and stopping run sbatch/scancel', async () => {
  const appDataDir = mkdtempSync(path.join(os.tmpdir(), 'ps-slurm-pool-'));
  const jobDir = path.join(appDataDir, 'slurm', NAME);
  const cluster = fakeCluster();
  const pool = slurmWorkerPool({
    config,
    appDataDir,
    run: cluster.run,
    command: ['/usr/bin/node', '/shared/ps/bin/parquet-streamer.js'],
    readStats: cluster.readStats,
    pollIntervalMs: 5,
  })({
    brokers: ['kafka1:9092'],
    group: GROUP,
    inputTopic: 'parking',
    outputTopic: 'by-borough',
    baseDir: path.join(appDataDir, 'workers'),
    logger: createLogger('test', () => undefined),
  });
  try {
    const emitted: WorkerInfo[][] = [];
    pool.on('workers', (workers) => emitted.push(workers));
    // task 0 consumes; on task 1's port answers a worker of another array; task 2 is pending
    cluster.answers.set(
      'node00:7100',
      stats(`${NAME}-42_0`, { pid: 501, rowsIn: 120, rowsOut: 118, partitions: [0, 1] }),
    );
    cluster.answers.set('node01:7101', stats('ps-other-7_1', { pid: 9, rowsIn: 5 }));
    const firstRows = new Promise((resolve) => pool.on('workers', resolve));
    const scaled = pool.scaleTo(3);
    await firstRows;
    const dataDir = (id: number) => path.join(jobDir, 'data', `worker-${id}`);
    assert.deepEqual(pool.workers(), [
      {
        id: `${NAME}-42_0`,
        pid: 501,
        port: 7100,
        host: 'node00',
        dataDir: dataDir(0),
        state: 'running',
        rowsIn: 120,
        rowsOut: 118,
        restarts: 0,
        partitions: [0, 1],
      },
      {
        id: `${NAME}-42_1`,
        pid: null,
        port: 7101,
        host: 'node01',
        dataDir: dataDir(1),
        state: 'starting',
        rowsIn: 0,
        rowsOut: 0,
        restarts: 0,
        partitions: [],
      },
      {
        id: `${NAME}-42_2`,
        pid: null,
        port: 7102,
        dataDir: dataDir(2),
        state: 'starting',
        rowsIn: 0,
        rowsOut: 0,
        restarts: 0,
        partitions: [],
      },
    ]);
    assert.deepEqual(emitted.at(-1), pool.workers());

    // scaleTo(3) resolves once all three consume
    cluster.startTask2();
    cluster.answers.set('node01:7101', stats(`${NAME}-42_1`, { pid: 502, partitions: [2] }));
    cluster.answers.set('node02:7102', stats(`${NAME}-42_2`, { pid: 503, partitions: [3] }));
    assert.deepEqual(
      (await scaled).map((row) => [row.id, row.host, row.state, row.partitions]),
      [
        [`${NAME}-42_0`, 'node00', 'running', [0, 1]],
        [`${NAME}-42_1`, 'node01', 'running', [2]],
        [`${NAME}-42_2`, 'node02', 'running', [3]],
      ],
    );

    assert.deepEqual(
      (await pool.scaleTo(1)).map((row) => [row.id, row.state]),
      [[`${NAME}-42_0`, 'running']],
    );
    await pool.stop();
    assert.deepEqual(pool.workers(), []);
    assert.deepEqual(emitted.at(-1), []);
    assert.deepEqual(cluster.commands, [
      `sbatch --parsable --array=0-2 ${jobDir}/workers.sbatch`,
      'scancel 42_2 42_1',
      'scancel 42_0',
    ]);
  } finally {
    await pool.stop();
    rmSync(appDataDir, { recursive: true, force: true });
  }
});

test('a task that leaves the queue unasked is resubmitted under its id, then given up in one line', async () => {
  const jobDir = mkdtempSync(path.join(os.tmpdir(), 'ps-slurm-resubmit-'));
  let queue: string[] = [];
  let nextJob = 50;
  const submitted: string[] = [];
  const run: SlurmRunner = async (command, args) => {
    if (command === 'squeue') return { stdout: queue.join('\n'), stderr: '', code: 0 };
    if (command === 'sbatch') {
      const range = /--array=(\d+)(?:-(\d+))?/.exec(args.join(' '))!;
      const job = nextJob++;
      for (let id = Number(range[1]); id <= Number(range[2] ?? range[1]); id += 1) {
        queue.push(`${job}_${id}|${job}|${id}|RUNNING|node01|None`);
      }
      submitted.push(`${job}: ${range[0]}`);
      return { stdout: `${job};ps-local\n`, stderr: '', code: 0 };
    }
    queue = queue.filter((line) => !args.includes(line.split('|')[0]!));
    return { stdout: '', stderr: '', code: 0 };
  };
  const errors: string[] = [];
  const pool = new SlurmWorkerPool({
    slurm: new SlurmWorkers(run, async () => null),
    spec: {
      name: 'ps-resubmit',
      jobDir,
      command: ['/usr/bin/node', '/shared/ps/bin/parquet-streamer.js'],
      brokers: ['kafka1:9092'],
      group: 'g',
      inputTopic: 'in',
      outputTopic: 'out',
      transform: 'nyc-parking-boroughs',
      logLevel: 'info',
      dataDirPattern: path.join(jobDir, 'worker-%a'),
      webPortBase: 7200,
      webHost: '0.0.0.0',
    },
    logger: createLogger('test', (line) => {
      if (line.includes('ERROR')) errors.push(line);
    }),
    pollIntervalMs: 5,
    startTimeoutMs: 50,
    resubmitBackoff: { initialMs: 1, maxMs: 1, stableAfterMs: 3_600_000 },
    maxResubmits: 2,
  });
  const until = async (what: string, done: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!done()) {
      assert.ok(Date.now() < deadline, `waiting until ${what}: ${submitted.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const kill = (jobId: string) => (queue = queue.filter((line) => !line.startsWith(`${jobId}|`)));
  const rows = () => pool.workers().map((row) => `${row.id} ${row.port} restarts ${row.restarts}`);
  try {
    await pool.scaleTo(2);
    assert.deepEqual(submitted, ['50: --array=0-1']);

    kill('50_1');
    await until('task 1 is back', () => rows().includes('ps-resubmit-51_1 7201 restarts 1'));
    assert.deepEqual(submitted, ['50: --array=0-1', '51: --array=1']);
    assert.deepEqual(rows(), [
      'ps-resubmit-50_0 7200 restarts 0',
      'ps-resubmit-51_1 7201 restarts 1',
    ]);

    kill('51_1');
    await until('task 1 is back again', () => submitted.length === 3);
    kill('52_1');
    await until('the pool gives task 1 up', () => pool.failure !== null);
    assert.equal(
      pool.failure,
      `SLURM worker task 1 ended 3 times in a row soon after it started; it is not resubmitted again — see ${jobDir}/logs/52_1.out`,
    );
    assert.equal(errors.length, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(submitted, ['50: --array=0-1', '51: --array=1', '52: --array=1']);
    assert.deepEqual(rows(), ['ps-resubmit-50_0 7200 restarts 0']);

    // the user scales back to 2: a new id stands in, and stop resubmits nothing
    await pool.scaleTo(2);
    assert.deepEqual(submitted.at(-1), '53: --array=2');
    await pool.stop();
    assert.deepEqual(queue, []);
    assert.equal(submitted.length, 4);
  } finally {
    await pool.stop();
    rmSync(jobDir, { recursive: true, force: true });
  }
});

test("the stream's SLURM options fail with one line naming the field", () => {
  const wrong = (extra: Partial<StreamConfig>) => {
    const parsed = parseCommandArgs('startStream', { ...config, ...extra });
    return parsed.ok ? 'accepted' : parsed.error;
  };
  assert.equal(wrong({}), 'accepted');
  assert.equal(
    wrong({ workersOn: 'cloud' as 'slurm' }),
    'startStream: workersOn: choose "local" (this machine) or "slurm" (a SLURM cluster)',
  );
  assert.match(wrong({ slurmTime: 'soon' }), /^startStream: slurmTime: use minutes, hh:mm:ss/);
  assert.match(
    wrong({ slurmDataDirPattern: '/scratch/ps' }),
    /^startStream: slurmDataDirPattern: add %a/,
  );
  assert.match(
    wrong({ slurmDataDirPattern: '/x/$(rm)-%a' }),
    /^startStream: slurmDataDirPattern: use letters/,
  );
  assert.match(wrong({ slurmPartition: 'a b' }), /^startStream: slurmPartition: a partition name/);
  assert.match(
    wrong({ slurmWebPortBase: 65000 }),
    /^startStream: slurmWebPortBase: choose a port up to 64535/,
  );
});
