// One chart as the feed keeps it: its spec, a rolling window of the fields it uses from each
// output row, and the figure computed from that window on demand (box statistics, bins, bar
// values or downsampled points), plus the window as CSV for export.
import { Aggregator, boxStats, downsampleIndices, histogram } from './chartAggregates';
import type { BoxStats, ChartData, ChartFigure, PointSeries } from './chartData';
import type { ChartSpec } from './chartSpec';
import { categoryValue, isTimeText, numberValue, timeValue } from './fieldValues';
import { RollingRows } from './rollingRows';

/** The raw values of a chart's fields in one row. */
interface Picked {
  x: unknown;
  y: unknown;
  group: unknown;
}

const DEFAULT_BINS = 20;
const DEFAULT_MAX_POINTS = 1000;
/** window charts read results against this field unless x names another */
export const WINDOW_START_FIELD = 'window_start';
/** the CSV column of a line chart over arrival time */
const ARRIVAL_COLUMN = 'arrival_time';

const byLabel = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export class LiveChart {
  private readonly rows: RollingRows<Picked>;
  private seen = 0;

  constructor(readonly spec: ChartSpec) {
    this.rows = new RollingRows(spec.window);
  }

  /** The x field, with window charts defaulting to window_start. */
  get xField(): string | undefined {
    return this.spec.x ?? (this.spec.type === 'window' ? WINDOW_START_FIELD : undefined);
  }

  push(row: Record<string, unknown>, arrivedAt: number): void {
    const { y, group } = this.spec;
    const x = this.xField;
    this.rows.push(
      {
        x: x === undefined ? undefined : row[x],
        y: y === undefined ? undefined : row[y],
        group: group === undefined ? undefined : row[group],
      },
      arrivedAt,
    );
    this.seen += 1;
  }

  /** Counts rows the feed skipped to catch up: seen, though never in the window. */
  skip(rows: number): void {
    this.seen += rows;
  }

  /** Lets a time window expire rows as of `now`; true when it changed. */
  expire(now: number): boolean {
    return this.rows.expire(now);
  }

  version(): number {
    return this.rows.version();
  }

  data(): ChartData {
    const { figure, used } = this.figure();
    return {
      figure,
      windowRows: this.rows.length,
      rowsSeen: this.seen,
      skipped: this.rows.length - used,
    };
  }

  /** The window's rows, one column per field of the chart, header first. */
  csv(): string {
    const columns: { name: string; cell: (row: Picked, at: number) => string }[] = [];
    const x = this.xField;
    if (x !== undefined) columns.push({ name: x, cell: (row) => csvCell(row.x) });
    else if (this.spec.type === 'line') {
      columns.push({ name: ARRIVAL_COLUMN, cell: (_row, at) => new Date(at).toISOString() });
    }
    const { y, group } = this.spec;
    if (y !== undefined && y !== x) columns.push({ name: y, cell: (row) => csvCell(row.y) });
    if (group !== undefined && group !== x && group !== y) {
      columns.push({ name: group, cell: (row) => csvCell(row.group) });
    }
    const lines = [columns.map((column) => csvCell(column.name)).join(',')];
    for (const [row, at] of this.rows.entries()) {
      lines.push(columns.map((column) => column.cell(row, at)).join(','));
    }
    return lines.join('\n') + '\n';
  }

  private seriesName(row: Picked): string {
    return this.spec.group === undefined
      ? (this.spec.y ?? this.spec.x ?? '')
      : categoryValue(row.group);
  }

  private figure(): { figure: ChartFigure; used: number } {
    switch (this.spec.type) {
      case 'box':
        return this.boxFigure();
      case 'histogram':
        return this.histogramFigure();
      case 'bar':
        return this.barFigure();
      default:
        return this.pointFigure();
    }
  }

  private boxFigure(): { figure: ChartFigure; used: number } {
    const groups = new Map<string, { category: string; group?: string; values: number[] }>();
    let used = 0;
    for (const [row] of this.rows.entries()) {
      const value = numberValue(row.y);
      if (value === null) continue;
      used += 1;
      const category = this.spec.x === undefined ? (this.spec.y ?? '') : categoryValue(row.x);
      const group = this.spec.group === undefined ? undefined : categoryValue(row.group);
      const key = group === undefined ? category : `${category}\u0000${group}`;
      let entry = groups.get(key);
      if (!entry) groups.set(key, (entry = { category, group, values: [] }));
      entry.values.push(value);
    }
    const boxes: BoxStats[] = [];
    const ordered = [...groups.values()].sort(
      (a, b) => byLabel(a.category, b.category) || byLabel(a.group ?? '', b.group ?? ''),
    );
    for (const { category, group, values } of ordered) {
      const stats = boxStats(category, values);
      if (stats) boxes.push(group === undefined ? stats : { ...stats, group });
    }
    return { figure: { type: 'box', boxes }, used };
  }

  private histogramFigure(): { figure: ChartFigure; used: number } {
    const series = new Map<string, number[]>();
    let used = 0;
    for (const [row] of this.rows.entries()) {
      const value = numberValue(row.x);
      if (value === null) continue;
      used += 1;
      const name = this.seriesName(row);
      let values = series.get(name);
      if (!values) series.set(name, (values = []));
      values.push(value);
    }
    const named = [...series.entries()]
      .sort(([a], [b]) => byLabel(a, b))
      .map(([name, values]) => ({ name, values }));
    const bins = histogram(named, this.spec.bins ?? DEFAULT_BINS);
    return { figure: { type: 'histogram', ...bins }, used };
  }

  private barFigure(): { figure: ChartFigure; used: number } {
    const op = this.spec.aggregate ?? 'count';
    const cells = new Map<string, Map<string, Aggregator>>();
    const categories = new Set<string>();
    let used = 0;
    for (const [row] of this.rows.entries()) {
      const value = op === 'count' ? null : numberValue(row.y);
      if (op !== 'count' && value === null) continue;
      used += 1;
      const category = categoryValue(row.x);
      categories.add(category);
      const name = this.spec.group === undefined ? op : categoryValue(row.group);
      let series = cells.get(name);
      if (!series) cells.set(name, (series = new Map()));
      let cell = series.get(category);
      if (!cell) series.set(category, (cell = new Aggregator(op)));
      cell.add(value);
    }
    const ordered = [...categories].sort(byLabel);
    const series = [...cells.entries()]
      .sort(([a], [b]) => byLabel(a, b))
      .map(([name, byCategory]) => ({
        name,
        values: ordered.map((category) => byCategory.get(category)?.result() ?? null),
      }));
    return { figure: { type: 'bar', categories: ordered, series }, used };
  }

  /** scatter, line and window charts */
  private pointFigure(): { figure: ChartFigure; used: number } {
    const type = this.spec.type as 'scatter' | 'line' | 'window';
    const overArrival = type === 'line' && this.spec.x === undefined;
    let xTime = overArrival || type === 'window';
    const points = new Map<string, [number, number][]>();
    let used = 0;
    for (const [row, at] of this.rows.entries()) {
      const y = numberValue(row.y);
      let x: number | null;
      if (overArrival) x = at;
      else if (type === 'scatter') x = numberValue(row.x);
      else if (typeof row.x === 'string' && isTimeText(row.x)) {
        x = timeValue(row.x);
        xTime = true;
      } else x = numberValue(row.x);
      if (x === null || y === null) continue;
      used += 1;
      const name = this.seriesName(row);
      let list = points.get(name);
      if (!list) points.set(name, (list = []));
      list.push([x, y]);
    }
    const maxPoints = this.spec.maxPoints ?? DEFAULT_MAX_POINTS;
    const series: PointSeries[] = [...points.entries()]
      .sort(([a], [b]) => byLabel(a, b))
      .map(([name, list]) => {
        // window results: the latest result per window start wins (updates, then the final one)
        const ordered = type === 'window' ? latestPerX(list) : list;
        if (type !== 'scatter') ordered.sort((a, b) => a[0] - b[0]);
        const keep = downsampleIndices(ordered.length, maxPoints);
        return {
          name,
          x: keep.map((i) => ordered[i]![0]),
          y: keep.map((i) => ordered[i]![1]),
        };
      });
    return { figure: { type, xTime, series }, used };
  }
}

function latestPerX(points: [number, number][]): [number, number][] {
  const latest = new Map<number, [number, number]>();
  for (const point of points) latest.set(point[0], point);
  return [...latest.values()];
}
