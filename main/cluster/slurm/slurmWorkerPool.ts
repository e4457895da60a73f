// A stream's workers as one SLURM job array, with the surface of this machine's supervisor: the
// first scaleTo submits the array, later ones scale it, stop cancels every task. Every ~1.5 s it
// asks SlurmWorkers for the tasks and each running worker's /stats (with the job dir's token)
// and turns them into the worker table's rows, emitting 'workers' when they change. A wanted
// task that leaves the queue without the pool asking (scancel by hand, a failed node, a crash)
// is submitted again under its own id after a backoff; one that keeps ending soon after it
// started is given up after maxResubmits, in one error line (`failure`).
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { StreamConfig, WorkerInfo, WorkerState } from '../../api/contract';
import { DEFAULT_PRESET } from '../../pipelines/presets';
import { describeError, InputError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import { ReportedTotals, type CommittedCounts } from '../../worker/committedTallies';
import {
  nextCrashCount,
  restartDelayMs,
  type BackoffPolicy,
} from '../../supervisor/restartBackoff';
import { ScaleQueue, type CreateWorkerPool, type WorkerPool } from '../../supervisor/workerPool';
import type { SlurmRunner } from './slurmCommand';
import { SlurmWorkers, type StatsReader, type TaskStatus } from './slurmWorkers';
import { isActive } from './squeueTasks';
import { taskLogFile, type WorkerArraySpec } from './workerArrayScript';

export interface SlurmWorkerPoolOptions {
  slurm: SlurmWorkers;
  spec: WorkerArraySpec;
  logger: Logger;
  /** default 1500 ms */
  pollIntervalMs?: number;
  /** how long scaleTo waits for new workers to consume (default 60 s; a busy queue waits longer) */
  startTimeoutMs?: number;
  /** how long scaleTo and stop wait for cancelled tasks to leave the queue (default 40 s) */
  stopTimeoutMs?: number;
  /** the wait before resubmitting a task that ended (default 2 s doubling to 60 s; a task that
   * ran 60 s starts the count again) */
  resubmitBackoff?: BackoffPolicy;
  /** how many times in a row a task is resubmitted before the pool gives it up (default 5) */
  maxResubmits?: number;
}

const RESUBMIT_BACKOFF: BackoffPolicy = { initialMs: 2_000, maxMs: 60_000, stableAfterMs: 60_000 };

/** A task id the pool keeps in the queue, and how its incarnations fared. */
interface WantedTask {
  /** the array job of the incarnation last seen in the queue */
  arrayJobId: string;
  /** when the pool first saw that incarnation running */
  runningSince: number | null;
  /** how many times it was resubmitted */
  restarts: number;
  endsInRow: number;
  /** a resubmission is waiting out its backoff */
  timer: NodeJS.Timeout | null;
}

export class SlurmWorkerPool
  extends EventEmitter<{ workers: [workers: WorkerInfo[]] }>
  implements WorkerPool
{
  private tasks: TaskStatus[] = [];
  private rows: WorkerInfo[] = [];
  /** the last counts each worker reported, kept while its /stats does not answer */
  private readonly counted = new Map<string, Pick<WorkerInfo, 'rowsIn' | 'rowsOut'>>();
  private readonly committed = new ReportedTotals();
  private readonly timer: NodeJS.Timeout;
  private submitted = false;
  private stopped = false;
  private readonly scaling = new ScaleQueue((n) => this.applyScale(n));
  /** sbatch and scancel, one at a time, and how many have run: a status read during one is stale */
  private mutations: Promise<unknown> = Promise.resolve();
  private mutating = 0;
  private mutationCount = 0;
  private readonly wanted = new Map<number, WantedTask>();
  private gaveUp: string | null = null;
  private refreshing: Promise<void> | null = null;
  private lastError = '';
  private lastEmitted = '[]';

  constructor(private readonly options: SlurmWorkerPoolOptions) {
    super();
    this.timer = setInterval(() => void this.refresh(), this.pollMs());
    this.timer.unref();
  }

  /** The group's committed totals, as its tasks' /stats last reported them. */
  committedCounts(): CommittedCounts {
    return this.committed.totals();
  }

  workers(): WorkerInfo[] {
    return this.rows.map((row) => ({ ...row, partitions: [...row.partitions] }));
  }

  scaleTo(n: number): Promise<WorkerInfo[]> {
    return this.scaling.scaleTo(n);
  }

  /** Why a task the pool was asked for is no longer kept (it kept ending), or null. */
  get failure(): string | null {
    return this.gaveUp;
  }

  /** Cancels every task (SLURM sends SIGTERM, so workers commit and leave) and waits for them. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    for (const task of this.wanted.values()) if (task.timer) clearTimeout(task.timer);
    this.wanted.clear();
    await this.scaling.idle();
    await this.mutations;
    if (this.submitted) {
      try {
        await this.options.slurm.cancel(this.options.spec.jobDir);
      } catch (error) {
        this.options.logger.error('cancelling the SLURM workers failed', {
          error: describeError(error),
        });
      }
      await this.waitFor(() => this.tasks.length === 0, this.stopMs(), false);
    }
    this.tasks = [];
    this.rows = [];
    this.emitIfChanged();
  }

  private async applyScale(n: number): Promise<WorkerInfo[]> {
    if (this.stopped) throw new InputError('the SLURM worker pool has been stopped');
    const { slurm, spec, logger } = this.options;
    let cancelled: string[] = [];
    if (!this.submitted) {
      if (n === 0) return this.workers();
      await this.mutate(async () => {
        const arrayJobId = await slurm.submit(spec, n);
        this.submitted = true;
        for (let taskId = 0; taskId < n; taskId += 1) this.want(taskId, arrayJobId);
        logger.info('submitted SLURM workers', { name: spec.name, arrayJobId, workers: n });
      });
    } else {
      await this.mutate(async () => {
        const plan = await slurm.scale(spec.jobDir, n);
        cancelled = plan.cancel.map((task) => task.jobId);
        // a task waiting to be resubmitted is not live: the plan's new ids stand in for it
        for (const [taskId, task] of this.wanted) {
          if (plan.keep.includes(taskId)) continue;
          if (task.timer) clearTimeout(task.timer);
          this.wanted.delete(taskId);
        }
        for (const taskId of plan.submit) this.want(taskId, '');
        logger.info('scaled SLURM workers', { submitted: plan.submit, cancelled });
      });
    }
    const gone = () => !this.tasks.some((task) => cancelled.includes(task.jobId));
    if (!(await this.waitFor(gone, this.stopMs(), true))) {
      logger.warn('cancelled SLURM tasks are still in the queue', { tasks: cancelled });
    }
    const consuming = () => this.rows.filter((row) => row.state === 'running').length >= n;
    if (!(await this.waitFor(consuming, this.options.startTimeoutMs ?? 60_000, true))) {
      logger.warn('SLURM workers are not all consuming yet', {
        wanted: n,
        tasks: this.tasks.map((task) => `${task.jobId} ${task.state} ${task.reason}`),
      });
    }
    return this.workers();
  }

  private want(taskId: number, arrayJobId: string): void {
    this.wanted.set(taskId, {
      arrayJobId,
      runningSince: null,
      restarts: 0,
      endsInRow: 0,
      timer: null,
    });
  }

  /** Runs one sbatch or scancel step after the others. */
  private mutate<T>(step: () => Promise<T>): Promise<T> {
    const run = async () => {
      this.mutating += 1;
      try {
        return await step();
      } finally {
        this.mutating -= 1;
        this.mutationCount += 1;
      }
    };
    const next = this.mutations.then(run);
    this.mutations = next.catch(() => undefined);
    return next;
  }

  /** Wanted tasks gone from the queue: resubmitted after a backoff, or given up. */
  private noticeEnded(): void {
    const now = Date.now();
    const backoff = this.options.resubmitBackoff ?? RESUBMIT_BACKOFF;
    for (const [taskId, wanted] of this.wanted) {
      const queued = this.tasks.filter((task) => task.taskId === taskId).pop();
      if (queued) {
        if (queued.arrayJobId !== wanted.arrayJobId) {
          wanted.arrayJobId = queued.arrayJobId;
          wanted.runningSince = null;
        }
        if (queued.state === 'RUNNING') wanted.runningSince ??= now;
        continue;
      }
      if (wanted.timer) continue;
      const lived = wanted.runningSince === null ? 0 : now - wanted.runningSince;
      wanted.endsInRow = nextCrashCount(wanted.endsInRow, lived, backoff);
      wanted.runningSince = null;
      const log = taskLogFile(this.options.spec.jobDir, wanted.arrayJobId, taskId);
      if (wanted.endsInRow > (this.options.maxResubmits ?? 5)) {
        this.wanted.delete(taskId);
        this.gaveUp =
          `SLURM worker task ${taskId} ended ${wanted.endsInRow} times in a row soon after ` +
          `it started; it is not resubmitted again — see ${log}`;
        this.options.logger.error(this.gaveUp);
        continue;
      }
      const delay = restartDelayMs(wanted.endsInRow, backoff);
      this.options.logger.warn('SLURM worker task ended; resubmitting it', {
        task: taskId,
        inMs: delay,
        log,
      });
      wanted.timer = setTimeout(() => void this.resubmit(taskId), delay);
    }
  }

  private async resubmit(taskId: number): Promise<void> {
    const { slurm, spec, logger } = this.options;
    await this.mutate(async () => {
      const wanted = this.wanted.get(taskId);
      if (!wanted || this.stopped) return;
      try {
        const arrayJobId = await slurm.resubmit(spec.jobDir, taskId);
        Object.assign(wanted, { arrayJobId, runningSince: null });
        wanted.restarts += 1;
        logger.info('resubmitted SLURM worker task', { task: taskId, arrayJobId });
      } catch (error) {
        // the next status round finds it still gone and tries again, counting one more end
        logger.warn('resubmitting a SLURM worker task failed', {
          task: taskId,
          error: describeError(error),
        });
      } finally {
        wanted.timer = null;
      }
    });
  }

  /** Refreshes until done() holds or the time is up (or, when abortable, the pool stops). */
  private async waitFor(done: () => boolean, timeoutMs: number, abortable: boolean) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.refresh();
      if (done()) return true;
      if (Date.now() >= deadline || (abortable && this.stopped)) return false;
      await new Promise((resolve) => setTimeout(resolve, this.pollMs()));
    }
  }

  /** One status round (or the one already under way). */
  private refresh(): Promise<void> {
    if (!this.submitted) return Promise.resolve();
    this.refreshing ??= this.readStatus().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async readStatus(): Promise<void> {
    const { slurm, spec, logger } = this.options;
    const before = this.mutationCount;
    try {
      this.tasks = await slurm.status(spec.jobDir);
      this.lastError = '';
      if (!this.stopped && this.mutating === 0 && this.mutationCount === before) {
        this.noticeEnded();
      }
    } catch (error) {
      const message = describeError(error);
      if (message !== this.lastError) logger.warn('SLURM status failed', { error: message });
      this.lastError = message;
      return;
    }
    this.rows = this.tasks.map((task) => this.rowOf(task));
    this.emitIfChanged();
  }

  private rowOf(task: TaskStatus): WorkerInfo {
    const { spec } = this.options;
    const id = `${spec.name}-${task.arrayJobId}_${task.taskId}`;
    // a worker of another deployment answering on this port is not ours
    const stats = task.stats?.workerId === id ? task.stats : null;
    if (stats) {
      this.counted.set(id, { rowsIn: stats.rowsIn, rowsOut: stats.rowsOut });
      this.committed.note(stats.committed);
    }
    const counts = this.counted.get(id) ?? { rowsIn: 0, rowsOut: 0 };
    return {
      id,
      pid: stats?.pid ?? null,
      port: task.webPort,
      ...(task.node ? { host: task.node } : {}),
      dataDir: spec.dataDirPattern.replaceAll('%a', String(task.taskId)),
      state: workerState(task, stats),
      rowsIn: counts.rowsIn,
      rowsOut: counts.rowsOut,
      restarts: this.wanted.get(task.taskId)?.restarts ?? 0,
      partitions: stats ? [...stats.partitions] : [],
    };
  }

  private emitIfChanged(): void {
    const serialized = JSON.stringify(this.rows);
    if (serialized === this.lastEmitted) return;
    this.lastEmitted = serialized;
    this.emit('workers', this.workers());
  }

  private pollMs(): number {
    return this.options.pollIntervalMs ?? 1_500;
  }

  private stopMs(): number {
    return this.options.stopTimeoutMs ?? 40_000;
  }
}

