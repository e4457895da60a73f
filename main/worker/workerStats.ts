// The counts of this worker process since it started: rows and transactions it committed, the
// transactions it aborted and the transform's per-step counts (committed transactions only).
// They die with the process; the group's counts that survive a crash are the committed tallies
// (committedTallies.ts).
import { addTally, type StepTally } from '../pipelines/pipeline';

export interface WorkerCounters {
  /** input rows in transactions this process committed */
  rowsIn: number;
  /** output rows in transactions this process committed */
  rowsOut: number;
  /** input rows that gave no output row (dropped by a step, not a JSON object, or a row error) */
  rowsDropped: number;
  /** transactions this process committed */
  transactions: number;
  /** transactions this process aborted (their batches are delivered again) */
  aborts: number;
  /** partitions this process claimed: each fenced the partition's earlier writers */
  claims: number;
  /** time those claims took (producer, InitProducerId, the committed offset read), in ms */
  claimMilliseconds: number;
}

export class WorkerStats {
  readonly sinceStart: WorkerCounters = {
    rowsIn: 0,
    rowsOut: 0,
    rowsDropped: 0,
    transactions: 0,
    aborts: 0,
    claims: 0,
    claimMilliseconds: 0,
  };
  readonly startedAt = Date.now();

  constructor(
    /** the transform's per-step counters since start, zeroed */
    readonly steps: StepTally,
  ) {}

  /** Adds a committed (or aborted) transaction's counts; `steps` only for committed ones. */
  record(delta: Partial<WorkerCounters>, steps?: StepTally): void {
    if (steps) addTally(this.steps, steps);
    for (const key of Object.keys(this.sinceStart) as (keyof WorkerCounters)[]) {
      this.sinceStart[key] += delta[key] ?? 0;
    }
  }

  uptimeSeconds(now = Date.now()): number {
    return (now - this.startedAt) / 1000;
  }
}
