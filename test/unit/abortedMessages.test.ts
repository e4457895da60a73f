// read_committed filtering when aborted transactions interleave (abortedMessages.ts). The fetch
// response lists aborted transactions in the order their abort markers were written; the
// expectations below are written by hand from the record layout, as Kafka's Java consumer keeps
// records: a record is dropped when its producer has an aborted transaction begun at or before it
// and not yet ended by that producer's abort marker.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import '../../main/broker/kafkajs';
import { filterAbortedMessages } from '../../main/broker/abortedMessages';

const X = '7';
const Y = '9';
const Z = '11';

function record(offset: number, producerId: string, inTransaction: boolean, abortMarker = false) {
  return {
    offset: String(offset),
    key: abortMarker ? Buffer.from([0, 0, 0, 0]) : null,
    value: abortMarker ? Buffer.from([0, 0, 0, 0, 0, 0]) : Buffer.from(`row ${offset}`),
    isControlRecord: abortMarker,
    batchContext: { producerId, inTransaction },
  };
}

// X and Y (two workers' transactions, or one worker's of two input partitions) both aborted;
// Y's marker was written first, so the broker lists Y's transaction first although X's began first
const PARTITION = [
  record(10, X, true),
  record(11, Y, true),
  record(12, X, true),
  record(13, Y, true),
  record(14, Z, false),
  record(15, Y, true, true),
  record(16, X, true, true),
  record(17, X, true),
  record(18, Y, true),
];
const LISTED = [
  { producerId: Y, firstOffset: '11' },
  { producerId: X, firstOffset: '10' },
];
const offsets = (messages: { offset: string }[]) => messages.map(({ offset }) => Number(offset));

describe('aborted transactions', () => {
  it('drops every record of both aborted transactions, whatever order they are listed in', () => {
    const kept = filterAbortedMessages({ messages: PARTITION, abortedTransactions: LISTED });
    // 17 and 18 are later transactions of X and Y, after their abort markers: committed ones
    assert.deepEqual(offsets(kept), [14, 15, 16, 17, 18]);
  });

  it('drops them when the fetch starts after both transactions began', () => {
    const kept = filterAbortedMessages({
      messages: PARTITION.slice(3),
      abortedTransactions: LISTED,
    });
    assert.deepEqual(offsets(kept), [14, 15, 16, 17, 18]);
  });

  it('keeps everything when nothing was aborted', () => {
    assert.equal(filterAbortedMessages({ messages: PARTITION, abortedTransactions: [] }).length, 9);
  });

  it("is what kafkajs' consumer batches use", () => {
    const load = createRequire(require.resolve('kafkajs'));
    const Batch = load('./src/consumer/batch') as new (
      topic: string,
      fetchedOffset: string,
      partitionData: unknown,
    ) => { messages: { offset: string }[] };
    const batch = new Batch('output', '10', {
      partition: 0,
      highWatermark: '19',
      messages: PARTITION,
      abortedTransactions: LISTED,
    });
    // the control records go too, as kafkajs drops them after the abort filter
    assert.deepEqual(offsets(batch.messages), [14, 17, 18]);
  });
});
