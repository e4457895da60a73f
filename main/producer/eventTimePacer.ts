// `--replay-column COL --speed X`: replays rows by event time. The gap between two consecutive
// rows is the gap between their timestamps divided by X; a row without a time, or one earlier
// than its predecessor, follows immediately. Due times accumulate, so sleeping late for one
// row does not slow the replay down.
import type { Clock } from './monotonicClock';

export class EventTimePacer {
  private due: number | null = null;
  private previousTime: number | null = null;

  constructor(
    readonly speed: number,
    private readonly clock: Clock,
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) {
      throw new RangeError(`speed must be a positive number (got ${speed})`);
    }
  }

  /** Schedules the next row by its event time in ms (null: no time). */
  schedule(eventTimeMs: number | null): void {
    if (this.due === null) {
      this.due = this.clock.now();
    } else if (eventTimeMs !== null && this.previousTime !== null) {
      this.due += Math.max(0, eventTimeMs - this.previousTime) / this.speed;
    }
    if (eventTimeMs !== null) this.previousTime = eventTimeMs;
  }

  /** Milliseconds until the scheduled row is due (0 when it may go now). */
  waitMs(): number {
    return this.due === null ? 0 : Math.max(0, this.due - this.clock.now());
  }

  /** Moves the schedule later by a pause's length. */
  shift(ms: number): void {
    if (this.due !== null) this.due += ms;
  }
}
