// One produce request's worth of messages: a contiguous run of stream positions, split by
// partition. Each partition's share must fit in one record batch, which the broker caps at
// the topic's max.message.bytes, so a chunk closes before any partition's share would not.

/** The per-record overhead kafkajs adds around key, value and headers, rounded up. */
const RECORD_OVERHEAD_BYTES = 64;

export interface OutgoingMessage {
  key: Buffer | null;
  value: Buffer;
  partition: number;
  headers: { 'source.file': string; 'source.row': string };
}

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

export class MessageChunk {
  readonly messages: OutgoingMessage[] = [];
  private readonly bytesByPartition: Float64Array;
  /** stream position just after the last row this chunk covers (sent or skipped) */
  endPosition: number;
  /** the slice holding endPosition, for the checkpoint */
  endSlice: SliceMark;

  constructor(
    partitions: number,
    private readonly limits: ChunkLimits,
    /** stream position of the first row this chunk covers */
    readonly startPosition: number,
    startSlice: SliceMark,
  ) {
    this.bytesByPartition = new Float64Array(partitions);
    this.endPosition = startPosition;
    this.endSlice = startSlice;
  }

  static recordBytes(message: OutgoingMessage): number {
    return (
      message.value.length +
      (message.key?.length ?? 0) +
      message.headers['source.file'].length +
      message.headers['source.row'].length +
      RECORD_OVERHEAD_BYTES
    );
  }

  /** true when adding a record of `bytes` to `partition` would break a limit */
  isFullFor(partition: number, bytes: number): boolean {
    return (
      this.messages.length >= this.limits.maxMessages ||
      (this.bytesByPartition[partition] > 0 &&
        this.bytesByPartition[partition] + bytes > this.limits.maxPartitionBytes)
    );
  }

  get isFull(): boolean {
    return this.messages.length >= this.limits.maxMessages;
  }

  add(message: OutgoingMessage, bytes: number): void {
    this.messages.push(message);
    this.bytesByPartition[message.partition] += bytes;
  }

  /** Messages per partition, in the order they were added. */
  countsByPartition(): Map<number, number> {
    const counts = new Map<number, number>();
    for (const message of this.messages) {
      counts.set(message.partition, (counts.get(message.partition) ?? 0) + 1);
    }
    return counts;
  }
}
