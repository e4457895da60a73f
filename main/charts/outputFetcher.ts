// Runs the chart feed's consumer of the output topic in a worker thread (outputFetchThread.ts)
// and hands the feed what it fetched: each batch's values to parse, the rows it skipped to catch
// up, the newest source.row. The feed tells it how many rows per partition the windows need.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { clusterSecurity, type ClusterSecurity } from '../broker/clusterSecurity';
import { EnvironmentError } from '../shared/errors';
import type { Logger } from '../shared/logger';

export interface OutputFetchConfig {
  brokers: string[];
  topic: string;
  /** a group whose committed offsets say where to start */
  groupId: string;
  security: ClusterSecurity;
  /** rows per partition the windows need (catchUp.ts) */
  keep: number;
}

/** One fetched batch of one partition, as far as the charts read it. */
export interface FetchedRows {
  kind: 'rows';
  arrivedAt: number;
  /** rows jumped over to catch up (at most: offsets also hold markers) */
  skipped: number;
  /** the partition was sought forward */
  seeked: boolean;
  /** the record values to parse, in order (null for a record without one) */
  values: (string | null)[];
  newestSourceRow: number | null;
}

export type FromOutputFetch =
  | FetchedRows
  | { kind: 'consuming' }
  | { kind: 'failed'; message: string }
  | { kind: 'stopped' }
  | {
      kind: 'log';
      level: 'debug' | 'info' | 'warn' | 'error';
      /** below the feed's logger; '' for the feed's own */
      component: string;
      message: string;
      fields?: Record<string, unknown>;
    };

export type ToOutputFetch = { kind: 'keep'; rows: number } | { kind: 'stop' };

export class OutputFetcher {
  private readonly worker: Worker;
  private readonly consuming: Promise<void>;
  private readonly ended: Promise<void>;

  constructor(
    config: Omit<OutputFetchConfig, 'security'>,
    onRows: (rows: FetchedRows) => void,
    logger: Logger,
  ) {
    const { brokers, topic } = config;
    this.worker = new Worker(path.join(__dirname, 'outputFetchThread.js'), {
      workerData: { ...config, security: clusterSecurity() } satisfies OutputFetchConfig,
    });
    this.ended = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.consuming = new Promise((resolve, reject) => {
      const failed = (reason: string) =>
        reject(
          new EnvironmentError(
            `chart feed cannot read ${topic} from ${brokers.join(',')}: ${reason} — check that the broker is running`,
          ),
        );
      this.worker.on('message', (message: FromOutputFetch) => {
        if (message.kind === 'rows') onRows(message);
        else if (message.kind === 'consuming') resolve();
        else if (message.kind === 'failed') {
          failed(message.message);
          void this.worker.terminate();
        } else if (message.kind === 'stopped') void this.worker.terminate();
        else if (message.kind === 'log') {
          const target = message.component ? logger.child(message.component) : logger;
          target[message.level](message.message, message.fields);
        }
      });
      this.worker.once('error', (error) => failed(error.message));
      this.worker.once('exit', (code) => failed(`its thread ended (${code})`));
    });
  }

  /** Resolves once the consumer has joined and runs; rejects when it cannot. */
  started(): Promise<void> {
    return this.consuming;
  }

  /** The rows per partition the windows need from now on. */
  keep(rows: number): void {
    this.worker.postMessage({ kind: 'keep', rows } satisfies ToOutputFetch);
  }

  /** Leaves the group and ends the thread. */
  async stop(): Promise<void> {
    this.worker.postMessage({ kind: 'stop' } satisfies ToOutputFetch);
    const stopped = setTimeout(() => void this.worker.terminate(), 10_000);
    await this.ended;
    clearTimeout(stopped);
  }
}
