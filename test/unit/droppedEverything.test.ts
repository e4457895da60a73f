// A stream whose transform drops every row says so, once, and only when that is certain: the
// producer is done and the workers consumed every row it sent without writing one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StreamProgress, WorkerInfo } from '../../main/api/contract';
import { DroppedEverythingWatch } from '../../main/api/droppedEverything';

function worker(id: string, rowsIn: number, rowsOut: number): WorkerInfo {
  const base = { pid: 1, port: 6066, dataDir: '/tmp', state: 'running' as const };
  return { ...base, id, rowsIn, rowsOut, restarts: 0, partitions: [] };
}

function progress(state: StreamProgress['state'], rowsAcked: number): StreamProgress {
  return {
    state,
    inputTopic: 'in',
    outputTopic: 'out',
    rowsTotal: 100,
    rowsAcked,
    rowsPerSecond: 0,
    etaSeconds: null,
  };
}

test('says so once every sent row was consumed and none came out', () => {
  const watch = new DroppedEverythingWatch();
  watch.workers([worker('w1', 60, 0), worker('w2', 30, 0)]);
  assert.equal(watch.check(progress('running', 90)), null, 'still producing');
  assert.equal(watch.check(progress('done', 100)), null, '90 of 100 consumed so far');
  // w2 scaled away: its 30 rows still count
  watch.workers([worker('w1', 70, 0)]);
  assert.equal(
    watch.check(progress('done', 100)),
    'the transform dropped every row: the workers consumed 100 and wrote none to out — check its filters',
  );
  assert.equal(watch.check(progress('done', 100)), null, 'said once');
});

test('silent when any row came out', () => {
  const watch = new DroppedEverythingWatch();
  watch.workers([worker('w1', 50, 1)]);
  watch.workers([worker('w1', 100, 1)]);
  assert.equal(watch.check(progress('done', 100)), null);
});
