// One round of produce requests: a contiguous run of stream positions whose messages are
// packed per delivery thread (key and value bytes in one buffer, a fixed layout per message).
// Each partition's share must fit in one record batch, which the broker caps at the topic's
// max.message.bytes, so a chunk refuses a message that would overflow it.
import { SOURCE_FILE_HEADER, SOURCE_ROW_HEADER } from '../shared/sourceHeaders';
import { Layout, LAYOUT_FIELDS, type BatchBuffers, type DeliveryBatch } from './deliveryProtocol';

/** The per-record overhead Kafka's record format adds around key, value and headers, rounded up. */
const RECORD_OVERHEAD_BYTES = 64;
const HEADER_NAME_BYTES = SOURCE_FILE_HEADER.length + SOURCE_ROW_HEADER.length;

export interface ChunkLimits {
  maxMessages: number;
  /** bytes one partition's record batch may hold */
  maxPartitionBytes: number;
}

/** Where a resumed run re-reads from: the reader slice holding a stream position. */
export interface SliceMark {
  firstRow: number;
  position: number;
}

/** Buffers of sent batches, reused for new ones: each is about a megabyte, and allocating a
 * few hundred a second left the C heap fragmented (peak memory grew over long runs). */
export class BatchBufferPool {
  private readonly spares: BatchBuffers[] = [];

  constructor(private readonly kept: number) {}

  recycle(buffers: BatchBuffers): void {
    if (this.spares.length < this.kept) this.spares.push(buffers);
  }

  take(): BatchBuffers | undefined {
    return this.spares.pop();
  }
}

const INITIAL_BYTES = 1024 * 1024;

/** The messages of one chunk bound for one delivery thread. */
class ThreadBatchBuilder {
  count = 0;
  private bytes: Buffer;
  private used = 0;
  private layout: Int32Array;
  private rows: Float64Array;

  constructor(expectedMessages: number, spare: BatchBuffers | undefined) {
    this.bytes = spare ? Buffer.from(spare.bytes) : Buffer.allocUnsafeSlow(INITIAL_BYTES);
    const rowsFit = spare !== undefined && spare.rows.length >= expectedMessages;
    this.layout = rowsFit ? spare.layout : new Int32Array(expectedMessages * LAYOUT_FIELDS);
    this.rows = rowsFit ? spare.rows : new Float64Array(expectedMessages);
  }

  /** Appends a message; returns the bytes its key and value took. */
  append(
    partition: number,
    key: string | null,
    value: string,
    row: number,
    fileIndex: number,
  ): number {
    const worstCase = (key?.length ?? 0) * 3 + value.length * 3;
    if (this.used + worstCase > this.bytes.length) this.growBytes(this.used + worstCase);
    if (this.count === this.rows.length) this.growRows();
    const at = this.count * LAYOUT_FIELDS;
    const keyStart = this.used;
    const keyLength = key === null ? -1 : this.bytes.write(key, keyStart, 'utf8');
    const valueStart = keyStart + Math.max(0, keyLength);
    const valueLength = this.bytes.write(value, valueStart, 'utf8');
    this.layout[at + Layout.Partition] = partition;
    this.layout[at + Layout.KeyStart] = keyStart;
    this.layout[at + Layout.KeyLength] = keyLength;
    this.layout[at + Layout.ValueStart] = valueStart;
    this.layout[at + Layout.ValueLength] = valueLength;
    this.layout[at + Layout.FileIndex] = fileIndex;
    this.rows[this.count] = row;
    this.used = valueStart + valueLength;
    this.count++;
    return Math.max(0, keyLength) + valueLength;
  }

  /** Drops the last appended message. */
  undoLast(): void {
    this.count--;
    this.used = this.layout[this.count * LAYOUT_FIELDS + Layout.KeyStart];
  }

  seal(id: number, files: string[]): DeliveryBatch {
    return {
      id,
      count: this.count,
      bytes: this.bytes.subarray(0, this.used),
      layout: this.layout,
      rows: this.rows,
      files,
    };
  }

  private growBytes(needed: number): void {
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.bytes.length * 2));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }

  private growRows(): void {
    const layout = new Int32Array(this.layout.length * 2);
    layout.set(this.layout);
    this.layout = layout;
    const rows = new Float64Array(this.rows.length * 2);
    rows.set(this.rows);
    this.rows = rows;
  }
}

export class MessageChunk {
  private readonly builders: ThreadBatchBuilder[];
  private readonly bytesByPartition: Float64Array;
  private readonly files: string[] = [];
  private lastFile: string | null = null;
  private lastFileIndex = -1;
  /** messages in the chunk */
  count = 0;
  /** stream position just after the last row this chunk covers (sent or skipped) */
  endPosition: number;
  /** the slice holding endPosition, for the checkpoint */
  endSlice: SliceMark;

  constructor(
    readonly id: number,
    partitions: number,
    private readonly threadOf: (partition: number) => number,
    threads: number,
    private readonly limits: ChunkLimits,
    /** stream position of the first row this chunk covers */
    readonly startPosition: number,
    startSlice: SliceMark,
    buffers: BatchBufferPool,
  ) {
    const expected = Math.max(16, Math.ceil((limits.maxMessages / threads) * 1.25));
    this.builders = Array.from(
      { length: threads },
      () => new ThreadBatchBuilder(expected, buffers.take()),
    );
    this.bytesByPartition = new Float64Array(partitions);
    this.endPosition = startPosition;
    this.endSlice = startSlice;
  }

  get isFull(): boolean {
    return this.count >= this.limits.maxMessages;
  }

  /**
   * Adds a message unless it would overflow a limit. Returns the record's estimated size, or
   * -1 when the chunk is full for it (nothing added). A record alone larger than a partition's
   * share is added and its size returned, for the caller to reject.
   */
  tryAdd(partition: number, key: string | null, value: string, row: number, file: string): number {
    if (this.isFull) return -1;
    const builder = this.builders[this.threadOf(partition)];
    const rowText = String(row);
    const payload = builder.append(partition, key, value, row, this.fileIndex(file));
    const size = payload + file.length + rowText.length + HEADER_NAME_BYTES + RECORD_OVERHEAD_BYTES;
    const partitionBytes = this.bytesByPartition[partition];
    if (partitionBytes > 0 && partitionBytes + size > this.limits.maxPartitionBytes) {
      builder.undoLast();
      return -1;
    }
    this.bytesByPartition[partition] = partitionBytes + size;
    this.count++;
    return size;
  }

  /** Per delivery thread, the batch to send (threads without messages are left out). */
  seal(): { thread: number; batch: DeliveryBatch }[] {
    return this.builders
      .map((builder, thread) => ({ thread, batch: builder.seal(this.id, this.files) }))
      .filter(({ batch }) => batch.count > 0);
  }

  private fileIndex(file: string): number {
    if (file !== this.lastFile) {
      this.lastFile = file;
      this.lastFileIndex = this.files.indexOf(file);
      if (this.lastFileIndex === -1) this.lastFileIndex = this.files.push(file) - 1;
    }
    return this.lastFileIndex;
  }
}
