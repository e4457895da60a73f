// One worker: the tree of services that replaces a Faust worker process — data dir lock, the
// HTTP port and the exactly-once stream processor — and its counts since start.
import { EventEmitter } from 'node:events';
import { createKafka } from '../broker/kafkaClient';
import { logLevel } from '../broker/kafkajs';
import type { CompiledTransform } from '../pipelines/pipeline';
import type { Logger } from '../shared/logger';
import { DataDirLock } from './dataDirLock';
import { withoutExpectedNoise } from './kafkaLogFilter';
import { ServiceTree } from './service';
import { TransactionalProcessor } from './transactionalProcessor';
import type { WorkerOptions } from './workerOptions';
import type { WorkerPhase, WorkerSnapshot } from './workerReport';
import { WorkerStats } from './workerStats';
import { WorkerWebServer } from './workerWebServer';

export interface WorkerEvents {
  /** the worker cannot go on; the caller stops it and exits non-zero */
  fatal: [error: Error];
}

export class Worker extends EventEmitter<WorkerEvents> {
  readonly stats: WorkerStats;
  readonly web: WorkerWebServer;
  readonly processor: TransactionalProcessor;
  private readonly services: ServiceTree;
  private stopping = false;

  constructor(
    readonly options: WorkerOptions,
    /** what the worker does to each row, resolved from options.transform by the caller */
    readonly transform: CompiledTransform,
    logger: Logger,
  ) {
    super();
    const kafka = createKafka({
      brokers: options.brokers,
      clientId: `parquet-streamer-${options.workerId}`,
      // few retries: a lost broker surfaces within seconds as `reconnecting`, and the
      // processor's reconnect loop, not each request, waits for it
      retries: 3,
      logger: withoutExpectedNoise(logger.child('kafka')),
      level: options.logLevel === 'debug' ? logLevel.INFO : logLevel.WARN,
    });
    this.stats = new WorkerStats(transform.newTally());
    this.web = new WorkerWebServer(
      options.webHost,
      options.webPort,
      () => this.snapshot(),
      logger.child('web'),
      options.webToken,
    );
    this.processor = new TransactionalProcessor({
      kafka,
      brokers: options.brokers,
      group: options.group,
      workerId: options.workerId,
      inputTopic: options.inputTopic,
      outputTopic: options.outputTopic,
      sessionTimeoutMs: options.sessionTimeoutMs,
      reconnectTimeoutMs: options.reconnectTimeoutMs,
      transform,
      stats: this.stats,
      logger: logger.child('processor'),
      onFatal: (error) => this.emit('fatal', error),
    });
    this.services = new ServiceTree(
      'worker',
      [new DataDirLock(options.dataDir, logger.child('lock')), this.web, this.processor],
      logger,
    );
  }

  start(): Promise<void> {
    return this.services.start();
  }

  stop(): Promise<void> {
    this.stopping = true;
    return this.services.stop();
  }

  phase(): WorkerPhase {
    if (this.stopping) return 'stopping';
    if (this.processor.isReconnecting()) return 'reconnecting';
    return this.processor.isConsuming() ? 'consuming' : 'starting';
  }

  snapshot(): WorkerSnapshot {
    return {
      workerId: this.options.workerId,
      pid: process.pid,
      group: this.options.group,
      inputTopic: this.options.inputTopic,
      outputTopic: this.options.outputTopic,
      transform: this.transform.name,
      phase: this.phase(),
      sinceStart: { ...this.stats.sinceStart },
      committed: this.processor.committedCounts(),
      steps: this.stats.steps,
      windows: this.processor.windowPartitions(),
      assignment: this.processor.assignment(),
      uptimeSeconds: this.stats.uptimeSeconds(),
    };
  }
}
