// One stream as the app runs it: input and output topics, the worker pool, the chart feed and
// the producer, started in the order that loses nothing (consumers before the producer; the
// producer once the workers have split the input partitions, see workersReady.ts) and
// stopped in the reverse order. close() during start() waits for the start, which skips the
// workers and the producer once closing, so nothing runs after close() resolves. A transform
// given as a spec object is written to a file in the workers' base dir, and every worker is
// started with its path.
import { EventEmitter } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ensureTopic } from '../broker/topicAdmin';
import { ChartFeed, type ChartUpdate } from '../charts/chartFeed';
import { ConsumerLagPoller, type PartitionLag } from '../charts/consumerLag';
import { ParquetProducer, type ProduceProgress } from '../producer/parquetProducer';
import { pickProducerSettings } from '../producer/producerSettings';
import { describeError, fieldOf, UserError } from '../shared/errors';
import type { Logger, LogLevel } from '../shared/logger';
import { localWorkerPool, type CreateWorkerPool, type WorkerPool } from '../supervisor/workerPool';
import { workersReady } from '../supervisor/workersReady';
import type { ChartSpec, OutputField, StreamConfig, StreamProgress, WorkerInfo } from './contract';

export interface StreamSessionOptions {
  config: StreamConfig;
  brokers: string[];
  appDataDir: string;
  logger: Logger;
  /** the workers' log level (default info) */
  workerLogLevel?: LogLevel;
  /** the pipeline's charts; none → the chart feed proposes one from the output's fields */
  charts: ChartSpec[];
  /** where the workers run (default: child processes of this machine) */
  createPool?: CreateWorkerPool;
}

/** How long the producer waits for the workers to take the input partitions before it starts anyway. */
const WORKERS_READY_TIMEOUT_MS = 30_000;

export function idleProgress(): StreamProgress {
  return {
    state: 'idle',
    inputTopic: null,
    outputTopic: null,
    rowsTotal: 0,
    rowsAcked: 0,
    rowsPerSecond: 0,
    etaSeconds: null,
  };
}

/**
 * Events: 'progress' (StreamProgress), 'workers' (WorkerInfo[]), 'chartData' (ChartUpdate),
 * 'chartSpecs' (ChartSpec[], when the feed proposed a chart), 'outputFields' (OutputField[]),
 * 'lag' (at: number, PartitionLag[]: the workers' lag per input partition), 'committed'
 * (CommittedTotals: the group's committed totals, where the pool reads them), 'notice'
 * ({ level: 'error', message }: the pool gave up a worker, once per distinct line).
 */
export class StreamSession extends EventEmitter {
  /** the workers' consumer group */
  readonly group: string;
  private readonly supervisor: WorkerPool;
  private readonly workersDir: string;
  private readonly chartFeed: ChartFeed;
  private readonly lagPoller: ConsumerLagPoller;
  private producer: ParquetProducer | null = null;
  private current: StreamProgress;
  private failureNoticed: string | null = null;
  private starting: Promise<StreamProgress> | null = null;
  private closing = false;

  constructor(private readonly options: StreamSessionOptions) {
    super();
    const { config, brokers, appDataDir, logger } = options;
    this.current = {
      ...idleProgress(),
      state: 'starting',
      inputTopic: config.inputTopic,
      outputTopic: config.outputTopic,
    };
    this.workersDir = path.join(appDataDir, 'workers');
    this.group = `parquet-streamer.${config.inputTopic}.${config.outputTopic}`;
    this.supervisor = (options.createPool ?? localWorkerPool())({
      brokers,
      group: this.group,
      inputTopic: config.inputTopic,
      outputTopic: config.outputTopic,
      baseDir: this.workersDir,
      logger: logger.child('supervisor'),
      logLevel: options.workerLogLevel,
      transform: this.transformArgument(),
    });
    this.supervisor.on('workers', (workers: WorkerInfo[]) => {
      this.emit('workers', workers);
      const committed = this.supervisor.committedCounts?.();
      if (committed) this.emit('committed', committed);
      this.noticeFailure();
    });
    this.chartFeed = new ChartFeed({
      brokers,
      topic: config.outputTopic,
      charts: options.charts,
      logger: logger.child('charts'),
    });
    this.chartFeed.on('chartData', (update: ChartUpdate) => this.emit('chartData', update));
    this.chartFeed.on('charts', (charts: ChartSpec[]) => this.emit('chartSpecs', charts));
    this.chartFeed.on('fields', (fields: OutputField[]) => this.emit('outputFields', fields));
    this.lagPoller = new ConsumerLagPoller({
      brokers,
      groupId: this.group,
      topic: config.inputTopic,
      logger: logger.child('lag'),
      onLag: (at: number, partitions: PartitionLag[]) => this.emit('lag', at, partitions),
    });
  }

  progress(): StreamProgress {
    return this.current;
  }

  workers(): WorkerInfo[] {
    return this.supervisor.workers();
  }

  /** Adds, edits, removes and reorders charts while the stream runs. */
  setCharts(charts: ChartSpec[]): void {
    this.chartFeed.setCharts(charts);
  }

  /** One chart's window as CSV. */
  chartCsv(id: string): string {
    return this.chartFeed.csv(id);
  }

  /** Creates topics, starts consumers, then runs the producer to the end in the background. */
  start(): Promise<StreamProgress> {
    this.starting ??= this.startParts();
    return this.starting;
  }

