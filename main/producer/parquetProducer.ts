// Streams a Parquet file or dataset into a Kafka topic: one row group at a time through the
// codec, partitions chosen here, paced as asked, delivered by idempotent producers (acks from
// all in-sync replicas) on delivery threads, with progress events, pause / resume / stop and a
// checkpoint that lets a later run resume without losing or duplicating a row.
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Kafka } from 'kafkajs';
import { createKafka } from '../broker/kafkaClient';
import { createTopic, partitionCount, topicExists, unreachable } from '../broker/topicAdmin';
import { ParquetDataset } from '../parquet/parquetDataset';
import { RowCodec } from '../parquet/rowCodec';
import { defaultAppDataDir } from '../shared/appPaths';
import { EnvironmentError, InputError } from '../shared/errors';
import { createLogger, type Logger } from '../shared/logger';
import { PidLockFile } from '../shared/pidLockFile';
import {
  checkpointFile,
  CheckpointWriter,
  readCheckpoint,
  writeCheckpointAtomically,
  type Checkpoint,
  type StreamOrder,
} from './checkpointStore';
import { describeDeliveryFailure } from './deliveryErrors';
import { DeliveryPool } from './deliveryPool';
import { findDeliveredRows } from './deliveredRowScan';
import { EventTimePacer } from './eventTimePacer';
import { InflightChunks, type PartitionAck } from './inflightChunks';
import { BatchBufferPool, MessageChunk, type ChunkLimits, type SliceMark } from './messageChunk';
import { monotonicClock, type Clock } from './monotonicClock';
import { createPartitioner, type Partitioner } from './partitioners';
import { PRODUCER_FLAGS, type ProducerSettings } from './producerSettings';
import { etaSeconds, ProgressMeter } from './progressMeter';
import { RatePacer } from './ratePacer';
import { randomSeed, shuffledOrder } from './rowShuffler';
import { SliceEncoding } from './sliceEncoding';
import { readTopicMessageLimit } from './topicLimits';

/** The settings (producerSettings.ts) and what the engine adds: where from, where to, how. */
export interface ProduceOptions extends Partial<ProducerSettings> {
  path: string;
  topic: string;
  brokers: string[];
  createTopic?: { partitions: number; replicationFactor?: number };
  checkpointDir?: string;
  /** threads building and sending Kafka requests (default 1; never more than partitions) */
  deliveryThreads?: number;
}

export type ProduceState = 'running' | 'paused' | 'stopping' | 'done' | 'failed';

export interface ProduceProgress {
  rowsTotal: number;
  rowsRead: number;
  rowsSent: number;
  rowsAcked: number;
  rowsFailed: number;
  rowsPerSecond: number;
  etaSeconds: number | null;
  state: ProduceState;
  /** seconds without an acknowledgement while rows are in flight, once past STALL_AFTER_MS */
  stalledSeconds: number | null;
}

export interface ProduceSummary {
  rowsRead: number;
  rowsSent: number;
  rowsAcked: number;
  rowsFailed: number;
  /** rows in flight when a stop's grace period ran out: --resume finds which of them landed */
  rowsUnconfirmed: number;
  seconds: number;
  rowsPerSecond: number;
  stopped: boolean;
}

const PROGRESS_INTERVAL_MS = 250;
/** Messages per chunk; large enough to amortise a request, small enough to pace smoothly. */
const MAX_MESSAGES_PER_CHUNK = 4_000;
/** Chunks in flight per delivery thread: one being sent, one waiting behind it. */
const CHUNKS_IN_FLIGHT_PER_THREAD = 2;
/** Sent batches' buffers kept for reuse: enough for the chunks in flight and the next one. */
const SPARE_BATCH_BUFFERS = 8;
/**
 * One delivery thread keeps up with the reader and codec (about 250-300k rows/s on 2 cores);
 * each further thread adds a JavaScript heap and its allocator's memory (~40 MiB).
 */
