// Rows per second over the last few seconds and the time left, for progress events.
import type { Clock } from './monotonicClock';

const WINDOW_MS = 5_000;

export class ProgressMeter {
  private readonly samples: { at: number; rows: number }[] = [];

  constructor(private readonly clock: Clock) {}

  /** Records the acknowledged row count now; returns rows/s over the recent window. */
  sample(rowsAcked: number): number {
    const at = this.clock.now();
    this.samples.push({ at, rows: rowsAcked });
    while (this.samples.length > 2 && at - this.samples[1].at >= WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    const elapsed = at - first.at;
    return elapsed > 0 ? ((rowsAcked - first.rows) * 1000) / elapsed : 0;
  }

  /** Forgets the history, e.g. after a pause, so the rate is not dragged down by it. */
  reset(): void {
    this.samples.length = 0;
  }
}

/** Seconds left at the current rate; null while the rate is unknown. */
export function etaSeconds(rowsLeft: number, rowsPerSecond: number): number | null {
  if (rowsLeft <= 0) return 0;
  return rowsPerSecond > 0 ? rowsLeft / rowsPerSecond : null;
}
