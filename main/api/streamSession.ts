// One stream as the app runs it: input and output topics, the worker pool, the chart feed and
// the producer, started in the order that loses nothing (consumers before the producer) and
// stopped in the reverse order.
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { ensureTopic } from '../broker/topicAdmin';
import { ChartFeed } from '../charts/chartFeed';
import { ParquetProducer, type ProduceProgress } from '../producer/parquetProducer';
import { pickProducerSettings } from '../producer/producerSettings';
import { describeError, fieldOf } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { WorkerSupervisor } from '../supervisor/workerSupervisor';
import type { BoxPlotData, StreamConfig, StreamProgress, WorkerInfo } from './contract';

export interface StreamSessionOptions {
  config: StreamConfig;
  brokers: string[];
  appDataDir: string;
  logger: Logger;
}

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

/** Events: 'progress' (StreamProgress), 'workers' (WorkerInfo[]), 'boxPlot' (BoxPlotData). */
export class StreamSession extends EventEmitter {
  private readonly supervisor: WorkerSupervisor;
  private readonly chartFeed: ChartFeed;
  private producer: ParquetProducer | null = null;
  private current: StreamProgress;

  constructor(private readonly options: StreamSessionOptions) {
    super();
    const { config, brokers, appDataDir, logger } = options;
    this.current = {
      ...idleProgress(),
      state: 'starting',
      inputTopic: config.inputTopic,
      outputTopic: config.outputTopic,
    };
    this.supervisor = new WorkerSupervisor({
      brokers,
      group: `parquet-streamer.${config.inputTopic}.${config.outputTopic}`,
      inputTopic: config.inputTopic,
      outputTopic: config.outputTopic,
      baseDir: path.join(appDataDir, 'workers'),
      logger: logger.child('supervisor'),
    });
    this.supervisor.on('workers', (workers: WorkerInfo[]) => this.emit('workers', workers));
    this.chartFeed = new ChartFeed({ brokers, topic: config.outputTopic });
    this.chartFeed.on('boxPlot', (data: BoxPlotData) => this.emit('boxPlot', data));
  }

  progress(): StreamProgress {
    return this.current;
  }

  workers(): WorkerInfo[] {
    return this.supervisor.workers();
  }

  /** Creates topics, starts consumers, then runs the producer to the end in the background. */
  async start(): Promise<StreamProgress> {
    const { config, brokers, appDataDir, logger } = this.options;
    await ensureTopic(brokers, { topic: config.inputTopic, partitions: config.partitions });
    await ensureTopic(brokers, { topic: config.outputTopic, partitions: config.partitions });
    await this.chartFeed.start();
    await this.supervisor.scaleTo(config.workers);
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
    this.update({ state: 'running' });
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

  pause(): StreamProgress {
    this.producer?.pause();
    return this.update({ state: 'paused' });
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

  /** Stops everything this session started. */
  async close(): Promise<void> {
    await this.stopProducer();
    await this.supervisor.stop();
    await this.chartFeed.stop();
  }

  private onProducerProgress(progress: ProduceProgress): void {
    const state = this.current.state === 'stopping' ? 'stopping' : progress.state;
    if (state === 'done' || state === 'failed') return; // the run's own outcome reports these
    this.update({
      state,
      rowsTotal: progress.rowsTotal,
      rowsAcked: progress.rowsAcked,
      rowsPerSecond: progress.rowsPerSecond,
      etaSeconds: progress.etaSeconds,
      detail: stallDetail(progress.stalledSeconds),
    });
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