const DEFAULT_DELIVERY_THREADS = 1;
/** Rows encoded to JSON at a time when streaming in order: bounds the strings held in memory. */
const ENCODE_BLOCK_ROWS = 8_192;
/** Leave room below max.message.bytes for the record batch header and size estimates. */
const PARTITION_BYTES_SHARE = 0.9;
const REQUEST_TIMEOUT_MS = 30_000;
/** One batch, retries and reconnections included (about two minutes of them), fails after this. */
const SEND_DEADLINE_MS = 180_000;
/** No acknowledgement for this long while rows are in flight is reported as a stall. */
export const STALL_AFTER_MS = 10_000;
/** stop() waits this long for the rows in flight, then leaves them to --resume. */
export const STOP_GRACE_MS = 10_000;

/** What a run works from once the dataset, topic and checkpoint have been looked at. */
interface StreamPlan {
  dataset: ParquetDataset;
  codec: RowCodec;
  replayCodec: RowCodec | null;
  partitions: number;
  partitioner: Partitioner;
  order: StreamOrder;
  /** dataset rows [rangeStart, rangeEnd) are streamed */
  rangeStart: number;
  rangeEnd: number;
  startPosition: number;
  startSlice: SliceMark;
  /** rows a crashed earlier run already delivered at or after startPosition */
  skipRows: Set<number>;
  /** the previous checkpoint's scan offsets, in force until the stream passes skipRows */
  scanFromCarried: Record<string, string> | null;
  runStartOffsets: Map<number, bigint>;
  chunkLimits: ChunkLimits;
  checkpoint: CheckpointWriter;
  checkpointBase: Omit<
    Checkpoint,
    'nextPosition' | 'slice' | 'scanFrom' | 'complete' | 'updatedAt'
  >;
}

export class ParquetProducer extends EventEmitter {
  private readonly logger: Logger;
  private readonly clock: Clock = monotonicClock;
  private readonly meter = new ProgressMeter(monotonicClock);
  private state: ProduceState = 'running';
  private rowsTotal = 0;
  private rowsRead = 0;
  private rowsSent = 0;
  private rowsAcked = 0;
  private rowsFailed = 0;
  private rowsPerSecond = 0;
  private startedAt = 0;
  private stopRequested = false;
  private stopped = false;
  /** stop()'s grace period ran out: answers still due are no longer awaited */
  private abandoned = false;
  private rowsUnconfirmed = 0;
  private graceTimer: NodeJS.Timeout | null = null;
  private graceOver: () => void = () => undefined;
  private readonly graceEnded = new Promise<void>((resolve) => (this.graceOver = resolve));
  /** when the delivery threads last answered, or were handed work while idle */
  private lastAnswerAt = 0;
  private stallReported = false;
  private paused: { since: number; resumed: Promise<void>; resume: () => void } | null = null;
  private wakeSleeper: (() => void) | null = null;
  private progressTimer: NodeJS.Timeout | null = null;
  private runPromise: Promise<ProduceSummary> | null = null;
  private kafka: Kafka | null = null;
  private pool: DeliveryPool | null = null;
  private streamLock: PidLockFile | null = null;
  private readonly inflight = new InflightChunks();
  private readonly batchBuffers = new BatchBufferPool(SPARE_BATCH_BUFFERS);
  private nextChunkId = 1;
  /** the first delivery failure; the stream ends once the batches in flight are answered */
  private deliveryFailure: unknown = null;
  private ratePacer: RatePacer | null = null;
  private eventPacer: EventTimePacer | null = null;
  /** rows skipped on resume so far, and the stream position of the last one */
  private rowsSkipped = 0;
  private lastSkippedPosition = -1;

  constructor(
    private readonly options: ProduceOptions,
    logger?: Logger,
  ) {
    super();
    this.logger = logger ?? createLogger('producer');
  }

  /** Streams until every row is acknowledged, stop() is called, or delivery fails. */
  run(): Promise<ProduceSummary> {
    this.runPromise ??= this.execute();
    return this.runPromise;
  }

  pause(): void {
    if (this.state !== 'running' || this.paused) return;
    let resume: () => void = () => undefined;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    this.paused = { since: this.clock.now(), resumed, resume };
    this.state = 'paused';
    this.wakeSleeper?.();
    this.emitProgress();
  }

