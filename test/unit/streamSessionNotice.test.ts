// A pool's give-up line reaches the user: the stream session says the pool's `failure` as one
// error notice (the app's 'notice' event) when the pool reports its workers, once per line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { WorkerInfo } from '../../main/api/contract';
import { StreamSession } from '../../main/api/streamSession';
import { createLogger } from '../../main/shared/logger';
import type { WorkerPool } from '../../main/supervisor/workerPool';

/** A pool that only reports its workers and its failure line, as the test sets them. */
class FakePool extends EventEmitter implements WorkerPool {
  failure: string | null = null;
  workers(): WorkerInfo[] {
    return [];
  }
  scaleTo(): Promise<WorkerInfo[]> {
    return Promise.resolve([]);
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

test("the pool's give-up line is one error notice, said once, and a new line is said again", () => {
  const pool = new FakePool();
  const session = new StreamSession({
    config: {
      path: '/unused.parquet',
      inputTopic: 'in',
      outputTopic: 'out',
      partitions: 1,
      workers: 1,
      ratePerSecond: null,
    },
    brokers: ['127.0.0.1:1'],
    appDataDir: '/nonexistent',
    logger: createLogger('test', () => undefined),
    charts: [],
    createPool: () => pool,
  });
  const notices: unknown[] = [];
  session.on('notice', (notice) => notices.push(notice));

  pool.emit('workers', []);
  assert.deepEqual(notices, [], 'no failure, no notice');

  const line = 'SLURM worker task 1 ended 6 times in a row soon after it started; see x.log';
  pool.failure = line;
  pool.emit('workers', []);
  pool.emit('workers', []);
  assert.deepEqual(notices, [{ level: 'error', message: line }]);

  const other = 'SLURM worker task 0 ended 6 times in a row soon after it started; see y.log';
  pool.failure = other;
  pool.emit('workers', []);
  assert.deepEqual(notices, [
    { level: 'error', message: line },
    { level: 'error', message: other },
  ]);
});
