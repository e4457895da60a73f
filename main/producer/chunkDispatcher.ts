// Hands chunks of rows to the delivery threads and keeps count of their answers: at most a
// few chunks in flight per thread, the acknowledged frontier (InflightChunks), the first
// failure (after which nothing more is sent), and how long the threads have been silent.
// Every wait here ends at an answer, a failure or abandon().
import type { DeliveryPool } from './deliveryPool';
import { InflightChunks, type PartitionAck } from './inflightChunks';
import { BatchBufferPool, MessageChunk, type ChunkLimits, type SliceMark } from './messageChunk';
import type { Clock } from './monotonicClock';

/** Chunks in flight per delivery thread: one being sent, one waiting behind it. */
const CHUNKS_IN_FLIGHT_PER_THREAD = 2;
/** Sent batches' buffers kept for reuse: enough for the chunks in flight and the next one. */
const SPARE_BATCH_BUFFERS = 8;

export class ChunkDispatcher {
  readonly inflight = new InflightChunks();
  /** buffers the delivery threads hand back, for later chunks (give to the pool's recycle) */
  readonly batchBuffers = new BatchBufferPool(SPARE_BATCH_BUFFERS);
  rowsSent = 0;
  rowsAcked = 0;
  rowsFailed = 0;
  /** the first delivery failure; nothing is sent after it */
  failure: unknown = null;
  /** answers still due were given up (abandon()) */
  abandoned = false;
  private pool: DeliveryPool | null = null;
  private partitions = 0;
  private limits: ChunkLimits | null = null;
  private nextChunkId = 1;
  /** when the threads last answered, or were handed work while idle */
  private lastAnswerAt = 0;
  private abandonedWait: () => void = () => undefined;
  private readonly abandonment = new Promise<void>((resolve) => (this.abandonedWait = resolve));

  constructor(
    private readonly clock: Clock,
    /** called whenever the acknowledged frontier moves */
    private readonly frontierMoved: () => void,
  ) {}

  /** Starts dispatching to a connected pool. */
  start(pool: DeliveryPool, partitions: number, limits: ChunkLimits): void {
    this.pool = pool;
    this.partitions = partitions;
    this.limits = limits;
  }

  get pending(): number {
    return this.rowsSent - this.rowsAcked - this.rowsFailed;
  }

  /** Milliseconds without an answer while batches are out; 0 when none are. */
  silentMs(): number {
    return this.inflight.quiet ? 0 : this.clock.now() - this.lastAnswerAt;
  }

  newChunk(startPosition: number, startSlice: SliceMark): MessageChunk {
    const pool = this.pool as DeliveryPool;
    return new MessageChunk(
      this.nextChunkId++,
      this.partitions,
      (partition) => pool.threadOf(partition),
      pool.size,
      this.limits as ChunkLimits,
      startPosition,
      startSlice,
      this.batchBuffers,
    );
  }

  /**
   * Hands a chunk to the delivery threads once there is room in flight, and returns an empty
   * chunk that continues where it ended. After a failure or abandon() nothing is sent.
   */
  async dispatch(chunk: MessageChunk): Promise<MessageChunk> {
    const pool = this.pool as DeliveryPool;
    while (
      this.inflight.unanswered >= pool.size * CHUNKS_IN_FLIGHT_PER_THREAD &&
      !this.failure &&
      !this.abandoned
    ) {
      await this.nextAnswer();
    }
    const next = this.newChunk(chunk.endPosition, chunk.endSlice);
    if (chunk.endPosition === chunk.startPosition && chunk.count === 0) return next;
    // after a failure the run ends, and --resume sends the rest
    if (this.failure || this.abandoned) return next;
    if (this.inflight.quiet) this.lastAnswerAt = this.clock.now();
    const batches = chunk.seal();
    if (this.inflight.open(chunk.id, chunk.endPosition, chunk.endSlice, batches.length)) {
      this.frontierMoved();
    }
    for (const { thread, batch } of batches) {
      this.rowsSent += batch.count;
      pool.send(thread, batch).then(
        (acks: PartitionAck[]) => {
          if (this.abandoned) return;
          this.lastAnswerAt = this.clock.now();
          this.rowsAcked += batch.count;
          if (this.inflight.acknowledged(batch.id, acks)) this.frontierMoved();
        },
        (error: unknown) => {
          if (this.abandoned) return;
          this.lastAnswerAt = this.clock.now();
          this.rowsFailed += batch.count;
          this.failure ??= error;
          this.inflight.failed(batch.id);
        },
      );
    }
    return next;
  }

  /** Sends the rows gathered so far when nothing is in flight, so slow paces stay live. */
  async flushIfIdle(chunk: MessageChunk): Promise<MessageChunk> {
    if (!this.inflight.quiet || chunk.count === 0) return chunk;
    return this.dispatch(chunk);
  }

  /** Waits until every batch sent has its answer, or abandon(). */
  async drain(): Promise<void> {
    while (!this.inflight.quiet && !this.abandoned) await this.nextAnswer();
  }

  /**
   * Stops waiting for the answers still due; returns how many rows they hold (0 when none
   * are due, and nothing is abandoned).
   */
  abandon(): number {
    if (this.inflight.quiet) return 0;
    const unconfirmed = this.pending;
    this.abandoned = true;
    this.abandonedWait();
    return unconfirmed;
  }

  /** Ends the delivery threads: at once when answers were abandoned. */
  async close(): Promise<void> {
    await this.pool?.close(this.abandoned);
  }

  private nextAnswer(): Promise<void> {
    return Promise.race([this.inflight.settled(), this.abandonment]);
  }
}
