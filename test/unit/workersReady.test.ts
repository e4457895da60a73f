// When a stream's producer may start: once its workers run and split the input partitions,
// each held by one worker. The cases are worker tables as a pool reports them during a start
// and a rebalance, written by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkerInfo, WorkerState } from '../../main/api/contract';
import { partitionsSplit, workersReady } from '../../main/supervisor/workersReady';
import { TablePool, workerRow } from '../support/workerTable';

/** A worker row named after its partitions. */
function worker(state: WorkerState, partitions: number[]): WorkerInfo {
  return workerRow(`w${partitions.join('')}`, state, partitions);
}

test('the partitions are split when every worker runs and each partition has one owner', () => {
  assert.equal(partitionsSplit([worker('running', [0, 1, 2, 3])], 4), true);
  assert.equal(partitionsSplit([worker('running', [1, 2]), worker('running', [0, 3])], 4), true);
  // three workers of two partitions: one holds none
  const three = [worker('running', [0]), worker('running', []), worker('running', [1])];
  assert.equal(partitionsSplit(three, 2), true);
});

test('a start or a rebalance under way is not ready', () => {
  assert.equal(partitionsSplit([], 4), false, 'no worker');
  assert.equal(
    partitionsSplit([worker('running', [0, 1, 2, 3]), worker('starting', [])], 4),
    false,
    'the second worker has not joined',
  );
  assert.equal(
    partitionsSplit([worker('running', [0, 1, 2, 3]), worker('running', [0, 3])], 4),
    false,
    'the first worker still reports its assignment before the rebalance',
  );
  assert.equal(
    partitionsSplit([worker('running', [1, 2]), worker('running', [3])], 4),
    false,
    'partition 0 has no owner',
  );
  assert.equal(
    partitionsSplit([worker('running', [0, 1]), worker('running', [2, 5])], 4),
    false,
    'a partition the topic does not have',
  );
  assert.equal(
    partitionsSplit([worker('running', [0, 1]), worker('reconnecting', [2, 3])], 4),
    false,
  );
});

test('the wait ends when the table becomes ready, and gives up on an exited worker', async () => {
  const pool = new TablePool([worker('running', [0, 1]), worker('starting', [])]);
  const waiting = workersReady(pool, 2, {
    checkEveryMs: 5,
    timeoutMs: 10_000,
    cancelled: () => false,
  });
  setTimeout(() => (pool.table = [worker('running', [0]), worker('running', [1])]), 50);
  assert.equal(await waiting, true);

  const exited = new TablePool([worker('running', [0, 1]), worker('exited', [])]);
  const wait = { checkEveryMs: 5, timeoutMs: 10_000, cancelled: () => false };
  assert.equal(await workersReady(exited, 2, wait), false);
  let cancel = false;
  const cancelled = workersReady(new TablePool([]), 2, { ...wait, cancelled: () => cancel });
  cancel = true;
  assert.equal(await cancelled, false);
  const timeout = { checkEveryMs: 5, timeoutMs: 30, cancelled: () => false };
  assert.equal(await workersReady(new TablePool([]), 2, timeout), false);
});
