// How fast rows go: a fixed rate (RatePacer) or event-time replay (EventTimePacer), and pause /
// resume. A row's wait can be cut short (pause, stop), and the caller keeps sends flowing while
// it lasts.
import { EventTimePacer } from './eventTimePacer';
import type { Clock } from './monotonicClock';
import { RatePacer } from './ratePacer';

/**
 * The shortest wait: a paced stream wakes at most every 5 ms and sends the rows due meanwhile
 * together (the Java producer's default linger.ms is 5 as well); a replayed row goes at most
 * that late. Waking for every row (a 1 ms timer each) cost the producer a fifth of a core at
 * 25,000 rows/s.
 */
const MIN_SLEEP_MS = 5;

export class StreamPacing {
  private ratePacer: RatePacer | null = null;
  private eventPacer: EventTimePacer | null = null;
  private paused: { since: number; resumed: Promise<void>; resume: () => void } | null = null;
  private wakeSleeper: (() => void) | null = null;

  constructor(private readonly clock: Clock) {}

  /** The pace of the stream, from its first row on. */
  start(pace: { ratePerSecond?: number | null; replayColumn?: string; speed?: number }): void {
    if (pace.ratePerSecond) this.ratePacer = new RatePacer(pace.ratePerSecond, this.clock);
    if (pace.replayColumn) this.eventPacer = new EventTimePacer(pace.speed ?? 1, this.clock);
  }

  /** true when rows must wait their turn (paused, or a pace is set) */
  get active(): boolean {
    return this.paused !== null || this.ratePacer !== null || this.eventPacer !== null;
  }

  /** Holds rows back until resume(); false when already paused. */
  pause(): boolean {
    if (this.paused) return false;
    let resume: () => void = () => undefined;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    this.paused = { since: this.clock.now(), resumed, resume };
    this.wakeSleeper?.();
    return true;
  }

  /** Lets rows go again, with no credit for the time paused; false when not paused. */
  resume(): boolean {
    const paused = this.paused;
    if (!paused) return false;
    this.paused = null;
    this.eventPacer?.shift(this.clock.now() - paused.since);
    this.ratePacer?.restart();
    paused.resume();
    return true;
  }

  /** Ends any wait at once (a stop): a sleep ends, a pause is lifted. */
  release(): void {
    this.wakeSleeper?.();
    this.paused?.resume();
    this.paused = null;
  }

  /**
   * The next row's turn (at `eventTime`, for a replay): true when it may go now, and it is
   * taken; false when it must wait — then awaitTurn() waits for it. Most rows of a paced stream
   * go without a wait, and without the two promises an awaited call costs each.
   */
  turnNow(eventTime: number | null): boolean {
    this.eventPacer?.schedule(eventTime);
    if (this.paused || this.waitMs() > 0) return false;
    this.ratePacer?.take(1);
    return true;
  }

  /**
   * Waits while paused and until the pace lets the row turnNow() refused go; returns early once
   * `stopping()`. `meanwhile` runs before each wait.
   */
  async awaitTurn(stopping: () => boolean, meanwhile: () => Promise<void>): Promise<void> {
    for (;;) {
      if (stopping()) return;
      if (this.paused) {
        await meanwhile();
        await this.paused?.resumed;
        continue;
      }
      const wait = this.waitMs();
      if (wait <= 0) break;
      await meanwhile();
      await this.sleep(Math.max(wait, MIN_SLEEP_MS));
    }
    this.ratePacer?.take(1);
  }

  private waitMs(): number {
    return this.ratePacer?.waitMs() ?? this.eventPacer?.waitMs() ?? 0;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleeper = () => {
        this.wakeSleeper = null;
        done();
      };
    });
  }
}
