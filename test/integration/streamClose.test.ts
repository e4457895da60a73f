// Closing while a stream starts, against a real broker: a stream session closed during start()
// starts no worker and no producer after it and leaves no socket to the broker; an engine closed
// while a stream waits for the broker makes no session at all (no worker is launched).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StreamConfig, WorkerInfo } from '../../main/api/contract';
import { StreamEngine } from '../../main/api/streamEngine';
import { StreamSession } from '../../main/api/streamSession';
import { createLogger } from '../../main/shared/logger';
import type { LaunchWorker, WorkerChild } from '../../main/supervisor/workerSupervisor';
import type { WorkerPool } from '../../main/supervisor/workerPool';
import { brokerSocketCount, openBrokerSockets } from '../support/brokerSockets';
import { testBrokers, uniqueName } from '../support/testBroker';

const quiet = createLogger('test', () => undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function streamConfig(): StreamConfig {
  return {
    path: '/nonexistent/trips.parquet',
    inputTopic: uniqueName('close-in'),
    outputTopic: uniqueName('close-out'),
    partitions: 1,
    workers: 1,
    ratePerSecond: null,
  };
}

/** A pool that records what it is asked, in order. */
class RecordingPool extends EventEmitter implements WorkerPool {
  readonly calls: string[] = [];
  workers(): WorkerInfo[] {
    return [];
  }
  async scaleTo(count: number): Promise<WorkerInfo[]> {
    this.calls.push(`scaleTo ${count}`);
    return [];
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
  }
}

test('a session closed during start() starts nothing after it and leaves no socket', async () => {
  const from = brokerSocketCount();
  const appDataDir = await mkdtemp(path.join(tmpdir(), 'ps-close-'));
  const pool = new RecordingPool();
  const session = new StreamSession({
    config: streamConfig(),
    brokers: testBrokers(),
    appDataDir,
    logger: quiet,
    charts: [],
    createPool: () => pool,
  });
  try {
    const started = session.start();
    await session.close();
    await assert.rejects(started, /closed while it started/);
    assert.deepEqual(pool.calls, ['stop'], 'no worker is started after close()');
    assert.notEqual(session.progress().state, 'running');
    // a kafkajs call still running at a disconnect would connect again after its retry delay
    await sleep(1_000);
    assert.equal(openBrokerSockets(from), 0, 'sockets left open after close()');
  } finally {
    await rm(appDataDir, { recursive: true, force: true });
  }
});

test('an engine closed while a stream waits for the broker starts no session', async () => {
  const appDataDir = await mkdtemp(path.join(tmpdir(), 'ps-close-engine-'));
  const launches: string[] = [];
  const launchWorker: LaunchWorker = (script) => {
    launches.push(script);
    const child = Object.assign(new EventEmitter(), {
      stdout: null,
      stderr: null,
      kill: () => child.emit('exit', null, 'SIGTERM'),
    });
    return child as unknown as WorkerChild;
  };
  const engine = new StreamEngine({
    appDataDir,
    brokers: testBrokers(),
    autoStartBroker: false,
    logger: quiet,
    launchWorker,
  });
  try {
    const starting = engine.handlers.startStream(streamConfig());
    await engine.close();
    await assert.rejects(starting, /the app is closing/);
    assert.deepEqual(launches, [], 'no worker is launched after close()');
  } finally {
    await engine.close();
    await rm(appDataDir, { recursive: true, force: true });
  }
});
