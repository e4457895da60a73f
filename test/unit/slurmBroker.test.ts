// The broker as a SLURM job without SLURM: the batch script runs `broker start` on the log dir
// the node expands, listening where asked and advertising the node's name; start, status and
// stop run exactly the sbatch, squeue and scancel commands expected (squeue's lines written
// here by hand), status gives the address the broker wrote, and bad values are one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderServerProperties } from '../../main/broker/brokerConfig';
import { brokerJobScript, type BrokerJobSpec } from '../../main/cluster/slurm/brokerJobScript';
import { SlurmBroker } from '../../main/cluster/slurm/slurmBroker';
import type { SlurmRunner } from '../../main/cluster/slurm/slurmCommand';
import { InputError } from '../../main/shared/errors';

function spec(jobDir: string, extra: Partial<BrokerJobSpec> = {}): BrokerJobSpec {
  return {
    name: 'ps-broker',
    jobDir,
    command: ['/opt/node/bin/node', '/shared/ps/bin/parquet-streamer.js'],
    logDir: '/scratch/$USER/kafka',
    port: 9092,
    controllerPort: 9093,
    listenHost: '0.0.0.0',
    heapMb: 2048,
    partition: 'long',
    time: '1-00:00:00',
    ...extra,
  };
}

test('the broker script starts the broker on the expanded log dir, advertising the node', () => {
  const script = brokerJobScript(spec('/home/ana/ps-broker'));
  assert.match(script, /^#SBATCH --job-name=ps-broker$/m);
  assert.match(script, /^#SBATCH --output=\/home\/ana\/ps-broker\/logs\/%A_%a\.out$/m);
  assert.match(script, /^#SBATCH --partition=long$/m);
  assert.match(script, /^#SBATCH --time=1-00:00:00$/m);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-slurm-broker-script-'));
  try {
    const fake = path.join(dir, 'fake-node');
    writeFileSync(fake, '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n', { mode: 0o755 });
    const argsOf = (extra: Partial<BrokerJobSpec>) =>
      execFileSync(
        'bash',
        [
          '-c',
          brokerJobScript(spec(dir, { command: [fake], logDir: `${dir}/$USER/kafka`, ...extra })),
        ],
        { env: { ...process.env, USER: 'ana', SLURMD_NODENAME: 'node07' }, encoding: 'utf8' },
      ).split('\n');
    const args = argsOf({});
    const flag = (name: string, of = args) => of[of.indexOf(name) + 1];
    assert.deepEqual(args.slice(0, 2), ['broker', 'start']);
    assert.equal(flag('--data-dir'), `${dir}/ana/kafka`);
    assert.equal(statSync(`${dir}/ana/kafka`).isDirectory(), true);
    assert.equal(flag('--port'), '9092');
    assert.equal(flag('--controller-port'), '9093');
    assert.equal(flag('--listen-host'), '0.0.0.0');
    assert.equal(flag('--advertised-host'), 'node07');
    assert.equal(flag('--heap-mb'), '2048');
    assert.equal(flag('--address-file'), path.join(dir, 'address.json'));
    // a listener on one address is reached by that address
    const bound = argsOf({ listenHost: '10.1.2.3' });
    assert.equal(bound.includes('--advertised-host'), false);
    assert.equal(flag('--listen-host', bound), '10.1.2.3');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a listener on every interface advertises the name clients reach it by', () => {
  const properties = renderServerProperties({
    dataDir: '/scratch/ana/kafka',
    host: '0.0.0.0',
    advertisedHost: 'node07',
    nodeId: 1,
    port: 9092,
    controllerPort: 9093,
    voters: [{ nodeId: 1, controllerPort: 9093 }],
  });
  assert.match(
    properties,
    /^listeners=PLAINTEXT:\/\/0\.0\.0\.0:9092,CONTROLLER:\/\/0\.0\.0\.0:9093$/m,
  );
  assert.match(properties, /^advertised\.listeners=PLAINTEXT:\/\/node07:9092$/m);
  assert.match(properties, /^controller\.quorum\.voters=1@node07:9093$/m);
  assert.match(properties, /^log\.dirs=\/scratch\/ana\/kafka\/kraft-logs$/m);
});

test('bad broker job values are one line naming the flag', () => {
  const cases: [Partial<BrokerJobSpec>, RegExp][] = [
    [{ logDir: '/scratch/$(id)/kafka' }, /^--log-dir: .* may hold/],
    [{ logDir: '/scratch/%a' }, /^--log-dir: /],
    [{ controllerPort: 9092 }, /^--controller-port: 9092 is also the client --port/],
    [{ time: 'a day' }, /^--time: /],
    [{ name: 'my broker' }, /^--name: /],
  ];
  for (const [extra, message] of cases) {
    assert.throws(
      () => brokerJobScript(spec('/j', extra)),
      (error: unknown) => error instanceof InputError && message.test(error.message),
      JSON.stringify(extra),
    );
  }
});

test('start submits one task, status gives the written address, stop waits for the queue', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-slurm-broker-'));
  const calls: string[] = [];
  const queues: string[] = [];
  let queue = '';
  const run: SlurmRunner = async (command, args) => {
    calls.push([command, ...args].join(' '));
    if (command === 'squeue') return { stdout: queues.shift() ?? queue, stderr: '', code: 0 };
    if (command === 'sbatch') return { stdout: '31;cluster\n', stderr: '', code: 0 };
    return { stdout: '', stderr: '', code: 0 };
  };
  const broker = new SlurmBroker(run, 'ana', 1);
  const squeue = 'squeue --noheader --array --name=ps-broker --user=ana --format=%i|%F|%K|%T|%N|%r';
  try {
    writeFileSync(path.join(dir, 'address.json'), '{"brokers":["old:9092"]}');
    assert.equal(await broker.start(spec(dir)), '31');
    assert.deepEqual(calls, [
      squeue,
      `sbatch --parsable --array=0 ${path.join(dir, 'broker.sbatch')}`,
    ]);
    assert.match(readFileSync(path.join(dir, 'broker.sbatch'), 'utf8'), /broker start/);

    queue = '31_0|31|0|PENDING||Priority\n';
    await assert.rejects(
      broker.start(spec(dir)),
      /^InputError: --name: ps-broker is already in the queue as job 31_0/,
    );
    // a previous job's address is not this one's
    assert.equal((await broker.status(dir))?.bootstrap, null);

    queue = '31_0|31|0|RUNNING|node07|None\n';
    assert.equal((await broker.status(dir))?.bootstrap, null, 'not answering yet');
    writeFileSync(path.join(dir, 'address.json'), '{"brokers":["node07:9092"]}');
    const running = await broker.status(dir);
    assert.equal(running?.bootstrap, 'node07:9092');
    assert.equal(running?.node, 'node07');
    assert.equal(running?.logFile, path.join(dir, 'logs', '31_0.out'));

    calls.length = 0;
    queues.push(queue, queue, '31_0|31|0|COMPLETING|node07|None\n', '');
    assert.deepEqual(
      (await broker.stop(dir)).map((task) => task.jobId),
      ['31_0'],
    );
    assert.deepEqual(calls, [squeue, 'scancel 31_0', squeue, squeue, squeue]);
    queue = '';
    assert.equal(await broker.status(dir), null);
    assert.deepEqual(await broker.stop(dir), []);
    await assert.rejects(
      broker.status(path.join(dir, 'none')),
      /^InputError: --job-dir: .* holds no SLURM broker job/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