  resume(): void {
    const paused = this.paused;
    if (!paused) return;
    this.paused = null;
    this.eventPacer?.shift(this.clock.now() - paused.since);
    this.ratePacer?.restart();
    this.meter.reset();
    if (this.state === 'paused') this.state = 'running';
    paused.resume();
    this.emitProgress();
  }

  /**
   * Stops reading, delivers what was read and waits for its acknowledgements, for at most
   * STOP_GRACE_MS: rows still unanswered then are left for --resume to check.
   */
  async stop(): Promise<void> {
    if (this.state === 'done' || this.state === 'failed') return;
    this.stopRequested = true;
    this.state = 'stopping';
    this.graceTimer ??= setTimeout(() => this.abandonInflight(), STOP_GRACE_MS);
    this.wakeSleeper?.();
    this.paused?.resume();
    this.paused = null;
    this.emitProgress();
    if (this.runPromise) await this.runPromise.catch(() => undefined);
  }

  progress(): ProduceProgress {
    return {
      rowsTotal: this.rowsTotal,
      rowsRead: this.rowsRead,
      rowsSent: this.rowsSent,
      rowsAcked: this.rowsAcked,
      rowsFailed: this.rowsFailed,
      rowsPerSecond: this.rowsPerSecond,
      etaSeconds:
        this.state === 'done' ? 0 : etaSeconds(this.rowsTotal - this.rowsAcked, this.rowsPerSecond),
      state: this.state,
      stalledSeconds: this.stalledSeconds(),
    };
  }

  private stalledSeconds(): number | null {
    if (this.state === 'done' || this.state === 'failed' || this.inflight.quiet) return null;
    const waited = this.clock.now() - this.lastAnswerAt;
    return waited >= STALL_AFTER_MS ? Math.floor(waited / 1000) : null;
  }

  /** Logs a stall once when it starts and once when acknowledgements come back. */
  private reportStall(stalledSeconds: number | null): void {
    if (stalledSeconds !== null && !this.stallReported) {
      this.stallReported = true;
      this.logger.warn(
        `no acknowledgement for ${stalledSeconds} s with ${this.rowsSent - this.rowsAcked - this.rowsFailed} rows in flight — retrying while the broker is away (a batch fails after ${SEND_DEADLINE_MS / 1000} s)`,
        { brokers: this.options.brokers.join(',') },
      );
    } else if (stalledSeconds === null && this.stallReported) {
      this.stallReported = false;
      if (this.state !== 'failed') {
        this.logger.info('acknowledgements resumed', { rowsAcked: this.rowsAcked });
      }
    }
  }

  /** stop()'s grace period is over: the run ends without waiting for the answers still due. */
  private abandonInflight(): void {
    if (this.inflight.quiet) return;
    this.abandoned = true;
    this.rowsUnconfirmed = this.rowsSent - this.rowsAcked - this.rowsFailed;
    this.logger.warn(
      `${this.rowsUnconfirmed} rows in flight were not acknowledged within ${STOP_GRACE_MS / 1000} s of the stop — produce again with --resume: it finds which of them landed`,
    );
    this.graceOver();
  }

  private async execute(): Promise<ProduceSummary> {
    this.startedAt = this.clock.now();
    let plan: StreamPlan | null = null;
    try {
      plan = await this.prepare();
      // progress starts once the rows to send are known
      this.progressTimer = setInterval(() => this.emitProgress(), PROGRESS_INTERVAL_MS);
      this.emitProgress();
      await this.stream(plan);
      await this.finishCheckpoint(plan);
      this.state = 'done';
    } catch (error) {
      this.state = 'failed';
      if (plan) await plan.checkpoint.flush().catch(() => undefined);
      throw describeDeliveryFailure(error, {
        brokers: this.options.brokers,
        topic: this.options.topic,
        rowsAcked: this.rowsAcked,
      });
    } finally {
      if (this.progressTimer) clearInterval(this.progressTimer);
      if (this.graceTimer) clearTimeout(this.graceTimer);
      await this.pool?.close(this.abandoned);
      await this.streamLock?.release();
      this.emitProgress();
    }
    return this.summary();
  }

