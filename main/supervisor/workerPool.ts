// What a stream session needs of its workers, wherever they run: the rows of the worker table,
// scaling to n, the 'workers' event and stopping them all. This machine's WorkerSupervisor is
// one pool, SlurmWorkerPool (main/cluster/slurm) another; the engine picks one per stream.
import type { CommittedTotals, WorkerInfo } from '../api/contract';
import type { StepTally } from '../pipelines/pipeline';
import type { Logger, LogLevel } from '../shared/logger';
import { WorkerSupervisor, type LaunchWorker } from './workerSupervisor';

export interface WorkerPool {
  workers(): WorkerInfo[];
  /** resolves once the new workers consume (or a start timeout passed) and removed ones ended */
  scaleTo(n: number): Promise<WorkerInfo[]>;
  stop(): Promise<void>;
  on(event: 'workers', listener: (workers: WorkerInfo[]) => void): unknown;
  /** the group's committed totals (with the transform's per-step counts), where the pool reads them */
  committedCounts?(): CommittedTotals & { steps?: StepTally };
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

export type CreateWorkerPool = (settings: WorkerPoolSettings) => WorkerPool;

/** Workers as child processes of this machine. */
export function localWorkerPool(launchWorker?: LaunchWorker): CreateWorkerPool {
  return (settings) => new WorkerSupervisor({ ...settings, launchWorker });
}
