// Coalesces bursts of requests into at most one run per interval, on the trailing edge: a
// request runs now when the interval has passed, otherwise once when it has, with whatever
// the caller holds by then. flush() runs a waiting request at once; cancel() drops it.

export class TrailingThrottle {
  private lastRunAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly run: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Asks for a run: now if the interval has passed, otherwise once when it has. */
  request(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastRunAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.runNow(), wait);
  }

  /** Runs a requested run now instead of when its interval ends; nothing when none waits. */
  flush(): void {
    if (this.timer) this.runNow();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private runNow(): void {
    this.cancel();
    this.lastRunAt = this.now();
    this.run();
  }
}
