// The worker's counters: since this process started, and over the data dir's lifetime, plus the
// transform's per-step counts since start (added only for committed transactions). The
// lifetime totals are the state the worker keeps in its data dir (stats.json), saved at most
// once a second while they change and always on stop, written to a temporary file and renamed so a crash never leaves
// half a file.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { addTally, type StepTally } from '../pipelines/pipeline';
import { writeJsonAtomically } from '../shared/atomicJson';
import type { Logger } from '../shared/logger';
import type { Service } from './service';

export interface WorkerCounters {
  /** input rows in committed transactions */
  rowsIn: number;
  /** output rows in committed transactions */
  rowsOut: number;
  /** input rows that gave no output row (dropped by a step, not a JSON object, or a row error) */
  rowsDropped: number;
  /** committed transactions */
  transactions: number;
  /** aborted transactions (their batches are delivered again) */
  aborts: number;
}

const zeroCounters = (): WorkerCounters => ({
  rowsIn: 0,
  rowsOut: 0,
  rowsDropped: 0,
  transactions: 0,
  aborts: 0,
});

function addInto(target: WorkerCounters, delta: Partial<WorkerCounters>): void {
  for (const key of Object.keys(target) as (keyof WorkerCounters)[]) target[key] += delta[key] ?? 0;
}

export class WorkerStats implements Service {
  readonly name = 'stats';
  readonly sinceStart: WorkerCounters = zeroCounters();
  readonly lifetime: WorkerCounters = zeroCounters();
  readonly startedAt = Date.now();
  private readonly file: string;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    dataDir: string,
    /** the transform's per-step counters since start, zeroed */
    readonly steps: StepTally,
    private readonly logger: Logger,
    private readonly saveIntervalMs = 1_000,
  ) {
    this.file = path.join(dataDir, 'stats.json');
  }

  async start(): Promise<void> {
    try {
      const saved = JSON.parse(await readFile(this.file, 'utf8')) as {
        lifetime?: Partial<WorkerCounters>;
      };
      addInto(this.lifetime, saved.lifetime ?? {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.logger.warn('ignoring unreadable stats file', {
          file: this.file,
          error: String(error),
        });
      }
    }
    this.timer = setInterval(() => void this.saveIfDirty(), this.saveIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.dirty = true;
    await this.saveIfDirty();
  }

  /** Adds a committed (or aborted) transaction's counts; `steps` only for committed ones. */
  record(delta: Partial<WorkerCounters>, steps?: StepTally): void {
    if (steps) addTally(this.steps, steps);
    addInto(this.sinceStart, delta);
    addInto(this.lifetime, delta);
    this.dirty = true;
  }

  uptimeSeconds(now = Date.now()): number {
    return (now - this.startedAt) / 1000;
  }

  private async saveIfDirty(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      await writeJsonAtomically(this.file, {
        lifetime: this.lifetime,
        savedAt: new Date().toISOString(),
      });
    } catch (error) {
      this.dirty = true;
      this.logger.warn('could not save stats', { file: this.file, error: String(error) });
    }
  }
}
