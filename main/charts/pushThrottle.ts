// Decides when the chart feed pushes: at most maxPerSecond times a second, and only when the
// window changed since the last push. Pure: the caller passes the clock and the window version.

export class PushThrottle {
  readonly minIntervalMs: number;
  private lastPushAt = -Infinity;
  private pushedVersion: number | null = null;

  constructor(maxPerSecond: number) {
    if (!(maxPerSecond > 0))
      throw new RangeError(`maxPushesPerSecond ${maxPerSecond} must be above 0`);
    this.minIntervalMs = 1000 / maxPerSecond;
  }

  /** Milliseconds until the next push may happen, or null when there is nothing new to push. */
  delayBeforePush(now: number, version: number): number | null {
    if (version === this.pushedVersion) return null;
    return Math.max(0, this.lastPushAt + this.minIntervalMs - now);
  }

  markPushed(now: number, version: number): void {
    this.lastPushAt = now;
    this.pushedVersion = version;
  }
}
