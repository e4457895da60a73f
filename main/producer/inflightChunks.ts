// Bookkeeping for chunks in flight: each chunk is a contiguous run of stream positions sent as
// one batch per delivery thread. Batches are acknowledged out of order across threads; the
// frontier — the position before which every row is acknowledged — advances only over a
// prefix of fully acknowledged chunks, and that is what a checkpoint may record.
import type { SliceMark } from './messageChunk';

export interface PartitionAck {
  partition: number;
  baseOffset: string;
  /** messages of this batch in the partition */
  count: number;
}

interface ChunkRecord {
  id: number;
  endPosition: number;
  endSlice: SliceMark;
  /** batches not yet acknowledged or failed */
  outstanding: number;
  failed: boolean;
  /** per partition, the offset just after this chunk's last message */
  offsetEnds: Map<number, bigint>;
}

export class InflightChunks {
  private readonly queue: ChunkRecord[] = [];
  private waiters: (() => void)[] = [];
  /** per partition, the offset just after the newest message of the acknowledged prefix */
  readonly prefixOffsetEnds = new Map<number, bigint>();
  /** every row before this position is acknowledged; null until the first chunk completes */
  frontier: { position: number; slice: SliceMark } | null = null;

  /** chunks sent and not yet part of the acknowledged prefix */
  get size(): number {
    return this.queue.length;
  }

  /**
   * chunks with a batch still waiting for an answer: what bounds the sends in flight (a failed
   * chunk stays in `size` for good, as the frontier never passes it, but is no longer in flight)
   */
  get unanswered(): number {
    let count = 0;
    for (const chunk of this.queue) if (chunk.outstanding > 0) count++;
    return count;
  }

  /** true when no batch is waiting for an answer */
  get quiet(): boolean {
    return this.queue.every((chunk) => chunk.outstanding === 0);
  }

  /** Records a chunk sent as `batches` batches (0 for a chunk of skipped rows only). */
  open(id: number, endPosition: number, endSlice: SliceMark, batches: number): boolean {
    this.queue.push({
      id,
      endPosition,
      endSlice,
      outstanding: batches,
      failed: false,
      offsetEnds: new Map(),
    });
    return this.advance();
  }

  /** A batch was acknowledged; returns true when the frontier moved. */
  acknowledged(id: number, acks: PartitionAck[]): boolean {
    const chunk = this.queue.find((entry) => entry.id === id);
    if (!chunk) return false;
    for (const ack of acks) {
      if (ack.count > 0 && BigInt(ack.baseOffset) >= 0n) {
        chunk.offsetEnds.set(ack.partition, BigInt(ack.baseOffset) + BigInt(ack.count));
      }
    }
    chunk.outstanding--;
    const moved = this.advance();
    this.wake();
    return moved;
  }

  /** A batch failed: its chunk never joins the acknowledged prefix. */
  failed(id: number): void {
    const chunk = this.queue.find((entry) => entry.id === id);
    if (!chunk) return;
    chunk.outstanding--;
    chunk.failed = true;
    this.wake();
  }

  /** Resolves at the next acknowledgement or failure. */
  settled(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private advance(): boolean {
    let moved = false;
    while (this.queue.length > 0 && this.queue[0].outstanding === 0 && !this.queue[0].failed) {
      const chunk = this.queue.shift() as ChunkRecord;
      for (const [partition, end] of chunk.offsetEnds) this.prefixOffsetEnds.set(partition, end);
      this.frontier = { position: chunk.endPosition, slice: chunk.endSlice };
      moved = true;
    }
    return moved;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
