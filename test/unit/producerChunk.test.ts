// Message chunks: messages packed per delivery thread, each partition's share kept under the
// record batch limit, an oversized record reported to the caller, sent batches' buffers reused.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Layout, LAYOUT_FIELDS } from '../../main/producer/deliveryProtocol';
import { BatchBufferPool, MessageChunk } from '../../main/producer/messageChunk';

const start = { firstRow: 0, position: 0 };

it('packs keys, values, rows and files per thread (partition % threads)', () => {
  const chunk = new MessageChunk(
    7,
    4,
    (p) => p % 2,
    2,
    { maxMessages: 10, maxPartitionBytes: 10_000 },
    0,
    start,
    new BatchBufferPool(0),
  );
  chunk.tryAdd(0, '0', '{"a":"é"}', 0, 'part-0.parquet');
  chunk.tryAdd(1, null, '{"a":2}', 1, 'part-0.parquet');
  chunk.tryAdd(2, 'k', '{"a":3}', 2, 'part-1.parquet');
  const batches = chunk.seal();
  assert.deepEqual(
    batches.map((entry) => [entry.thread, entry.batch.count, entry.batch.id]),
    [
      [0, 2, 7],
      [1, 1, 7],
    ],
  );
  const { batch } = batches[0];
  const text = (start: number, length: number) =>
    Buffer.from(batch.bytes.subarray(start, start + length)).toString();
  const field = (i: number, f: Layout) => batch.layout[i * LAYOUT_FIELDS + f];
  assert.equal(text(field(0, Layout.KeyStart), field(0, Layout.KeyLength)), '0');
  assert.equal(text(field(0, Layout.ValueStart), field(0, Layout.ValueLength)), '{"a":"é"}');
  assert.equal(text(field(1, Layout.ValueStart), field(1, Layout.ValueLength)), '{"a":3}');
  assert.deepEqual([field(0, Layout.Partition), field(1, Layout.Partition)], [0, 2]);
  assert.deepEqual(
    [batch.files[field(0, Layout.FileIndex)], batch.files[field(1, Layout.FileIndex)]],
    ['part-0.parquet', 'part-1.parquet'],
  );
  assert.deepEqual([...batch.rows.subarray(0, 2)], [0, 2]);
  assert.equal(batches[1].batch.layout[Layout.KeyLength], -1, 'no key');
});

it('refuses a message that would overflow its partition, or the message count', () => {
  const chunk = new MessageChunk(
    1,
    2,
    () => 0,
    1,
    { maxMessages: 3, maxPartitionBytes: 400 },
    0,
    start,
    new BatchBufferPool(0),
  );
  const value = 'x'.repeat(100);
  assert.ok(chunk.tryAdd(0, '1', value, 1, 'f') > 100);
  assert.ok(chunk.tryAdd(0, '2', value, 2, 'f') > 100);
  assert.equal(chunk.tryAdd(0, '3', value, 3, 'f'), -1, 'partition 0 is full');
  assert.ok(chunk.tryAdd(1, '4', value, 4, 'f') > 100, 'partition 1 has room');
  assert.equal(chunk.isFull, true);
  assert.equal(chunk.tryAdd(1, '5', 'y', 5, 'f'), -1);
  const [{ batch }] = chunk.seal();
  assert.equal(batch.count, 3);
  assert.deepEqual([...batch.rows.subarray(0, 3)], [1, 2, 4]);
});

it('accepts a lone oversized record so the caller can name it', () => {
  const chunk = new MessageChunk(
    1,
    1,
    () => 0,
    1,
    { maxMessages: 3, maxPartitionBytes: 50 },
    0,
    start,
    new BatchBufferPool(0),
  );
  assert.ok(chunk.tryAdd(0, '1', 'x'.repeat(100), 1, 'f') > 50);
});

it("packs into a sent batch's buffers, overwriting what they held", () => {
  const pool = new BatchBufferPool(2);
  const limits = { maxMessages: 10, maxPartitionBytes: 10_000 };
  const first = new MessageChunk(1, 1, () => 0, 1, limits, 0, start, pool);
  first.tryAdd(0, 'old-key', '{"old":"value, long"}', 0, 'a.parquet');
  const [{ batch: sent }] = first.seal();
  pool.recycle({ bytes: sent.bytes.buffer as ArrayBuffer, layout: sent.layout, rows: sent.rows });

  const second = new MessageChunk(2, 1, () => 0, 1, limits, 1, start, pool);
  second.tryAdd(0, null, '{"new":1}', 5, 'b.parquet');
  const [{ batch }] = second.seal();
  assert.equal(batch.bytes.buffer, sent.bytes.buffer, 'the same memory');
  assert.equal(batch.layout, sent.layout);
  const field = (f: Layout) => batch.layout[f];
  assert.equal(batch.count, 1);
  assert.equal(field(Layout.KeyLength), -1);
  assert.equal(Buffer.from(batch.bytes.subarray(field(Layout.ValueStart))).toString(), '{"new":1}');
  assert.equal(batch.rows[0], 5);
  assert.deepEqual(batch.files, ['b.parquet']);
  assert.equal(pool.take(), undefined, 'taken once');
});