/** A task in the queue as the worker table's state: consuming only once its /stats says so. */
function workerState(task: TaskStatus, stats: TaskStatus['stats']): WorkerState {
  if (task.state === 'RUNNING' && stats) {
    if (stats.status === 'consuming') return 'running';
    if (stats.status === 'stopping') return 'stopping';
    return 'starting';
  }
  if (isActive(task)) return 'starting';
  return task.state === 'COMPLETING' ? 'stopping' : 'exited';
}

/** The SLURM job name of a stream's workers: one per consumer group, within SLURM's limits. */
export function slurmJobName(group: string): string {
  return `ps-${createHash('sha256').update(group).digest('hex').slice(0, 10)}`;
}

/**
 * The pool factory of a stream whose workers run on SLURM: the job dir is <app data>/slurm/<name>
 * (what `cluster slurm status --name <name>` reads), each task listens on every address of its
 * node and asks for the job dir's token.
 */
export function slurmWorkerPool(options: {
  config: StreamConfig;
  appDataDir: string;
  run: SlurmRunner;
  /** how a node runs this install's CLI */
  command: string[];
  readStats?: StatsReader;
  pollIntervalMs?: number;
}): CreateWorkerPool {
  const { config } = options;
  return (settings) => {
    const name = slurmJobName(settings.group);
    const jobDir = path.join(options.appDataDir, 'slurm', name);
    return new SlurmWorkerPool({
      slurm: new SlurmWorkers(options.run, options.readStats),
      logger: settings.logger,
      pollIntervalMs: options.pollIntervalMs,
      spec: {
        name,
        jobDir,
        command: options.command,
        brokers: settings.brokers,
        group: settings.group,
        inputTopic: settings.inputTopic,
        outputTopic: settings.outputTopic,
        transform: settings.transform ?? DEFAULT_PRESET,
        logLevel: settings.logLevel ?? 'info',
        dataDirPattern: config.slurmDataDirPattern ?? path.join(jobDir, 'data', 'worker-%a'),
        webPortBase: config.slurmWebPortBase ?? 6066,
        webHost: '0.0.0.0',
        partition: config.slurmPartition,
        time: config.slurmTime,
      },
    });
  };
}
