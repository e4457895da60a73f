// The aggregates of a window step. Each keeps its state as plain JSON, so a window's state is
// written to the changelog as it is: count a number, sum its exact partials, mean [count,
// partials], min / max a number or null, quantiles every value (sorted when written).
import { addExact, exactTotal } from './exactSum';
import type { Row } from './pipeline';
import type { WindowAggregateSpec } from './windowSpec';

/** An aggregate's state in a window: JSON as written to the changelog. */
export type AggregateState = number | null | number[] | [count: number, partials: number[]];

/** Box-plot figures of a window's values, numpy's default (linear) quantiles. */
export interface BoxStats {
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

export interface Aggregator {
  /** the result field */
  readonly as: string;
  /**
   * What the row adds: a number (1 for a counted row), null when it adds nothing (a null or
   * missing value), undefined when the value cannot be aggregated (the row is an error).
   */
  read(row: Row): number | null | undefined;
  empty(): AggregateState;
  add(state: AggregateState, value: number): AggregateState;
  result(state: AggregateState): unknown;
  /** the state in canonical form, ready to be written */
  canonical(state: AggregateState): AggregateState;
  /** true when `json` (read back from a changelog) is a state of this aggregate */
  accepts(json: unknown): json is AggregateState;
}

const NUMERIC_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * A value's number: numbers as they are, decimal text ("38.5", "-1e3", as 64-bit integers and
 * decimals may arrive) as its number; null for null or missing; undefined for anything else
 * (text that is not a number, booleans, objects).
 */
export function numericValue(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  const number =
    typeof value === 'number' || (typeof value === 'string' && NUMERIC_TEXT.test(value))
      ? Number(value)
      : NaN;
  // −0 becomes 0: the changelog's JSON cannot tell them apart
  return Number.isFinite(number) ? number + 0 : undefined;
}

/**
 * The q-quantile of ascending values with numpy's default (linear) rule: the value at
 * position (n − 1)·q, interpolated between its neighbours as numpy's _lerp does.
 */
export function linearQuantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const t = position - below;
  const a = sorted[below]!;
  if (t === 0) return a;
  const b = sorted[below + 1]!;
  const difference = b - a;
  return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;
}

export function boxStats(sorted: readonly number[]): BoxStats | null {
  if (sorted.length === 0) return null;
  return {
    min: sorted[0]!,
    q1: linearQuantile(sorted, 0.25),
    median: linearQuantile(sorted, 0.5),
    q3: linearQuantile(sorted, 0.75),
    max: sorted[sorted.length - 1]!,
  };
}

const ascending = (a: number, b: number) => a - b;

function isNumberArray(json: unknown): json is number[] {
  return Array.isArray(json) && json.every((item) => typeof item === 'number');
}

function isCount(json: unknown): json is number {
  return typeof json === 'number' && Number.isInteger(json) && json >= 0;
}

export function createAggregator(spec: WindowAggregateSpec): Aggregator {
  const { field, as } = spec;
  const readNumber = (row: Row) => numericValue(row[field!]);
  const same = (state: AggregateState) => state;
  switch (spec.op) {
    case 'count':
      return {
        as,
        read:
          field === undefined
            ? () => 1
            : (row) => (row[field] === null || row[field] === undefined ? null : 1),
        empty: () => 0,
        add: (state) => (state as number) + 1,
        result: (state) => state,
        canonical: same,
        accepts: isCount,
      };
    case 'sum':
      return {
        as,
        read: readNumber,
        empty: () => [],
        add: (state, value) => {
          addExact(state as number[], value);
          return state;
        },
        result: (state) => exactTotal(state as number[]),
        canonical: same,
        accepts: isNumberArray,
      };
    case 'mean':
      return {
        as,
        read: readNumber,
        empty: () => [0, []],
        add: (state, value) => {
          const mean = state as [number, number[]];
          mean[0] += 1;
          addExact(mean[1], value);
          return mean;
        },
        result: (state) => {
          const [count, partials] = state as [number, number[]];
          return count === 0 ? null : exactTotal(partials) / count;
        },
        canonical: same,
        accepts: (json): json is [number, number[]] =>
          Array.isArray(json) && json.length === 2 && isCount(json[0]) && isNumberArray(json[1]),
      };
    case 'min':
    case 'max': {
      const better =
        spec.op === 'min' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
      return {
        as,
        read: readNumber,
        empty: () => null,
        add: (state, value) => (state === null || better(value, state as number) ? value : state),
        result: (state) => state,
        canonical: same,
        accepts: (json): json is number | null => json === null || typeof json === 'number',
      };
    }
    case 'quantiles':
      return {
        as,
        read: readNumber,
        empty: () => [],
        add: (state, value) => {
          (state as number[]).push(value);
          return state;
        },
        result: (state) => boxStats((state as number[]).sort(ascending)),
        canonical: (state) => (state as number[]).sort(ascending),
        accepts: isNumberArray,
      };
  }
}
