// Streams a Parquet file or dataset into a Kafka topic: one row group at a time through the
// codec, partitions chosen here, paced as asked, delivered by idempotent producers (acks from
// all in-sync replicas) on delivery threads, with progress events, pause / resume / stop and a
// checkpoint that lets a later run resume without losing or duplicating a row.
// This class runs the lifecycle and the row loop; its parts live beside it: streamPlan.ts
// (what a run works from), streamPacing.ts (rate, replay, pause), chunkDispatcher.ts (chunks
// in flight and their answers) and streamCheckpoints.ts (the frontier → checkpoints).
import { EventEmitter } from 'node:events';
import { InputError } from '../shared/errors';
import { createLogger, type Logger } from '../shared/logger';
import { ChunkDispatcher } from './chunkDispatcher';
import { describeDeliveryFailure } from './deliveryErrors';
import type { SliceMark } from './messageChunk';
import { monotonicClock, type Clock } from './monotonicClock';
import type { ProducerSettings } from './producerSettings';
import { etaSeconds, ProgressMeter } from './progressMeter';
import { shuffledOrder } from './rowShuffler';
import { SliceEncoding } from './sliceEncoding';
import { planStream, SEND_DEADLINE_MS, type StreamPlan } from './streamPlan';
import { StreamPacing } from './streamPacing';

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
/** Rows encoded to JSON at a time when streaming in order: bounds the strings held in memory. */
const ENCODE_BLOCK_ROWS = 8_192;
/** No acknowledgement for this long while rows are in flight is reported as a stall. */
export const STALL_AFTER_MS = 10_000;
/** stop() waits this long for the rows in flight, then leaves them to --resume. */
export const STOP_GRACE_MS = 10_000;

export class ParquetProducer extends EventEmitter {
  private readonly logger: Logger;
  private readonly clock: Clock = monotonicClock;
  private readonly meter = new ProgressMeter(monotonicClock);
  private readonly pacing = new StreamPacing(monotonicClock);
  private readonly dispatcher: ChunkDispatcher;
  private plan: StreamPlan | null = null;
  private state: ProduceState = 'running';
  private rowsTotal = 0;
  private rowsRead = 0;
  private rowsPerSecond = 0;
  private rowsUnconfirmed = 0;
  private startedAt = 0;
  private stopRequested = false;
  private stopped = false;
  private graceTimer: NodeJS.Timeout | null = null;
  private stallReported = false;
  private progressTimer: NodeJS.Timeout | null = null;
  private runPromise: Promise<ProduceSummary> | null = null;

  constructor(
    private readonly options: ProduceOptions,
    logger?: Logger,
  ) {
    super();
    this.logger = logger ?? createLogger('producer');
    this.dispatcher = new ChunkDispatcher(this.clock, () => this.frontierMoved());
  }

  /** Streams until every row is acknowledged, stop() is called, or delivery fails. */
  run(): Promise<ProduceSummary> {
    this.runPromise ??= this.execute();
    return this.runPromise;
  }

  pause(): void {
    if (this.state !== 'running' || !this.pacing.pause()) return;
    this.state = 'paused';
    this.emitProgress();
  }

  resume(): void {
    if (!this.pacing.resume()) return;
    this.meter.reset();
    if (this.state === 'paused') this.state = 'running';
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
    this.pacing.release();
    this.emitProgress();
    if (this.runPromise) await this.runPromise.catch(() => undefined);
  }

  progress(): ProduceProgress {
    const { rowsSent, rowsAcked, rowsFailed } = this.dispatcher;
    return {
      rowsTotal: this.rowsTotal,
      rowsRead: this.rowsRead,
      rowsSent,
      rowsAcked,
      rowsFailed,
      rowsPerSecond: this.rowsPerSecond,
      etaSeconds:
        this.state === 'done' ? 0 : etaSeconds(this.rowsTotal - rowsAcked, this.rowsPerSecond),
      state: this.state,
      stalledSeconds: this.stalledSeconds(),
    };
  }

  private stalledSeconds(): number | null {
    if (this.state === 'done' || this.state === 'failed') return null;
    const silent = this.dispatcher.silentMs();
    return silent >= STALL_AFTER_MS ? Math.floor(silent / 1000) : null;
  }

  /** Logs a stall once when it starts and once when acknowledgements come back. */
  private reportStall(stalledSeconds: number | null): void {
    if (stalledSeconds !== null && !this.stallReported) {
      this.stallReported = true;
      this.logger.warn(
        `no acknowledgement for ${stalledSeconds} s with ${this.dispatcher.pending} rows in flight — retrying while the broker is away (a batch fails after ${SEND_DEADLINE_MS / 1000} s)`,
        { brokers: this.options.brokers.join(',') },
      );
    } else if (stalledSeconds === null && this.stallReported) {
      this.stallReported = false;
      if (this.state !== 'failed') {
        this.logger.info('acknowledgements resumed', { rowsAcked: this.dispatcher.rowsAcked });
      }
    }
  }

  /** stop()'s grace period is over: the run ends without waiting for the answers still due. */
  private abandonInflight(): void {
    this.rowsUnconfirmed = this.dispatcher.abandon();
    if (this.rowsUnconfirmed === 0) return;
    this.logger.warn(
      `${this.rowsUnconfirmed} rows in flight were not acknowledged within ${STOP_GRACE_MS / 1000} s of the stop — produce again with --resume: it finds which of them landed`,
    );
  }

