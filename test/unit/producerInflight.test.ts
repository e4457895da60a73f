// The acknowledged frontier: it advances only over a prefix of chunks whose every batch is
// acknowledged, whatever order the delivery threads answer in, and never past a failure.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InflightChunks } from '../../main/producer/inflightChunks';

const slice = (position: number) => ({ firstRow: position, position });

it('advances over contiguous acknowledged chunks only, recording partition offsets', () => {
  const inflight = new InflightChunks();
  inflight.open(1, 100, slice(100), 2);
  inflight.open(2, 200, slice(200), 2);
  inflight.open(3, 250, slice(250), 0); // rows skipped on resume only
  assert.equal(inflight.acknowledged(2, [{ partition: 0, baseOffset: '50', count: 60 }]), false);
  assert.equal(inflight.acknowledged(2, [{ partition: 1, baseOffset: '40', count: 40 }]), false);
  assert.equal(inflight.frontier, null, 'chunk 1 is not acknowledged yet');
  assert.equal(inflight.acknowledged(1, [{ partition: 0, baseOffset: '0', count: 50 }]), false);
  assert.equal(inflight.acknowledged(1, [{ partition: 1, baseOffset: '0', count: 40 }]), true);
  assert.deepEqual(inflight.frontier, { position: 250, slice: slice(250) });
  assert.deepEqual([...inflight.prefixOffsetEnds].sort(), [
    [0, 110n],
    [1, 80n],
  ]);
  assert.equal(inflight.size, 0);
  assert.equal(inflight.quiet, true);
});

it('stops at a failed chunk, and reports quiet once every batch has answered', async () => {
  const inflight = new InflightChunks();
  inflight.open(1, 10, slice(10), 1);
  inflight.open(2, 20, slice(20), 2);
  inflight.open(3, 30, slice(30), 1);
  const woken = inflight.settled();
  inflight.acknowledged(1, [{ partition: 0, baseOffset: '0', count: 10 }]);
  await woken;
  inflight.failed(2);
  inflight.acknowledged(3, [{ partition: 0, baseOffset: '10', count: 10 }]);
  assert.equal(inflight.quiet, false, 'one batch of chunk 2 is still out');
  inflight.acknowledged(2, [{ partition: 1, baseOffset: '0', count: 5 }]);
  assert.equal(inflight.quiet, true);
  assert.deepEqual(inflight.frontier, { position: 10, slice: slice(10) });
  assert.equal(inflight.size, 2);
});