  private summary(): ProduceSummary {
    const seconds = (this.clock.now() - this.startedAt) / 1000;
    return {
      rowsRead: this.rowsRead,
      rowsSent: this.rowsSent,
      rowsAcked: this.rowsAcked,
      rowsFailed: this.rowsFailed,
      rowsUnconfirmed: this.rowsUnconfirmed,
      seconds,
      rowsPerSecond: seconds > 0 ? this.rowsAcked / seconds : 0,
      stopped: this.stopped,
    };
  }

  private emitProgress(): void {
    if (this.state === 'running') this.rowsPerSecond = this.meter.sample(this.rowsAcked);
    if (this.state === 'done' || this.state === 'failed') {
      const seconds = (this.clock.now() - this.startedAt) / 1000;
      this.rowsPerSecond = seconds > 0 ? this.rowsAcked / seconds : 0;
    }
    const progress = this.progress();
    this.reportStall(progress.stalledSeconds);
    this.emit('progress', progress);
  }

  // ---- preparation -------------------------------------------------------------------------

  private async prepare(): Promise<StreamPlan> {
    const options = this.options;
    const dataset = await ParquetDataset.open(options.path);
    const columns = dataset.schema.fields.map((field) => field.name);
    requireColumn(columns, options.keyColumn, 'keyColumn', options.path);
    requireColumn(columns, options.replayColumn, 'replayColumn', options.path);
    if (options.replayColumn && options.ratePerSecond) {
      throw new InputError('--rate and --replay-column both set the pace — choose one', {
        field: 'ratePerSecond',
      });
    }
    const codec = new RowCodec(dataset.schema, { timestamps: options.timestamps });
    const replayCodec = options.replayColumn
      ? new RowCodec(dataset.schema, { timestamps: 'epoch-ms' })
      : null;

    const partitions = await this.ensureTopic();
    // the delivery threads start and connect while the topic and checkpoint are examined
    const threads = Math.min(partitions, options.deliveryThreads ?? DEFAULT_DELIVERY_THREADS);
    const opening = DeliveryPool.open(
      {
        brokers: options.brokers,
        topic: options.topic,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        sendDeadlineMs: SEND_DEADLINE_MS,
      },
      threads,
      (buffers) => this.batchBuffers.recycle(buffers),
    );
    opening.catch(() => undefined); // awaited below; a failure meanwhile is not unhandled
    try {
      const plan = await this.planStream(dataset, codec, replayCodec, partitions);
      this.pool = await opening.catch((error: unknown) => {
        throw isConnectionFailure(error) ? unreachable(options.brokers, error) : error;
      });
      return plan;
    } catch (error) {
      void opening.then(
        (pool) => pool.close(),
        () => undefined,
      );
      throw error;
    }
  }

  /**
   * One producer at a time streams a dataset into a topic: a second one would share its
   * checkpoint, and its resume scan would count the first one's rows as delivered.
   */
  private async holdStream(checkpoint: string): Promise<void> {
    const { path: dataset, topic } = this.options;
    try {
      await fs.mkdir(path.dirname(checkpoint), { recursive: true });
    } catch (error) {
      throw new EnvironmentError(
        `cannot create the checkpoint folder ${path.dirname(checkpoint)}: ${(error as Error).message} — choose a writable checkpoint folder`,
        { cause: error },
      );
    }
    this.streamLock = new PidLockFile(
      checkpoint.replace(/\.json$/, '.lock'),
      (owner) =>
        new InputError(
          `another producer (process ${owner}) is streaming ${dataset} to topic ${topic} — wait for it to finish or stop it, then run again`,
        ),
      this.logger,
    );
    await this.streamLock.acquire();
  }

