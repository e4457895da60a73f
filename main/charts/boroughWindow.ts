// The rolling window behind the box plot: the last `size` output rows (borough, temperature),
// oldest first, like the Dash page's "last 1000 messages". Rows with no temperature stay in the
// window but add nothing to their borough's series.
import type { BoxPlotData } from '../api/contract';

export interface WindowRow {
  borough: string;
  temperature: number | null;
}

function asTemperature(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

/** The window row for one output record value (JSON), or null when it names no borough. */
export function windowRowFrom(value: Buffer | string | null): WindowRow | null {
  if (value === null) return null;
  let row: unknown;
  try {
    row = JSON.parse(value.toString());
  } catch {
    return null;
  }
  if (typeof row !== 'object' || row === null) return null;
  const fields = row as Record<string, unknown>;
  const borough = fields['Violation County'];
  if (typeof borough !== 'string' || borough === '') return null;
  return { borough, temperature: asTemperature(fields['Temperature']) };
}

export class BoroughWindow {
  private readonly rows: WindowRow[] = [];
  private next = 0;
  private seen = 0;
  private changes = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`window size ${size} must be a whole number ≥ 1`);
  }

  push(row: WindowRow): void {
    if (this.rows.length < this.size) this.rows.push(row);
    else this.rows[this.next] = row;
    this.next = (this.next + 1) % this.size;
    this.seen += 1;
    this.changes += 1;
  }

  /** grows with every push: equal versions mean nothing changed */
  version(): number {
    return this.changes;
  }

  snapshot(): BoxPlotData {
    const series: Record<string, number[]> = {};
    const full = this.rows.length === this.size;
    for (let i = 0; i < this.rows.length; i += 1) {
      const row = this.rows[full ? (this.next + i) % this.size : i]!;
      const temperatures = (series[row.borough] ??= []);
      if (row.temperature !== null) temperatures.push(row.temperature);
    }
    return { series, windowSize: this.size, rowsSeen: this.seen };
  }
}
