// A worker's start-up mistakes are one-line errors with distinct exit codes: a second worker on
// the same data dir names the dir, a taken web port names the port — through the child-process
// entry and through `parquet-streamer worker`. SIGTERM leaves cleanly and releases the lock.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createKafka } from '../../main/broker/kafkaClient';
import { createLogger } from '../../main/shared/logger';
import { WorkerSupervisor } from '../../main/supervisor/workerSupervisor';
import { WORKER_EXIT } from '../../main/worker/runWorker';
import { testBrokers, uniqueName } from '../support/testBroker';

const quiet = createLogger('test', () => undefined);
const workerScript = path.join(__dirname, '..', '..', 'main', 'worker', 'workerProcess.js');
const cliCommand = path.join(__dirname, '..', '..', 'main', 'cli', 'commands', 'worker.js');

interface Run {
  code: number | null;
  stderr: string;
}

function finish(child: ChildProcess, timeoutMs = 60_000): Promise<Run> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** A fresh dir under the system temp dir, removed after the test (its workers have exited by then). */
async function tempDir(t: TestContext, prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function freePortHeldOpen(): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** The committed input rows of the partitions the worker on `port` holds, from its /stats. */
async function committedRowsIn(port: number): Promise<number> {
  const stats = (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as {
    committed: { rowsIn: number }[];
  };
  return stats.committed.reduce((sum, partition) => sum + partition.rowsIn, 0);
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function healthy(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      assert.fail(`worker on port ${port} did not become healthy in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test(
  'data dir in use and port in use are one-line errors naming them',
  { timeout: 120_000 },
  async (t) => {
    const kafka = createKafka({
      brokers: testBrokers(),
      clientId: 'test-errors',
      logger: quiet,
    });
    const admin = kafka.admin();
    await admin.connect();
    const input = uniqueName('errors-in');
    const output = uniqueName('errors-out');
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: input }, { topic: output }],
    });
    const dataDir = path.join(await tempDir(t, 'ps-errors-'), 'worker1');
    const holder = await freePortHeldOpen();
    const takenPort = (holder.address() as net.AddressInfo).port;
    const freePort = await freePortHeldOpen();
    const workerPort = (freePort.address() as net.AddressInfo).port;
    await new Promise((resolve) => freePort.close(resolve));
    const group = uniqueName('errors-group');
    const workerId = uniqueName('w');
    const args = (dir: string, port: number) => [
      '--brokers',
      testBrokers().join(','),
      '--group',
      group,
      '--input',
      input,
      '--output',
      output,
      '--data-dir',
      dir,
      '--web-port',
      String(port),
      '--worker-id',
      workerId,
    ];
    const first = spawn(process.execPath, [workerScript, ...args(dataDir, workerPort)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const firstExit = finish(first);
    let again: ChildProcess | null = null;
    let againExit: Promise<Run> | null = null;
    try {
      await healthy(workerPort, 60_000);
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: input,
        messages: Array.from({ length: 10 }, (_, row) => ({
          value: JSON.stringify({ 'Violation County Name': 'K' }),
          headers: { 'source.row': String(row) },
        })),
      });
      await producer.disconnect();
      await until(async () => (await committedRowsIn(workerPort)) === 10, 30_000);

      const sameDir = await finish(
        spawn(process.execPath, [workerScript, ...args(dataDir, 0)], {
          stdio: ['ignore', 'ignore', 'pipe'],
        }),
      );
      assert.equal(sameDir.code, WORKER_EXIT.dataDirLocked);
      assert.equal(
        sameDir.stderr,
        `error: data dir ${dataDir} is in use by worker process ${first.pid} — give each worker its own --data-dir\n`,
      );

      const otherDir = path.join(path.dirname(dataDir), 'worker2');
      const portTaken = await finish(
        spawn(process.execPath, [workerScript, ...args(otherDir, takenPort)], {
          stdio: ['ignore', 'ignore', 'pipe'],
        }),
      );
      assert.equal(portTaken.code, WORKER_EXIT.portInUse);
      assert.equal(
        portTaken.stderr,
        `error: port ${takenPort} on 127.0.0.1 is already in use — choose another --web-port\n`,
      );
      assert.equal(
        existsSync(path.join(otherDir, 'LOCK')),
        false,
        'a failed start releases its lock',
      );

      // the same through `parquet-streamer worker`, as the lead's CLI registers it
      const cli = [
        '-e',
        `const { Command } = require('commander');
       const program = new Command('parquet-streamer');
       require(${JSON.stringify(cliCommand)}).registerWorkerCommand(program);
       program.parseAsync();`,
        '--',
        'worker',
      ];
      const viaCli = await finish(
        spawn(process.execPath, [...cli, ...args(dataDir, 0)], {
          stdio: ['ignore', 'ignore', 'pipe'],
        }),
      );
      assert.equal(viaCli.code, WORKER_EXIT.dataDirLocked);
      assert.match(
        viaCli.stderr,
        new RegExp(`^error: data dir ${dataDir} is in use by worker process ${first.pid} .*\\n$`),
      );
      const badFlag = await finish(
        spawn(
          process.execPath,
          [...cli, ...args(dataDir, 0).map((arg) => (arg === '0' ? 'port' : arg))],
          {
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        ),
      );
      assert.equal(badFlag.code, WORKER_EXIT.badInput);
      assert.equal(badFlag.stderr, 'error: --web-port: must be a port number from 0 to 65535\n');

      // the supervisor reports a worker that cannot lock its data dir as a one-line error…
      const lockedPool = new WorkerSupervisor({
        brokers: testBrokers(),
        group,
        inputTopic: input,
        outputTopic: output,
        baseDir: path.dirname(dataDir),
        basePort: takenPort,
        logger: quiet,
        workerOutput: () => undefined,
      });
      try {
        await assert.rejects(lockedPool.scaleTo(1), {
          message: `worker1: data dir ${dataDir} is in use by worker process ${first.pid} — give each worker its own --data-dir`,
        });
        assert.deepEqual(lockedPool.workers(), []);
      } finally {
        await lockedPool.stop();
      }
      // …and starts workers on the next free port when the base port is taken
      const pool = new WorkerSupervisor({
        brokers: testBrokers(),
        group,
        inputTopic: input,
        outputTopic: output,
        baseDir: await tempDir(t, 'ps-errors-pool-'),
        basePort: takenPort,
        logger: quiet,
        workerOutput: () => undefined,
      });
      try {
        const [worker] = await pool.scaleTo(1);
        assert.equal(worker?.state, 'running');
        assert.notEqual(worker?.port, takenPort);
        assert.ok(worker!.port > takenPort);
      } finally {
        await pool.stop();
      }

      first.kill('SIGTERM');
      const stopped = await firstExit;
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.match(stopped.stderr, /INFO \[worker\.[^\]]+\] stopped /);
      assert.equal(existsSync(path.join(dataDir, 'LOCK')), false, 'SIGTERM releases the lock');

      // a new worker of the group shows what the group committed, restored from its topic
      again = spawn(process.execPath, [workerScript, ...args(dataDir, workerPort)], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      againExit = finish(again);
      await healthy(workerPort, 60_000);
      await until(async () => (await committedRowsIn(workerPort)) === 10, 30_000);
      again.kill('SIGTERM');
      assert.equal((await againExit).code, 0);
    } finally {
      first.kill('SIGKILL');
      again?.kill('SIGKILL');
      await Promise.all([firstExit, againExit].map((exit) => exit?.catch(() => undefined)));
      await new Promise((resolve) => holder.close(resolve));
      await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
      await admin.disconnect();
    }
  },
);

test('a transform the worker cannot run is one line and exit code 2, before it joins', async (t) => {
  const dataDir = path.join(await tempDir(t, 'ps-errors-transform-'), 'w');
  const run = (transform: string) =>
    finish(
      spawn(
        process.execPath,
        [
          workerScript,
          ...['--brokers', testBrokers().join(','), '--group', uniqueName('g')],
          ...['--input', 'never-created', '--output', 'never-created-either'],
          ...['--data-dir', dataDir, '--web-port', '0', '--transform', transform],
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      ),
    );
  const unknown = await run('no-such-preset');
  assert.equal(unknown.code, WORKER_EXIT.badInput);
  assert.match(
    unknown.stderr,
    /^error: unknown transform "no-such-preset" — name a preset \(.*nyc-parking-boroughs.*\n$/,
  );
  const badStep = await run('{"steps":[{"type":"select","fields":[]}]}');
  assert.equal(badStep.code, WORKER_EXIT.badInput);
  assert.match(badStep.stderr, /^error: .*select at least one field\n$/);
  assert.equal(existsSync(path.join(dataDir, 'LOCK')), false, 'it stopped before locking');
});