  private async execute(): Promise<ProduceSummary> {
    this.startedAt = this.clock.now();
    try {
      const plan = await planStream(this.options, this.dispatcher.batchBuffers, this.logger);
      this.plan = plan;
      this.rowsTotal = plan.rowsTotal;
      this.dispatcher.start(plan.pool, plan.partitions, plan.chunkLimits);
      // progress starts once the rows to send are known
      this.progressTimer = setInterval(() => this.emitProgress(), PROGRESS_INTERVAL_MS);
      this.emitProgress();
      await this.stream(plan);
      await this.finishCheckpoint(plan);
      this.state = 'done';
    } catch (error) {
      this.state = 'failed';
      await this.plan?.checkpoints.flush().catch(() => undefined);
      throw describeDeliveryFailure(error, {
        brokers: this.options.brokers,
        topic: this.options.topic,
        rowsAcked: this.dispatcher.rowsAcked,
      });
    } finally {
      if (this.progressTimer) clearInterval(this.progressTimer);
      if (this.graceTimer) clearTimeout(this.graceTimer);
      await this.dispatcher.close();
      await this.plan?.lock.release();
      this.emitProgress();
    }
    return this.summary();
  }

  private summary(): ProduceSummary {
    const seconds = (this.clock.now() - this.startedAt) / 1000;
    const { rowsSent, rowsAcked, rowsFailed } = this.dispatcher;
    return {
      rowsRead: this.rowsRead,
      rowsSent,
      rowsAcked,
      rowsFailed,
      rowsUnconfirmed: this.rowsUnconfirmed,
      seconds,
      rowsPerSecond: seconds > 0 ? rowsAcked / seconds : 0,
      stopped: this.stopped,
    };
  }

  private emitProgress(): void {
    const acked = this.dispatcher.rowsAcked;
    if (this.state === 'running') this.rowsPerSecond = this.meter.sample(acked);
    if (this.state === 'done' || this.state === 'failed') {
      const seconds = (this.clock.now() - this.startedAt) / 1000;
      this.rowsPerSecond = seconds > 0 ? acked / seconds : 0;
    }
    const progress = this.progress();
    this.reportStall(progress.stalledSeconds);
    this.emit('progress', progress);
  }

  private async stream(plan: StreamPlan): Promise<void> {
    if (plan.rangeEnd <= plan.rangeStart || plan.startPosition >= plan.rangeEnd - plan.rangeStart) {
      return;
    }
    const options = this.options;
    const dispatcher = this.dispatcher;
    const stopping = () => this.stopRequested;
    this.pacing.start(options);
    this.meter.sample(0);

    const shuffle = plan.order.shuffle;
    // a shuffled run re-reads the slice it stopped in, to replay the same order
    const fromRow = shuffle ? plan.startSlice.firstRow : plan.rangeStart + plan.startPosition;
    let shuffledPosition = plan.startSlice.position;
    let chunk = dispatcher.newChunk(plan.startPosition, plan.startSlice);

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
        if (this.pacing.active && !this.pacing.turnNow(encoding.time(index))) {
          await this.pacing.awaitTurn(stopping, async () => {
            chunk = await dispatcher.flushIfIdle(chunk);
          });
        }
        if (this.stopRequested || dispatcher.failure) {
          this.stopped = this.stopRequested;
          break;
        }
        const row = baseRow + index;
        if (plan.skipRows.has(row)) {
          plan.checkpoints.skipped(position + j);
        } else {
          const keyText = options.keyColumn ? (encoding.key(index) ?? null) : String(row);
          const partition = plan.partitioner(keyText, row);
          const value = encoding.value(index);
          let size = chunk.tryAdd(partition, keyText, value, row, file);
          if (size < 0) {
            chunk = await dispatcher.dispatch(chunk);
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
        if (chunk.isFull) chunk = await dispatcher.dispatch(chunk);
      }
      shuffledPosition += count;
      if (this.stopRequested || dispatcher.failure) {
        // a stop that came while the slice's last row was dispatched ends the run here
        this.stopped = this.stopRequested;
        break;
      }
    }
    if (!dispatcher.failure) await dispatcher.dispatch(chunk);
    await dispatcher.drain();
    if (dispatcher.failure) throw dispatcher.failure;
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

  private frontierMoved(): void {
    const frontier = this.dispatcher.inflight.frontier;
    if (frontier && this.plan) {
      const offsetEnds = this.dispatcher.inflight.prefixOffsetEnds;
      this.plan.checkpoints.offer(frontier.position, frontier.slice, false, offsetEnds);
    }
  }

  private async finishCheckpoint(plan: StreamPlan): Promise<void> {
    if (plan.rangeEnd <= plan.rangeStart) return;
    const { frontier, prefixOffsetEnds } = this.dispatcher.inflight;
    const position = frontier?.position ?? plan.startPosition;
    const slice: SliceMark = frontier?.slice ?? plan.startSlice;
    const complete = !this.stopped && position >= plan.rangeEnd - plan.rangeStart;
    plan.checkpoints.offer(position, slice, complete, prefixOffsetEnds);
    await plan.checkpoints.flush();
  }
}
