// How much of a fetched batch a lagging chart feed reads (catchUp): all of it when the feed is
// at the end, only the tail the windows can still hold when newer rows follow, nothing and a
// seek to a little before the end when the whole batch is older than that. Hand-worked offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catchUp, rowsToKeep, seekMargin } from '../../main/charts/catchUp';

test('the windows decide how many rows per partition to keep', () => {
  assert.equal(rowsToKeep([]), 1000);
  assert.equal(rowsToKeep([{ rows: 50 }, { rows: 300 }]), 300);
  // a time window keeps up to its row cap
  assert.equal(rowsToKeep([{ rows: 50 }, { seconds: 60 }]), 100_000);
  // 1000 rows over 3 partitions: the latest 334 of each
  assert.equal(rowsToKeep([{ rows: 1000 }], 3), 334);
  // keep 1000: 100 + 100 more offsets
  assert.equal(seekMargin(1000), 200);
  assert.equal(seekMargin(50), 105);
});

test('a feed at the end of the partition reads the whole batch', () => {
  // offsets 0..499, end offset 500: nothing follows
  assert.deepEqual(catchUp({ messages: 500, lastOffset: 499, highWatermark: 500 }, 1000), {
    parseFrom: 0,
    seekTo: null,
    skipped: 0,
  });
});

test('a batch with newer rows after it is read from the tail the windows still need', () => {
  // offsets 0..4999, end 6000: 1000 offsets follow; keep 1000 + margin 200 → 200 from this batch
  assert.deepEqual(catchUp({ messages: 5000, lastOffset: 4999, highWatermark: 6000 }, 1000), {
    parseFrom: 4800,
    seekTo: null,
    skipped: 4800,
  });
});

test('a batch older than what the windows hold is skipped and the partition sought near its end', () => {
  // offsets 0..4999, end 100,000: seek to 100,000 − 1000 − 200 = 98,800, jumping 93,800 offsets
  assert.deepEqual(catchUp({ messages: 5000, lastOffset: 4999, highWatermark: 100_000 }, 1000), {
    parseFrom: 5000,
    seekTo: 98_800,
    skipped: 5000 + 93_800,
  });
  // exactly keep + margin offsets follow: skip the batch, read on without a seek
  assert.deepEqual(catchUp({ messages: 10, lastOffset: 9, highWatermark: 1210 }, 1000), {
    parseFrom: 10,
    seekTo: null,
    skipped: 10,
  });
});
