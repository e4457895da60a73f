// The chunk dispatcher never waits for an answer that cannot come: a failed batch frees its
// place in flight (the hang seen after broker restarts), nothing is sent after a failure, and
// abandon() ends every wait. Delivery threads are replaced by sends the test answers.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ChunkDispatcher } from '../../main/producer/chunkDispatcher';
import type { DeliveryPool } from '../../main/producer/deliveryPool';
import type { PartitionAck } from '../../main/producer/inflightChunks';
import type { MessageChunk } from '../../main/producer/messageChunk';
import { monotonicClock } from '../../main/producer/monotonicClock';

interface Send {
  resolve: (acks: PartitionAck[]) => void;
  reject: (error: Error) => void;
}

/** One delivery thread whose sends wait for the test to answer them. */
function fakePool(sends: Send[]): DeliveryPool {
  return {
    size: 1,
    threadOf: () => 0,
    send: () => new Promise<PartitionAck[]>((resolve, reject) => sends.push({ resolve, reject })),
    close: async () => undefined,
  } as unknown as DeliveryPool;
}

function started(sends: Send[]): ChunkDispatcher {
  const dispatcher = new ChunkDispatcher(monotonicClock, () => undefined);
  dispatcher.start(fakePool(sends), 1, { maxMessages: 100, maxPartitionBytes: 1 << 20 });
  return dispatcher;
}

/** `chunk` with one more row, at the next stream position. */
function withRow(chunk: MessageChunk): MessageChunk {
  const row = chunk.endPosition;
  assert.ok(chunk.tryAdd(0, String(row), `{"row":${row}}`, row, 'f.parquet') > 0);
  chunk.endPosition = row + 1;
  return chunk;
}

const ack = (offset: number): PartitionAck[] => [
  { partition: 0, baseOffset: String(offset), count: 1 },
];

it('gives a failed batch place back, so the next dispatch ends', { timeout: 5_000 }, async () => {
  const sends: Send[] = [];
  const dispatcher = started(sends);
  let chunk = dispatcher.newChunk(0, { firstRow: 0, position: 0 });
  chunk = await dispatcher.dispatch(withRow(chunk));
  chunk = await dispatcher.dispatch(withRow(chunk));
  assert.equal(sends.length, 2, 'two chunks in flight fill the one thread');

  const third = dispatcher.dispatch(withRow(chunk));
  sends[0].reject(new Error('connection refused'));
  sends[1].resolve(ack(0));
  await third; // waited for room; a failed chunk must not hold it for good
  assert.equal(sends.length, 2, 'nothing is sent after a failure');
  assert.equal(dispatcher.rowsFailed, 1);
  assert.equal(dispatcher.rowsAcked, 1);
  assert.match(String(dispatcher.failure), /connection refused/);
  await dispatcher.drain();
  assert.equal(dispatcher.inflight.frontier, null, 'the frontier never passes a failed chunk');
});

it(
  'ends every wait on abandon(), counting the rows left unanswered',
  { timeout: 5_000 },
  async () => {
    const sends: Send[] = [];
    const dispatcher = started(sends);
    let chunk = dispatcher.newChunk(0, { firstRow: 0, position: 0 });
    chunk = await dispatcher.dispatch(withRow(withRow(chunk)));
    chunk = await dispatcher.dispatch(withRow(chunk));
    const third = dispatcher.dispatch(withRow(chunk));
    const drained = dispatcher.drain();
    assert.equal(dispatcher.abandon(), 3);
    await third;
    await drained;
    sends[0].resolve(ack(0)); // a late answer changes nothing
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(dispatcher.rowsAcked, 0);
    assert.equal(sends.length, 2);
  },
);

it('abandons nothing when no answer is due', () => {
  assert.equal(started([]).abandon(), 0);
});
