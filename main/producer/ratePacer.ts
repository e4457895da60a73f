// `--rate N`: a token bucket on a monotonic clock. Tokens accrue at N per second up to a
// quarter of a second's worth, so a short stall (GC, a slow ack) is made up without a visible
// burst and the rate over any longer window stays at N.
import type { Clock } from './monotonicClock';

const BURST_SECONDS = 0.25;

export class RatePacer {
  private readonly perMs: number;
  private readonly capacity: number;
  private tokens = 1;
  private updatedAt: number;

  constructor(
    readonly ratePerSecond: number,
    private readonly clock: Clock,
  ) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new RangeError(`rate must be a positive number (got ${ratePerSecond})`);
    }
    this.perMs = ratePerSecond / 1000;
    this.capacity = Math.max(1, ratePerSecond * BURST_SECONDS);
    this.updatedAt = clock.now();
  }

  /** Takes up to `wanted` tokens now; returns how many rows may be sent. */
  take(wanted: number): number {
    this.refill();
    const granted = Math.min(wanted, Math.floor(this.tokens));
    this.tokens -= granted;
    return granted;
  }

  /** Milliseconds until the next row may be sent (0 when one may go now). */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : (1 - this.tokens) / this.perMs;
  }

  /** Starts afresh after a pause: no credit for the time spent paused. */
  restart(): void {
    this.tokens = 1;
    this.updatedAt = this.clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.perMs);
    this.updatedAt = now;
  }
}