  private async startParts(): Promise<StreamProgress> {
    const { config, brokers, appDataDir, logger } = this.options;
    this.startingStep('creating topics…');
    const partitions = await ensureTopic(brokers, {
      topic: config.inputTopic,
      partitions: config.partitions,
    });
    await ensureTopic(brokers, { topic: config.outputTopic, partitions: config.partitions });
    await this.chartFeed.start();
    await this.writeTransformSpec();
    this.refuseIfClosing();
    this.startingStep(`starting ${config.workers} worker${config.workers === 1 ? '' : 's'}…`);
    await this.supervisor.scaleTo(config.workers);
    await this.untilWorkersReady(config.workers, partitions);
    await this.lagPoller.start();
    this.refuseIfClosing();
    this.startingStep('starting the producer…');
    this.producer = new ParquetProducer(
      {
        ...pickProducerSettings(config),
        path: config.path,
        topic: config.inputTopic,
        brokers,
        checkpointDir: path.join(appDataDir, 'checkpoints'),
      },
      logger.child('producer'),
    );
    this.producer.on('progress', (progress: ProduceProgress) => this.onProducerProgress(progress));
    this.update({ state: 'running', detail: undefined });
    void this.producer.run().then(
      (summary) =>
        this.update({
          state: 'done',
          rowsAcked: summary.rowsAcked,
          rowsPerSecond: summary.rowsPerSecond,
          etaSeconds: 0,
          detail: summary.stopped
            ? `stopped after ${summary.rowsAcked} rows`
            : `sent ${summary.rowsAcked} rows in ${summary.seconds.toFixed(1)} s`,
        }),
      (error) =>
        this.update({
          state: 'failed',
          detail: describeError(error),
          field: fieldOf(error) as keyof StreamConfig | undefined,
        }),
    );
    return this.current;
  }

  /** Pauses the producer; a paused stream has no rate and no ETA (the last ones would be stale). */
  pause(): StreamProgress {
    this.producer?.pause();
    return this.update({ state: 'paused', rowsPerSecond: 0, etaSeconds: null });
  }

  resume(): StreamProgress {
    this.producer?.resume();
    return this.update({ state: 'running' });
  }

  /** Stops the producer (in-flight rows are flushed and counted); workers keep draining. */
  async stopProducer(): Promise<StreamProgress> {
    if (this.current.state === 'running' || this.current.state === 'paused') {
      this.update({ state: 'stopping' });
      await this.producer?.stop();
    }
    return this.current;
  }

  async scaleWorkers(count: number): Promise<WorkerInfo[]> {
    await this.supervisor.scaleTo(count);
    return this.supervisor.workers();
  }

  /** Stops everything this session started, once a start in progress has ended. */
  async close(): Promise<void> {
    this.closing = true;
    await this.starting?.catch(() => undefined);
    await this.stopProducer();
    await this.supervisor.stop();
    await this.lagPoller.stop();
    await this.chartFeed.stop();
  }

  /**
   * Waits (up to WORKERS_READY_TIMEOUT_MS) until the workers have split the input partitions,
   * so the first rows are charted as they come rather than after a backlog.
   */
  private async untilWorkersReady(workers: number, partitions: number): Promise<void> {
    if (workers === 0) return;
    const ready = await workersReady(this.supervisor, partitions, {
      timeoutMs: WORKERS_READY_TIMEOUT_MS,
      cancelled: () => this.closing || Boolean(this.supervisor.failure),
    });
    if (!ready && !this.closing) {
      this.options.logger.warn(
        'the workers have not taken every input partition yet; streaming anyway — rows wait in the input topic until they do',
        { partitions, workers: this.supervisor.workers().map((worker) => worker.partitions) },
      );
    }
  }

  private refuseIfClosing(): void {
    if (this.closing)
      throw new UserError('the stream was closed while it started — start it again');
  }

  /** The workers' --transform: the reference as given, or the file a spec object goes to. */
  private transformArgument(): string | undefined {
    const { transform } = this.options.config;
    if (transform === undefined || typeof transform === 'string') return transform;
    return path.join(this.workersDir, 'transform.json');
  }

  private async writeTransformSpec(): Promise<void> {
    const { transform } = this.options.config;
    if (transform === undefined || typeof transform === 'string') return;
    await mkdir(this.workersDir, { recursive: true });
    await writeFile(this.transformArgument()!, JSON.stringify(transform, null, 2));
  }

  private onProducerProgress(progress: ProduceProgress): void {
    const state = this.current.state === 'stopping' ? 'stopping' : progress.state;
    if (state === 'done' || state === 'failed') return; // the run's own outcome reports these
    const paused = state === 'paused';
    this.update({
      state,
      rowsTotal: progress.rowsTotal,
      rowsAcked: progress.rowsAcked,
      rowsPerSecond: paused ? 0 : progress.rowsPerSecond,
      etaSeconds: paused ? null : progress.etaSeconds,
      detail: stallDetail(progress.stalledSeconds),
    });
  }

  /** The pool's give-up line as an error notice, once: it keeps saying it on every round. */
  private noticeFailure(): void {
    const failure = this.supervisor.failure ?? null;
    if (failure === null || failure === this.failureNoticed) return;
    this.failureNoticed = failure;
    this.emit('notice', { level: 'error', message: failure });
  }

  /** "starting: creating topics…, starting 2 workers…": each step of start() as it begins. */
  private startingStep(step: string): void {
    const done = this.current.detail?.replace(/^starting: /, '');
    this.update({ state: 'starting', detail: `starting: ${done ? `${done}, ` : ''}${step}` });
  }

  private update(change: Partial<StreamProgress>): StreamProgress {
    this.current = { ...this.current, ...change };
    this.emit('progress', this.current);
    return this.current;
  }
}

/** What the app shows while the broker does not acknowledge the rows in flight. */
export function stallDetail(stalledSeconds: number | null): string | undefined {
  return stalledSeconds === null
    ? undefined
    : `no acknowledgement from the broker for ${stalledSeconds} s — retrying`;
}