  /** Reads the topic's limits and the checkpoint, and finds what an interrupted run sent. */
  private async planStream(
    dataset: ParquetDataset,
    codec: RowCodec,
    replayCodec: RowCodec | null,
    partitions: number,
  ): Promise<StreamPlan> {
    const options = this.options;
    this.kafka = createKafka({
      brokers: options.brokers,
      clientId: 'parquet-streamer-producer',
      logger: this.logger.child('kafka'),
    });
    const maxMessageBytes = await readTopicMessageLimit(this.kafka, options.topic);

    const checkpointDir = options.checkpointDir ?? path.join(defaultAppDataDir(), 'checkpoints');
    const file = checkpointFile(checkpointDir, options.path, options.topic);
    await this.holdStream(file);
    const previous = options.resume ? await readCheckpoint(file) : null;
    if (options.resume && !previous) {
      this.logger.info('no checkpoint to resume from; starting at the first row', { file });
    }
    const order = streamOrder(options, previous);
    const rangeStart = Math.min(order.offset, dataset.rows);
    const rangeEnd =
      order.limit === null ? dataset.rows : Math.min(dataset.rows, rangeStart + order.limit);
    const startPosition = previous ? previous.nextPosition : 0;
    const startSlice = previous ? previous.slice : { firstRow: rangeStart, position: 0 };

    const scan = await findDeliveredRows(
      this.kafka,
      {
        topic: options.topic,
        scanFrom: previous && !previous.complete ? offsetsMap(previous.scanFrom) : new Map(),
        files: new Set(dataset.files.map((entry) => entry.relativePath)),
      },
      this.logger,
    ).catch((error: unknown) => {
      throw isConnectionFailure(error) ? unreachable(options.brokers, error) : error;
    });
    // rows before the resume point are acknowledged already; a shuffled run's first slice
    // still holds some, removed when that slice's order is known
    const firstUnacked = order.shuffle ? startSlice.firstRow : rangeStart + startPosition;
    const skipRows = new Set<number>();
    if (previous && !previous.complete) {
      for (const row of scan.rows) {
        if (row >= firstUnacked && row < rangeEnd) skipRows.add(row);
      }
    }
    const totalRows = rangeEnd - rangeStart;
    this.rowsTotal = previous?.complete ? 0 : totalRows - startPosition - skipRows.size;

    const checkpoint = new CheckpointWriter(file);
    const plan: StreamPlan = {
      dataset,
      codec,
      replayCodec,
      partitions,
      partitioner: createPartitioner(options.partitioner ?? 'default', partitions),
      order,
      rangeStart,
      rangeEnd,
      startPosition,
      startSlice,
      skipRows,
      scanFromCarried: skipRows.size > 0 && previous ? previous.scanFrom : null,
      runStartOffsets: scan.endOffsets,
      chunkLimits: {
        maxMessages: MAX_MESSAGES_PER_CHUNK,
        maxPartitionBytes: Math.floor(maxMessageBytes * PARTITION_BYTES_SHARE),
      },
      checkpoint,
      checkpointBase: {
        version: 1,
        dataset: path.resolve(options.path),
        topic: options.topic,
        order,
        rowsTotal: totalRows,
      },
    };
    if (previous?.complete) {
      this.logger.info('the checkpoint says this dataset was fully delivered; nothing to resume');
      plan.rangeEnd = plan.rangeStart;
      return plan;
    }
    if (skipRows.size > 0) {
      this.logger.info('rows already in the topic from the interrupted run are skipped', {
        rows: skipRows.size,
      });
    }
    // written before the first send: a crash from here on resumes from this run's state
    await writeCheckpointAtomically(
      file,
      this.checkpointAt(plan, startPosition, startSlice, false),
    );
    return plan;
  }

  /** Creates the topic when asked; returns its partition count. */
  private async ensureTopic(): Promise<number> {
    const { brokers, topic } = this.options;
    if (this.options.createTopic) {
      await createTopic(brokers, { topic, ...this.options.createTopic });
    } else if (!(await topicExists(brokers, topic))) {
      throw new InputError(
        `topic "${topic}" does not exist — add --create-topic --partitions N, ` +
          `or create it with \`parquet-streamer topic create ${topic} --partitions N\``,
      );
    }
    return partitionCount(brokers, topic);
  }

