// A chart's rolling window: the last N rows, or the rows that arrived in the last T seconds
// (at most MAX_WINDOW_ROWS of them), oldest first. A version number grows with every change, so
// the feed can tell whether there is anything new to push.
import { MAX_WINDOW_ROWS, type ChartWindow } from './chartSpec';

export class RollingRows<T> {
  private items: T[] = [];
  private arrivals: number[] = [];
  private head = 0;
  private changes = 0;
  private readonly maxRows: number;
  private readonly maxAgeMs: number | null;

  constructor(window: ChartWindow) {
    this.maxRows = 'rows' in window ? window.rows : MAX_WINDOW_ROWS;
    this.maxAgeMs = 'seconds' in window ? window.seconds * 1000 : null;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** grows with every change: equal versions mean the window is the same */
  version(): number {
    return this.changes;
  }

  push(item: T, arrivedAt: number): void {
    this.items.push(item);
    this.arrivals.push(arrivedAt);
    this.changes += 1;
    if (this.length > this.maxRows) this.head += 1;
    this.expire(arrivedAt);
    this.compact();
  }

  /** Drops rows older than the time window as of `now`; true when any left. */
  expire(now: number): boolean {
    if (this.maxAgeMs === null) return false;
    const oldest = now - this.maxAgeMs;
    const before = this.head;
    while (this.head < this.items.length && this.arrivals[this.head]! < oldest) this.head += 1;
    if (this.head === before) return false;
    this.changes += 1;
    this.compact();
    return true;
  }

  /** The rows oldest first, with their arrival times. */
  *entries(): IterableIterator<[item: T, arrivedAt: number]> {
    for (let i = this.head; i < this.items.length; i += 1)
      yield [this.items[i]!, this.arrivals[i]!];
  }

  private compact(): void {
    if (this.head < 1024 || this.head * 2 < this.items.length) return;
    this.items = this.items.slice(this.head);
    this.arrivals = this.arrivals.slice(this.head);
    this.head = 0;
  }
}
