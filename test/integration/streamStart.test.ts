// A stream's producer starts once its workers have split the input partitions (workersReady.ts),
// against a real broker with a pool whose worker table the test writes by hand: while a worker
// has not joined, or two report the same partition (a rebalance under way), the stream stays
// "starting 2 workers…"; once each partition has one owner, it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StreamSession } from '../../main/api/streamSession';
import { createLogger } from '../../main/shared/logger';
import { testBrokers, uniqueName } from '../support/testBroker';
import { TablePool, workerRow } from '../support/workerTable';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('the producer waits until each input partition has one running worker', async () => {
  const appDataDir = await mkdtemp(path.join(tmpdir(), 'ps-start-'));
  const pool = new TablePool();
  const session = new StreamSession({
    config: {
      path: '/nonexistent/trips.parquet',
      inputTopic: uniqueName('start-in'),
      outputTopic: uniqueName('start-out'),
      partitions: 2,
      workers: 2,
      ratePerSecond: null,
    },
    brokers: testBrokers(),
    appDataDir,
    logger: createLogger('test', () => undefined),
    charts: [],
    createPool: () => pool,
  });
  const waitingForWorkers = () =>
    session.progress().state === 'starting' &&
    /starting 2 workers…$/.test(session.progress().detail ?? '');
  try {
    pool.table = [workerRow('w1', 'running', [0, 1]), workerRow('w2', 'starting', [])];
    let resolved = false;
    const started = session.start().finally(() => (resolved = true));
    for (let waited = 0; !waitingForWorkers() && waited < 60_000; waited += 100) await sleep(100);
    assert.ok(waitingForWorkers(), JSON.stringify(session.progress()));
    await sleep(1_000);
    assert.ok(!resolved && waitingForWorkers(), 'the second worker has not joined');

    pool.table = [workerRow('w1', 'running', [0, 1]), workerRow('w2', 'running', [1])];
    await sleep(1_000);
    assert.ok(!resolved && waitingForWorkers(), 'partition 1 is reported twice');

    pool.table = [workerRow('w1', 'running', [0]), workerRow('w2', 'running', [1])];
    const progress = await started;
    assert.equal(progress.state, 'running');
  } finally {
    await session.close();
    await rm(appDataDir, { recursive: true, force: true });
  }
});
