// SLURM workers without SLURM: squeue's lines (written here by hand) become tasks, scaling
// plans the next ids or cancels the highest, the batch script gives each task its own data dir,
// port and id, and submit/scale/cancel run exactly the sbatch/scancel commands expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SlurmRunner } from '../../main/cluster/slurm/slurmCommand';
import { SlurmWorkers } from '../../main/cluster/slurm/slurmWorkers';
import { parseSqueueTasks, planScale } from '../../main/cluster/slurm/squeueTasks';
import {
  workerArrayScript,
  type WorkerArraySpec,
} from '../../main/cluster/slurm/workerArrayScript';
import { InputError } from '../../main/shared/errors';

const SQUEUE = `12_0|12|0|RUNNING|node07|None
12_1|12|1|RUNNING|node08|None
15_3|15|3|PENDING||Resources
12_2|12|2|COMPLETING|node07|None
`;

function spec(jobDir: string, extra: Partial<WorkerArraySpec> = {}): WorkerArraySpec {
  return {
    name: 'ps-test',
    jobDir,
    command: ['/opt/node/bin/node', '/shared/ps/bin/parquet-streamer.js'],
    brokers: ['kafka1:9092', 'kafka2:9092'],
    group: 'boroughs',
    inputTopic: 'parking',
    outputTopic: 'by-borough',
    transform: '{"name":"it\'s"}',
    logLevel: 'info',
    dataDirPattern: '/scratch/$USER/ps-%a',
    webPortBase: 6066,
    webHost: '0.0.0.0',
    partition: 'short',
    time: '2:00:00',
    ...extra,
  };
}

