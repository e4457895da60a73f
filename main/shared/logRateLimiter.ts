// Keeps a repeated log line to one per key per interval (the dashboard's refused connections:
// one line per source a minute, not one per attempt). The line that gets through says how many
// were held back since the last one. The clock is handed in, so tests move time by hand.

export class LogRateLimiter {
  private readonly lastLogged = new Map<string, { at: number; heldBack: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** null: stay quiet this time; else how many lines for `key` were held back before this one. */
  admit(key: string): number | null {
    const now = this.now();
    const last = this.lastLogged.get(key);
    if (last && now - last.at < this.intervalMs) {
      last.heldBack += 1;
      return null;
    }
    this.forgetOlderThan(now - this.intervalMs);
    this.lastLogged.set(key, { at: now, heldBack: 0 });
    return last?.heldBack ?? 0;
  }

  /** Keys not logged for a whole interval are dropped: many sources cannot grow the map. */
  private forgetOlderThan(time: number): void {
    for (const [key, entry] of this.lastLogged) {
      if (entry.at <= time) this.lastLogged.delete(key);
    }
  }
}
