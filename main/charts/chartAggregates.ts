// The arithmetic behind the charts, pure and small: quartiles and Tukey whiskers for box plots,
// equal-width bins for histograms, count / sum / mean / min / max for bars, and the downsampling
// that keeps scatter and line charts at a drawable number of points.
import type { BoxStats } from './chartData';
import type { ChartAggregate } from './chartSpec';

/** The p-quantile (0..1) of ascending values by linear interpolation between closest ranks. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  const position = (sorted.length - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower]!;
  return low + (sorted[upper]! - low) * (position - lower);
}

/** Box statistics of one group's values (any order); null when there are none. */
export function boxStats(name: string, values: readonly number[]): BoxStats | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  const q1 = quantile(list, 0.25);
  const q3 = quantile(list, 0.75);
  const reach = 1.5 * (q3 - q1);
  const lowFence = q1 - reach;
  const highFence = q3 + reach;
  let lowerWhisker = q1;
  let upperWhisker = q3;
  let outliers = 0;
  let sum = 0;
  for (const value of list) {
    sum += value;
    if (value < lowFence || value > highFence) outliers += 1;
  }
  for (const value of list) {
    if (value >= lowFence) {
      lowerWhisker = value;
      break;
    }
  }
  for (let i = list.length - 1; i >= 0; i -= 1) {
    if (list[i]! <= highFence) {
      upperWhisker = list[i]!;
      break;
    }
  }
  return {
    name,
    count: list.length,
    mean: sum / list.length,
    min: list[0]!,
    q1,
    median: quantile(list, 0.5),
    q3,
    max: list[list.length - 1]!,
    lowerWhisker,
    upperWhisker,
    outliers,
  };
}

/**
 * Equal-width bin edges over [min, max]: bins + 1 numbers. A single distinct value gets one bin
 * one unit wide, centred on it.
 */
export function binEdges(min: number, max: number, bins: number): number[] {
  if (min === max) return [min - 0.5, min + 0.5];
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins }, (_, i) => min + i * width);
  edges.push(max);
  return edges;
}

/** The bin a value falls in: [edge i, edge i+1), the last bin closed at the top. */
export function binIndex(value: number, edges: readonly number[]): number {
  const bins = edges.length - 1;
  const min = edges[0]!;
  const max = edges[bins]!;
  const index = Math.floor(((value - min) / (max - min)) * bins);
  return Math.min(Math.max(index, 0), bins - 1);
}

/** Counts per bin of each series' values, over edges spanning all of them. */
export function histogram(
  series: readonly { name: string; values: readonly number[] }[],
  bins: number,
): { edges: number[]; series: { name: string; counts: number[] }[] } {
  let min = Infinity;
  let max = -Infinity;
  for (const { values } of series) {
    for (const value of values) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  if (min > max) return { edges: [], series: [] };
  const edges = binEdges(min, max, bins);
  return {
    edges,
    series: series.map(({ name, values }) => {
      const counts = new Array<number>(edges.length - 1).fill(0);
      for (const value of values) counts[binIndex(value, edges)]! += 1;
      return { name, counts };
    }),
  };
}

/** Folds values one at a time into count, sum, mean, min or max. */
export class Aggregator {
  private count = 0;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;

  constructor(readonly op: ChartAggregate) {}

  /** a row of the category; its value is ignored by count, and null adds nothing to the others */
  add(value: number | null): void {
    if (this.op === 'count') {
      this.count += 1;
      return;
    }
    if (value === null) return;
    this.count += 1;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** null when no value was added (count: 0) */
  result(): number | null {
    if (this.op === 'count') return this.count;
    if (this.count === 0) return null;
    switch (this.op) {
      case 'sum':
        return this.sum;
      case 'mean':
        return this.sum / this.count;
      case 'min':
        return this.min;
      case 'max':
        return this.max;
    }
  }
}

/**
 * Which of `length` points to keep so that at most `max` remain: evenly spaced indices that
 * always include the first and the last point.
 */
export function downsampleIndices(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  if (max < 2) throw new RangeError(`maxPoints ${max} must be at least 2`);
  return Array.from({ length: max }, (_, i) => Math.round((i * (length - 1)) / (max - 1)));
}