test('squeue lines become tasks sorted by task id; a foreign line is one error line', () => {
  const tasks = parseSqueueTasks(SQUEUE);
  assert.deepEqual(
    tasks.map((task) => [task.jobId, task.taskId, task.state, task.node]),
    [
      ['12_0', 0, 'RUNNING', 'node07'],
      ['12_1', 1, 'RUNNING', 'node08'],
      ['12_2', 2, 'COMPLETING', 'node07'],
      ['15_3', 3, 'PENDING', ''],
    ],
  );
  assert.equal(tasks[3]!.reason, 'Resources');
  assert.deepEqual(parseSqueueTasks(''), []);
  assert.throws(() => parseSqueueTasks('12|12|N/A|RUNNING|n|None'), /not an array task: "12\|12/);
});

test('scaling up takes the next unused ids, scaling down cancels the highest live tasks', () => {
  const tasks = parseSqueueTasks(SQUEUE);
  // live: 0, 1, 3 (2 is completing, so its id is not reused)
  assert.deepEqual(planScale(tasks, 5, 4), { submit: [4, 5], cancel: [], keep: [0, 1, 3] });
  assert.deepEqual(planScale(tasks, 4, 9).submit, [9]);
  assert.deepEqual(
    planScale(tasks, 1, 4).cancel.map((task) => task.jobId),
    ['15_3', '12_1'],
  );
  assert.deepEqual(planScale(tasks, 1, 4).keep, [0]);
  assert.deepEqual(planScale(tasks, 3, 4), { submit: [], cancel: [], keep: [0, 1, 3] });
  assert.deepEqual(planScale([], 2, 0), { submit: [0, 1], cancel: [], keep: [] });
});

test('the batch script gives each task its own data dir, port and id, and runs in bash', () => {
  const script = workerArrayScript(spec('/home/ana/ps-job'));
  assert.match(script, /^#SBATCH --job-name=ps-test$/m);
  assert.match(script, /^#SBATCH --output=\/home\/ana\/ps-job\/logs\/%A_%a\.out$/m);
  assert.match(script, /^#SBATCH --partition=short$/m);
  assert.match(script, /^#SBATCH --time=2:00:00$/m);
  // run the script's body with a stand-in for node that prints its arguments
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-slurm-script-'));
  try {
    const fake = path.join(dir, 'fake-node');
    writeFileSync(fake, '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n', { mode: 0o755 });
    const body = workerArrayScript(
      spec(dir, { command: [fake], dataDirPattern: `${dir}/$USER/ps-%a` }),
    );
    const argsFor = (task: number) =>
      execFileSync('bash', ['-c', body], {
        env: {
          ...process.env,
          USER: 'ana',
          SLURM_ARRAY_JOB_ID: '12',
          SLURM_ARRAY_TASK_ID: String(task),
        },
        encoding: 'utf8',
      }).split('\n');
    const three = argsFor(3);
    const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];
    assert.equal(flag(three, '--data-dir'), `${dir}/ana/ps-3`);
    assert.equal(flag(three, '--web-port'), '6069');
    assert.equal(flag(three, '--worker-id'), 'ps-test-12_3');
    assert.equal(flag(three, '--transform'), `{"name":"it's"}`);
    assert.equal(flag(three, '--brokers'), 'kafka1:9092,kafka2:9092');
    assert.equal(flag(three, '--web-token-file'), path.join(dir, 'token'));
    assert.equal(statSync(`${dir}/ana/ps-3`).isDirectory(), true);
    assert.equal(flag(argsFor(0), '--data-dir'), `${dir}/ana/ps-0`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a pattern without %a, or with a command in it, and bad SLURM values are one-line errors', () => {
  const cases: [Partial<WorkerArraySpec>, RegExp][] = [
    [{ dataDirPattern: '/scratch/$USER/ps' }, /^--data-dir-pattern: .* has no %a/],
    [{ dataDirPattern: '/scratch/$(rm -rf ~)/%a' }, /^--data-dir-pattern: .* may hold/],
    [{ dataDirPattern: '/scratch/`id`/%a' }, /^--data-dir-pattern: /],
    [{ time: 'two hours' }, /^--time: "two hours" is not a SLURM time limit/],
    [{ partition: 'a b' }, /^--partition: /],
    [{ name: 'my job' }, /^--name: /],
    [{ jobDir: '/home/a b' }, /^--job-dir: /],
  ];
  for (const [extra, message] of cases) {
    assert.throws(
      () => workerArrayScript(spec('/j', extra)),
      (error: unknown) => error instanceof InputError && message.test(error.message),
      JSON.stringify(extra),
    );
  }
});

/** A runner that answers squeue from `queue` and records every command. */
function fakeSlurm(queue: () => string) {
  const calls: string[] = [];
  const run: SlurmRunner = async (command, args) => {
    calls.push([command, ...args].join(' '));
    if (command === 'squeue') return { stdout: queue(), stderr: '', code: 0 };
    if (command === 'sbatch') return { stdout: '15;cluster\n', stderr: '', code: 0 };
    return { stdout: '', stderr: '', code: 0 };
  };
  return { run, calls };
}

test('submit writes a 0600 token and the script, then submits tasks 0…N-1; scale and cancel follow squeue', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-slurm-'));
  let queue = '';
  const slurm = fakeSlurm(() => queue);
  const workers = new SlurmWorkers(slurm.run, async () => null, 'ana');
  try {
    assert.equal(await workers.submit(spec(dir), 2), '15');
    assert.equal(statSync(path.join(dir, 'token')).mode & 0o777, 0o600);
    const token = readFileSync(path.join(dir, 'token'), 'utf8').trim();
    assert.ok(token.length >= 32);
    const script = readFileSync(path.join(dir, 'workers.sbatch'), 'utf8');
    assert.ok(!script.includes(token), 'the token itself is not in the script');
    const squeue = `squeue --noheader --array --name=ps-test --user=ana --format=%i|%F|%K|%T|%N|%r`;
    assert.deepEqual(slurm.calls, [
      squeue,
      `sbatch --parsable --array=0-1 ${path.join(dir, 'workers.sbatch')}`,
    ]);

    queue = '15_0|15|0|RUNNING|n1|None\n15_1|15|1|RUNNING|n1|None\n';
    await assert.rejects(
      workers.submit(spec(dir), 1),
      /^InputError: --name: ps-test has 2 live task/,
    );

    slurm.calls.length = 0;
    assert.deepEqual((await workers.scale(dir, 3)).submit, [2]);
    assert.deepEqual(slurm.calls.slice(1), [
      `sbatch --parsable --array=2 ${path.join(dir, 'workers.sbatch')}`,
    ]);

    queue += '15_2|15|2|RUNNING|n1|None\n';
    slurm.calls.length = 0;
    await workers.scale(dir, 1);
    assert.deepEqual(slurm.calls.slice(1), ['scancel 15_2 15_1']);

    // a task cancelled by hand leaves a gap; scaling up again never reuses a handed-out id
    queue = '15_0|15|0|RUNNING|n1|None\n';
    slurm.calls.length = 0;
    assert.deepEqual((await workers.scale(dir, 2)).submit, [3]);

    slurm.calls.length = 0;
    await workers.cancel(dir, 0);
    assert.deepEqual(slurm.calls.slice(1), ['scancel 15_0']);
    await assert.rejects(workers.cancel(dir, 7), /^InputError: --task: ps-test has no live task 7/);
    await assert.rejects(
      workers.status(path.join(dir, 'none')),
      /^InputError: --job-dir: .* holds no SLURM deployment/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('status asks each running worker for /stats with the token, on its node and port', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-slurm-'));
  const asked: string[] = [];
  let queue = '';
  const slurm = fakeSlurm(() => queue);
  const workers = new SlurmWorkers(
    slurm.run,
    async (host, port, token) => {
      asked.push(`${host}:${port}:${token.length}`);
      return null;
    },
    'ana',
  );
  try {
    await workers.submit(spec(dir), 2);
    queue = '21_0|21|0|RUNNING|node07|None\n21_1|21|1|PENDING||Priority\n';
    const tasks = await workers.status(dir);
    assert.deepEqual(asked, ['node07:6066:64']);
    assert.deepEqual(
      tasks.map((task) => [task.taskId, task.webPort, task.logFile]),
      [
        [0, 6066, path.join(dir, 'logs', '21_0.out')],
        [1, 6067, path.join(dir, 'logs', '21_1.out')],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
