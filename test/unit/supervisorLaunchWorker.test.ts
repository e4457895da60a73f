// The supervisor starts every worker through the launchWorker it is handed (the desktop app's
// utility processes), with the worker script and the flags of that worker. A stand-in worker
// script answers /stats as a consuming worker (a reconnecting one after SIGUSR2), so no broker
// is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../main/shared/logger';
import { forkWorker, WorkerSupervisor } from '../../main/supervisor/workerSupervisor';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const FAKE_WORKER = `
const http = require('node:http');
const flag = (name) => process.argv[process.argv.indexOf(name) + 1];
let status = 'consuming';
process.on('SIGUSR2', () => (status = status === 'consuming' ? 'reconnecting' : 'consuming'));
const server = http.createServer((_request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ pid: process.pid, status, rowsIn: 0, rowsOut: 0, partitions: [] }));
});
server.listen(Number(flag('--web-port')), flag('--web-host'));
process.once('SIGTERM', () => process.exit(0));
`;

test(
  'every worker is started through the launchWorker handed in',
  { timeout: 30_000 },
  async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-launch-'));
    const script = path.join(dir, 'fakeWorker.js');
    await writeFile(script, FAKE_WORKER);
    const calls: { script: string; args: string[]; logLevel: string | undefined }[] = [];
    const supervisor = new WorkerSupervisor({
      brokers: ['127.0.0.1:1'],
      group: 'g',
      inputTopic: 'in',
      outputTopic: 'out',
      baseDir: dir,
      basePort: 30950,
      logger: createLogger('test', () => undefined),
      logLevel: 'warn',
      workerOutput: () => undefined,
      pollIntervalMs: 100,
      stopTimeoutMs: 5_000,
      workerScript: script,
      launchWorker: (launched, args, env) => {
        calls.push({ script: launched, args, logLevel: env.PS_LOG_LEVEL });
        return forkWorker(launched, args, env);
      },
    });
    t.after(async () => {
      await supervisor.stop();
      await rm(dir, { recursive: true, force: true });
    });

    const workers = await supervisor.scaleTo(2);
    assert.deepEqual(
      workers.map((worker) => worker.state),
      ['running', 'running'],
    );
    assert.equal(calls.length, 2);
    for (const [i, call] of calls.entries()) {
      const flag = (name: string) => call.args[call.args.indexOf(name) + 1];
      assert.equal(call.script, script);
      assert.equal(call.logLevel, 'warn');
      assert.equal(flag('--worker-id'), `worker${i + 1}`);
      assert.equal(flag('--data-dir'), path.join(dir, `worker${i + 1}`));
      assert.equal(flag('--group'), 'g');
      assert.equal(flag('--input'), 'in');
      assert.equal(flag('--output'), 'out');
      assert.equal(flag('--brokers'), '127.0.0.1:1');
      assert.equal(flag('--web-port'), String(workers[i]!.port));
    }
    assert.notEqual(workers[0]!.port, workers[1]!.port);

    // a worker that waits for a lost broker is shown as reconnecting, the same process throughout
    const pid = workers[0]!.pid!;
    const stateOf = async (wanted: string) => {
      while (supervisor.workers()[0]!.state !== wanted) await sleep(50);
    };
    process.kill(pid, 'SIGUSR2');
    await stateOf('reconnecting');
    process.kill(pid, 'SIGUSR2');
    await stateOf('running');
    assert.deepEqual([supervisor.workers()[0]!.pid, supervisor.workers()[0]!.restarts], [pid, 0]);
    await supervisor.stop();
    assert.deepEqual(supervisor.workers(), []);
  },
);