  // ---- streaming ---------------------------------------------------------------------------

  private async stream(plan: StreamPlan): Promise<void> {
    if (plan.rangeEnd <= plan.rangeStart || plan.startPosition >= plan.rangeEnd - plan.rangeStart) {
      return;
    }
    const options = this.options;
    if (options.ratePerSecond) this.ratePacer = new RatePacer(options.ratePerSecond, this.clock);
    if (options.replayColumn) this.eventPacer = new EventTimePacer(options.speed ?? 1, this.clock);
    this.meter.sample(0);

    const shuffle = plan.order.shuffle;
    // a shuffled run re-reads the slice it stopped in, to replay the same order
    const fromRow = shuffle ? plan.startSlice.firstRow : plan.rangeStart + plan.startPosition;
    let shuffledPosition = plan.startSlice.position;
    let chunk = this.newChunk(plan, plan.startPosition, plan.startSlice);

    for await (const slice of plan.dataset.readRowGroups({ fromRow })) {
      const sliceRows = slice.table.numRows;
      if (slice.firstRow >= plan.rangeEnd) break;
      const lo = Math.max(plan.rangeStart, slice.firstRow) - slice.firstRow;
      const hi = Math.min(plan.rangeEnd, slice.firstRow + sliceRows) - slice.firstRow;
      if (hi <= lo) continue;
      const table = lo > 0 || hi < sliceRows ? slice.table.slice(lo, hi) : slice.table;
      const baseRow = slice.firstRow + lo;
      const count = hi - lo;
      const position = shuffle ? shuffledPosition : baseRow - plan.rangeStart;
      const order = shuffle ? shuffledOrder(count, plan.order.seed ?? 0, baseRow) : null;
      const first = Math.max(0, chunk.endPosition - position);
      if (order && first > 0) this.forgetAckedSkips(plan, baseRow, order, first);
      const encoding = new SliceEncoding(table, baseRow, {
        codec: plan.codec,
        keyColumn: options.keyColumn,
        replay:
          plan.replayCodec && options.replayColumn
            ? { codec: plan.replayCodec, column: options.replayColumn }
            : undefined,
        blockRows: shuffle ? count : ENCODE_BLOCK_ROWS,
      });
      const file = slice.file.relativePath;
      const sliceMark: SliceMark = { firstRow: baseRow, position };
      const endMark: SliceMark = { firstRow: baseRow + count, position: position + count };

      for (let j = first; j < count; j++) {
        const index = order ? order[j] : j;
        if (this.paused || this.ratePacer || this.eventPacer) {
          chunk = await this.awaitTurn(chunk, plan, encoding.time(index));
        }
        if (this.stopRequested || this.deliveryFailure) {
          this.stopped = this.stopRequested;
          break;
        }
        const row = baseRow + index;
        if (plan.skipRows.has(row)) {
          this.rowsSkipped++;
          this.lastSkippedPosition = position + j;
        } else {
          const keyText = options.keyColumn ? (encoding.key(index) ?? null) : String(row);
          const partition = plan.partitioner(keyText, row);
          const value = encoding.value(index);
          let size = chunk.tryAdd(partition, keyText, value, row, file);
          if (size < 0) {
            chunk = await this.dispatch(chunk, plan);
            size = chunk.tryAdd(partition, keyText, value, row, file);
          }
          if (size > plan.chunkLimits.maxPartitionBytes) {
            throw new InputError(
              `row ${row} of ${file} makes a ${size}-byte message, more than topic ` +
                `"${options.topic}" accepts — raise its max.message.bytes or drop wide columns`,
            );
          }
          this.rowsRead++;
        }
        chunk.endPosition = position + j + 1;
        chunk.endSlice = j + 1 === count ? endMark : sliceMark;
        if (chunk.isFull) chunk = await this.dispatch(chunk, plan);
      }
      shuffledPosition += count;
      if (this.stopRequested || this.deliveryFailure) break;
    }
    if (!this.deliveryFailure) await this.dispatch(chunk, plan);
    while (!this.inflight.quiet && !this.abandoned) await this.nextAnswer();
    if (this.deliveryFailure) throw this.deliveryFailure;
  }

