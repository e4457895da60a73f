// Coalesces bursts of changes into at most one call per interval (trailing edge), so the
// 'workers' event reaches the renderer at most a few times a second.

export class ChangeThrottle {
  private lastRunAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly run: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Asks for a run: now if the interval has passed, otherwise once when it has. */
  request(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastRunAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastRunAt = this.now();
      this.run();
    }, wait);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
