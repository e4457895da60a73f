// The pipeline's own charts: as time series, rows per second produced (the producer's own rate),
// consumed and output (from the workers' row counts as the supervisor reports them), consumed
// per worker, and the worker group's lag per input partition — at most one point a second per
// series, over the last keepSeconds; and the rows each transform step dropped, from the group's
// committed per-step counts.
import type { WorkerInfo } from '../api/contract';
import type { StepTally } from '../pipelines/pipeline';
import type { PartitionLag } from './consumerLag';

export interface TimeSeries {
  name: string;
  /** epoch ms */
  t: number[];
  values: number[];
}

export interface PipelineRates {
  /** produced, consumed and output rows/s */
  throughput: TimeSeries[];
  /** consumed rows/s of each worker */
  perWorker: TimeSeries[];
  /** rows not yet consumed, per input partition (p0, p1, …) */
  lag: TimeSeries[];
  /** per transform step, the rows it dropped in committed transactions; empty before any */
  droppedPerStep: StepDrops[];
}

/** One bar of the dropped-rows chart. */
export interface StepDrops {
  /** "step 2 (filter)", as error messages name the step */
  name: string;
  /** rows the step dropped on purpose (a filter, an unmapped value) */
  dropped: number;
  /** rows it could not handle (also not passed on) */
  errors: number;
}

/** The dropped-rows bars of a per-step tally, in step order. */
export function stepDrops(steps: StepTally): StepDrops[] {
  return steps.map(({ step, type, dropped, errors }) => ({
    name: `step ${step} (${type})`,
    dropped,
    errors,
  }));
}

const MIN_STEP_MS = 1000;

class Series {
  readonly t: number[] = [];
  readonly values: number[] = [];
  constructor(readonly name: string) {}

  add(at: number, value: number, keepMs: number): void {
    this.t.push(at);
    this.values.push(value);
    let drop = 0;
    while (drop < this.t.length && this.t[drop]! < at - keepMs) drop += 1;
    this.t.splice(0, drop);
    this.values.splice(0, drop);
  }

  lastAt(): number {
    return this.t[this.t.length - 1] ?? -Infinity;
  }

  view(): TimeSeries {
    return { name: this.name, t: [...this.t], values: [...this.values] };
  }
}

interface Counted {
  rowsIn: number;
  rowsOut: number;
}

export class PipelineRatesMeter {
  private readonly keepMs: number;
  private readonly produced = new Series('produced');
  private readonly consumed = new Series('consumed');
  private readonly output = new Series('output');
  private readonly perWorker = new Map<string, Series>();
  private readonly lagOf = new Map<number, Series>();
  private dropped: StepDrops[] = [];
  /** each worker's counts at the last point */
  private baseline = new Map<string, Counted>();
  private baselineAt: number | null = null;

  constructor(keepSeconds = 300) {
    this.keepMs = keepSeconds * 1000;
  }

  /** The producer's rate; true when a point was added. */
  producer(at: number, rowsPerSecond: number): boolean {
    if (at - this.produced.lastAt() < MIN_STEP_MS) return false;
    this.produced.add(at, rowsPerSecond, this.keepMs);
    return true;
  }

  /**
   * The workers' counts; a point is added once a second has passed since the last one. A worker
   * whose count went down was restarted: its whole count is new. A worker no longer listed was
   * scaled away: its series goes.
   */
  workers(at: number, workers: readonly WorkerInfo[]): boolean {
    if (this.baselineAt === null) {
      this.rebase(at, workers);
      return false;
    }
    const seconds = (at - this.baselineAt) / 1000;
    if (seconds * 1000 < MIN_STEP_MS) return false;
    let consumed = 0;
    let output = 0;
    for (const worker of workers) {
      const before = this.baseline.get(worker.id);
      const rowsIn =
        before && worker.rowsIn >= before.rowsIn ? worker.rowsIn - before.rowsIn : worker.rowsIn;
      const rowsOut =
        before && worker.rowsOut >= before.rowsOut
          ? worker.rowsOut - before.rowsOut
          : worker.rowsOut;
      consumed += rowsIn;
      output += rowsOut;
      let series = this.perWorker.get(worker.id);
      if (!series) this.perWorker.set(worker.id, (series = new Series(worker.id)));
      series.add(at, rowsIn / seconds, this.keepMs);
    }
    // a worker scaled away leaves the per-worker chart (a restarted one keeps its id and series)
    const listed = new Set(workers.map((worker) => worker.id));
    for (const id of this.perWorker.keys()) if (!listed.has(id)) this.perWorker.delete(id);
    this.consumed.add(at, consumed / seconds, this.keepMs);
    this.output.add(at, output / seconds, this.keepMs);
    this.rebase(at, workers);
    return true;
  }

  /** One reading of the lag per partition; true when a point was added. */
  lag(at: number, partitions: readonly PartitionLag[]): boolean {
    let added = false;
    for (const { partition, lag } of partitions) {
      let series = this.lagOf.get(partition);
      if (!series) this.lagOf.set(partition, (series = new Series(`p${partition}`)));
      if (at - series.lastAt() < MIN_STEP_MS) continue;
      series.add(at, lag, this.keepMs);
      added = true;
    }
    return added;
  }

  /** The group's committed per-step counts; true when the bars changed. */
  steps(steps: StepTally): boolean {
    const next = stepDrops(steps);
    if (JSON.stringify(next) === JSON.stringify(this.dropped)) return false;
    this.dropped = next;
    return true;
  }

  rates(): PipelineRates {
    return {
      throughput: [this.produced, this.consumed, this.output].map((series) => series.view()),
      perWorker: [...this.perWorker.values()].map((series) => series.view()),
      lag: [...this.lagOf.entries()].sort(([a], [b]) => a - b).map(([, series]) => series.view()),
      droppedPerStep: this.dropped,
    };
  }

  private rebase(at: number, workers: readonly WorkerInfo[]): void {
    this.baselineAt = at;
    this.baseline = new Map(
      workers.map((worker) => [worker.id, { rowsIn: worker.rowsIn, rowsOut: worker.rowsOut }]),
    );
  }
}

/** What the worker table shows beside a worker's counts. */
export interface WorkerRate {
  /** consumed rows/s at the latest point, null before the first one */
  rowsPerSecond: number | null;
  /** rows behind on the partitions it holds at the latest reading, null before one */
  lag: number | null;
}

const latest = (series: TimeSeries | undefined): number | null =>
  series && series.values.length > 0 ? series.values[series.values.length - 1]! : null;

/**
 * Each worker's current rate (its own series) and lag (the latest lag of every partition it is
 * assigned, added up). A worker that is not running has neither: its last rate would be stale.
 */
export function workerRates(
  rates: Pick<PipelineRates, 'perWorker' | 'lag'>,
  workers: readonly WorkerInfo[],
): Map<string, WorkerRate> {
  const rateOf = new Map(rates.perWorker.map((series) => [series.name, latest(series)]));
  const lagOf = new Map(rates.lag.map((series) => [series.name, latest(series)]));
  return new Map(
    workers.map((worker) => {
      if (worker.state !== 'running') return [worker.id, { rowsPerSecond: null, lag: null }];
      const lags = worker.partitions.map((partition) => lagOf.get(`p${partition}`) ?? null);
      const known = lags.filter((lag): lag is number => lag !== null);
      return [
        worker.id,
        {
          rowsPerSecond: rateOf.get(worker.id) ?? null,
          lag: known.length > 0 ? known.reduce((sum, lag) => sum + lag, 0) : null,
        },
      ];
    }),
  );
}