  /**
   * A shuffled resume re-reads the slice it stopped in; rows of that slice before the resume
   * point were acknowledged, so they are not rows to skip.
   */
  private forgetAckedSkips(plan: StreamPlan, baseRow: number, order: Uint32Array, first: number) {
    for (let j = 0; j < first; j++) {
      if (plan.skipRows.delete(baseRow + order[j])) this.rowsTotal++;
    }
  }

  /** Waits while paused and until the pacer lets the next row go; keeps sends flowing. */
  private async awaitTurn(
    chunk: MessageChunk,
    plan: StreamPlan,
    eventTime: number | null,
  ): Promise<MessageChunk> {
    let current = chunk;
    this.eventPacer?.schedule(eventTime);
    for (;;) {
      if (this.stopRequested) return current;
      if (this.paused) {
        current = await this.flushIfIdle(current, plan);
        await this.paused?.resumed;
        continue;
      }
      const wait = this.ratePacer?.waitMs() ?? this.eventPacer?.waitMs() ?? 0;
      if (wait <= 0) break;
      current = await this.flushIfIdle(current, plan);
      await this.sleep(wait);
    }
    this.ratePacer?.take(1);
    return current;
  }

  /** Sends the rows gathered so far when nothing is in flight, so slow paces stay live. */
  private async flushIfIdle(chunk: MessageChunk, plan: StreamPlan): Promise<MessageChunk> {
    if (!this.inflight.quiet || chunk.count === 0) return chunk;
    return this.dispatch(chunk, plan);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleeper = () => {
        this.wakeSleeper = null;
        done();
      };
    });
  }

  private newChunk(plan: StreamPlan, startPosition: number, startSlice: SliceMark): MessageChunk {
    const pool = this.pool as DeliveryPool;
    return new MessageChunk(
      this.nextChunkId++,
      plan.partitions,
      (partition) => pool.threadOf(partition),
      pool.size,
      plan.chunkLimits,
      startPosition,
      startSlice,
      this.batchBuffers,
    );
  }

  /**
   * Hands a chunk to the delivery threads once there is room in flight, and returns an empty
   * chunk that continues where it ended.
   */
  private async dispatch(chunk: MessageChunk, plan: StreamPlan): Promise<MessageChunk> {
    const pool = this.pool as DeliveryPool;
    while (
      this.inflight.unanswered >= pool.size * CHUNKS_IN_FLIGHT_PER_THREAD &&
      !this.deliveryFailure &&
      !this.abandoned
    ) {
      await this.nextAnswer();
    }
    const next = this.newChunk(plan, chunk.endPosition, chunk.endSlice);
    if (chunk.endPosition === chunk.startPosition && chunk.count === 0) return next;
    // after a failure nothing more is sent: the run ends, and --resume sends the rest
    if (this.deliveryFailure || this.abandoned) return next;
    if (this.inflight.quiet) this.lastAnswerAt = this.clock.now();
    const batches = chunk.seal();
    if (this.inflight.open(chunk.id, chunk.endPosition, chunk.endSlice, batches.length)) {
      this.frontierMoved(plan);
    }
    for (const { thread, batch } of batches) {
      this.rowsSent += batch.count;
      pool.send(thread, batch).then(
        (acks: PartitionAck[]) => {
          if (this.abandoned) return;
          this.lastAnswerAt = this.clock.now();
          this.rowsAcked += batch.count;
          if (this.inflight.acknowledged(batch.id, acks)) this.frontierMoved(plan);
        },
        (error: unknown) => {
          if (this.abandoned) return;
          this.lastAnswerAt = this.clock.now();
          this.rowsFailed += batch.count;
          this.deliveryFailure ??= error;
          this.inflight.failed(batch.id);
        },
      );
    }
    return next;
  }

  /** The next answer from the delivery threads, or the end of stop()'s grace period. */
  private nextAnswer(): Promise<void> {
    return Promise.race([this.inflight.settled(), this.graceEnded]);
  }

  private frontierMoved(plan: StreamPlan): void {
    const frontier = this.inflight.frontier;
    if (frontier) {
      plan.checkpoint.offer(this.checkpointAt(plan, frontier.position, frontier.slice, false));
    }
  }

  private checkpointAt(
    plan: StreamPlan,
    nextPosition: number,
    slice: SliceMark,
    complete: boolean,
  ): Checkpoint {
    return {
      ...plan.checkpointBase,
      nextPosition,
      slice: plan.order.shuffle
        ? slice
        : { firstRow: plan.rangeStart + nextPosition, position: nextPosition },
      scanFrom: this.scanFrom(plan, nextPosition),
      complete,
      updatedAt: new Date().toISOString(),
    };
  }

  /**
   * Per partition, where rows at or after `nextPosition` may start. Until the stream has
   * passed every row skipped on resume, those rows sit before this run's offsets, so the
   * previous checkpoint's offsets stay in force.
   */
  private scanFrom(plan: StreamPlan, nextPosition: number): Record<string, string> {
    const skipsAhead =
      this.rowsSkipped < plan.skipRows.size || nextPosition <= this.lastSkippedPosition;
    if (plan.scanFromCarried && skipsAhead) return plan.scanFromCarried;
    const scanFrom: Record<string, string> = {};
    for (const [partition, start] of plan.runStartOffsets) {
      scanFrom[partition] = String(this.inflight.prefixOffsetEnds.get(partition) ?? start);
    }
    return scanFrom;
  }

  private async finishCheckpoint(plan: StreamPlan): Promise<void> {
    if (plan.rangeEnd <= plan.rangeStart) return;
    const frontier = this.inflight.frontier;
    const position = frontier?.position ?? plan.startPosition;
    const slice = frontier?.slice ?? plan.startSlice;
    const complete = !this.stopped && position >= plan.rangeEnd - plan.rangeStart;
    plan.checkpoint.offer(this.checkpointAt(plan, position, slice, complete));
    await plan.checkpoint.flush();
  }
}

