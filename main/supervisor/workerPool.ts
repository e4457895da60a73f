// What a stream session needs of its workers, wherever they run: the rows of the worker table,
// scaling to n, the 'workers' event and stopping them all. This machine's WorkerSupervisor is
// one pool, SlurmWorkerPool (main/cluster/slurm) another; the engine picks one per stream. Both
// take scaleTo requests through one ScaleQueue.
import type { CommittedTotals, WorkerInfo } from '../api/contract';
import type { StepTally } from '../pipelines/pipeline';
import { InputError } from '../shared/errors';
import type { Logger, LogLevel } from '../shared/logger';
import { WorkerSupervisor, type LaunchWorker } from './workerSupervisor';

/** The most workers one pool runs. */
export const MAX_WORKERS = 64;

export interface WorkerPool {
  workers(): WorkerInfo[];
  /** resolves once the new workers consume (or a start timeout passed) and removed ones ended */
  scaleTo(n: number): Promise<WorkerInfo[]>;
  stop(): Promise<void>;
  on(event: 'workers', listener: (workers: WorkerInfo[]) => void): unknown;
  /** the group's committed totals (with the transform's per-step counts), where the pool reads them */
  committedCounts?(): CommittedTotals & { steps?: StepTally };
  /** one line saying why the pool gave up a worker it was asked for, where the pool can */
  readonly failure?: string | null;
}

/** What every pool of a stream shares: the broker, the topics, the group and the transform. */
export interface WorkerPoolSettings {
  brokers: string[];
  group: string;
  inputTopic: string;
  outputTopic: string;
  /** this machine's workers keep their state under it */
  baseDir: string;
  logger: Logger;
  logLevel?: LogLevel | undefined;
  transform?: string | undefined;
}

/**
 * scaleTo as every pool has it: a count from 0 to MAX_WORKERS (else one InputError line), and
 * each request applied once the ones before it have settled, whether they succeeded or not.
 */
export class ScaleQueue {
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly apply: (n: number) => Promise<WorkerInfo[]>) {}

  scaleTo(n: number): Promise<WorkerInfo[]> {
    if (!Number.isInteger(n) || n < 0 || n > MAX_WORKERS) {
      return Promise.reject(
        new InputError(`worker count ${n} is not a whole number from 0 to ${MAX_WORKERS}`),
      );
    }
    const next = this.last.then(() => this.apply(n));
    this.last = next.catch(() => undefined);
    return next;
  }

  /** Settles once every request made so far has. */
  idle(): Promise<unknown> {
    return this.last;
  }
}

export type CreateWorkerPool = (settings: WorkerPoolSettings) => WorkerPool;

/** Workers as child processes of this machine. */
export function localWorkerPool(launchWorker?: LaunchWorker): CreateWorkerPool {
  return (settings) => new WorkerSupervisor({ ...settings, launchWorker });
}