function requireColumn(
  columns: string[],
  column: string | undefined,
  field: 'keyColumn' | 'replayColumn',
  datasetPath: string,
): void {
  if (column === undefined || columns.includes(column)) return;
  throw new InputError(
    `${PRODUCER_FLAGS[field]} "${column}" is not a column of ${datasetPath} — columns are: ${columns.join(', ')}`,
    { field },
  );
}

/** The stream order of this run: from the options, or from the checkpoint on --resume. */
function streamOrder(options: ProduceOptions, previous: Checkpoint | null): StreamOrder {
  const asked: StreamOrder = {
    offset: options.offset ?? 0,
    limit: options.limit ?? null,
    shuffle: options.shuffle ?? false,
    seed: options.shuffle ? (options.seed ?? null) : null,
  };
  if (!previous) return { ...asked, seed: asked.shuffle ? (asked.seed ?? randomSeed()) : null };
  const kept = previous.order;
  const conflicts = (['offset', 'limit', 'shuffle', 'seed'] as const).filter(
    (setting) => options[setting] !== undefined && options[setting] !== kept[setting],
  );
  if (conflicts.length > 0) {
    throw new InputError(
      `${conflicts.map((setting) => PRODUCER_FLAGS[setting]).join(', ')} differ from the interrupted run (offset ${kept.offset}, ` +
        `limit ${kept.limit ?? 'none'}, shuffle ${kept.shuffle}, seed ${kept.seed ?? 'none'}) — ` +
        'resume with the same options, or produce without --resume to start over',
      { field: conflicts[0] },
    );
  }
  return kept;
}

function offsetsMap(record: Record<string, string>): Map<number, bigint> {
  return new Map(
    Object.entries(record).map(([partition, offset]) => [Number(partition), BigInt(offset)]),
  );
}

function isConnectionFailure(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  return /Connection|NumberOfRetriesExceeded|BrokerNotFound/.test(name);
}
