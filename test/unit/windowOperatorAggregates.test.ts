// Window aggregates: numpy's linear quantiles for box plots, exact sums whatever the order, and
// which values count as numbers. Every expected figure is worked out by hand beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StepCounter } from '../../main/pipelines/pipeline';
import { addExact, exactTotal } from '../../main/pipelines/exactSum';
import { boxStats, numericValue } from '../../main/pipelines/windowAggregates';
import { windowResultsOf } from '../../main/pipelines/windowOperator';
import { windowStepSchema } from '../../main/pipelines/windowSpec';

function counter(): StepCounter {
  return { step: 1, type: 'window', in: 0, out: 0, dropped: 0, errors: 0, late: 0 };
}

test('quantiles: position (n − 1)·q, interpolated linearly between neighbours', () => {
  // n = 4: positions 0.75, 1.5, 2.25 → 1 + 0.75, 2 + 0.5, 3 + 0.25
  assert.deepEqual(boxStats([1, 2, 3, 4]), { min: 1, q1: 1.75, median: 2.5, q3: 3.25, max: 4 });
  // n = 5: positions 1, 2, 3 fall on values
  assert.deepEqual(boxStats([1, 3, 5, 7, 10]), { min: 1, q1: 3, median: 5, q3: 7, max: 10 });
  // n = 6: positions 1.25 → 10 + 0.25·10; 2.5 → 20 + 0.5·10; 3.75 → 30 + 0.75·10
  assert.deepEqual(boxStats([0, 10, 20, 30, 40, 100]), {
    min: 0,
    q1: 12.5,
    median: 25,
    q3: 37.5,
    max: 100,
  });
  // n = 2, negative: positions 0.25, 0.5, 0.75 between −2 and −1
  assert.deepEqual(boxStats([-2, -1]), { min: -2, q1: -1.75, median: -1.5, q3: -1.25, max: -1 });
  assert.deepEqual(boxStats([5]), { min: 5, q1: 5, median: 5, q3: 5, max: 5 });
  assert.equal(boxStats([]), null);
});

test('a window step computes quantiles over every value of the window, in any arrival order', () => {
  const results = windowResultsOf(
    windowStepSchema.parse({
      type: 'window',
      time: { field: 'time' },
      size: '1h',
      aggregates: [{ op: 'quantiles', field: 't', as: 'box' }],
    }),
    [40, 0, 100, 20, null, 10, 30].map((t) => ({ time: '2016-07-01T00:30:00Z', t })),
    0,
    counter(),
  );
  // [0, 10, 20, 30, 40, 100] as above; the null is ignored
  assert.deepEqual(results[0]!.box, { min: 0, q1: 12.5, median: 25, q3: 37.5, max: 100 });
});

function exactSum(values: number[]): number {
  const partials: number[] = [];
  for (const value of values) addExact(partials, value);
  return exactTotal(partials);
}

test('sums are exact, then rounded once: the order of the values does not matter', () => {
  // ten 0.1s: the doubles' true total is within half an ulp of 1 (a running sum gives 0.9999999999999999)
  assert.equal(exactSum(Array(10).fill(0.1)), 1);
  // 1e16 + 1 is not a double, but the exact total is 1
  assert.equal(exactSum([1e16, 1, -1e16]), 1);
  assert.equal(exactSum([-1e16, 1e16, 1]), 1);
  assert.equal(exactSum([1e100, 1, -1e100, 1e-100, 1e50, -1, -1e50]), 1e-100);
  // 1e16 + 1 + 1e-16 is just above the halfway point 1e16 + 1: rounds up to 1e16 + 2
  assert.equal(exactSum([1e-16, 1, 1e16]), 10000000000000002);
  assert.equal(exactSum([1e16, 1, 1e-16]), 10000000000000002);
  assert.equal(exactSum([]), 0);
});

test('a window step sums and averages exactly', () => {
  const results = windowResultsOf(
    windowStepSchema.parse({
      type: 'window',
      time: { field: 'time' },
      size: '1h',
      aggregates: [
        { op: 'sum', field: 't', as: 'sum' },
        { op: 'mean', field: 't', as: 'mean' },
      ],
    }),
    Array.from({ length: 10 }, () => ({ time: '2016-07-01T00:30:00Z', t: 0.1 })),
    0,
    counter(),
  );
  // total 1 (above), 1 / 10 = 0.1
  assert.equal(results[0]!.sum, 1);
  assert.equal(results[0]!.mean, 0.1);
});

test('numbers and decimal text count as numbers; null and missing as nothing; the rest as errors', () => {
  const cases: [unknown, number | null | undefined][] = [
    [38.5, 38.5],
    ['38.5', 38.5],
    [' 7 ', 7],
    ['-1e3', -1000],
    ['.5', 0.5],
    ['5.', 5],
    ['+2', 2],
    [null, null],
    [undefined, null],
    ['', undefined],
    [' ', undefined],
    ['0x10', undefined],
    ['Infinity', undefined],
    ['NaN', undefined],
    ['1e400', undefined],
    ['warm', undefined],
    [true, undefined],
    [[1], undefined],
    [{}, undefined],
  ];
  for (const [value, expected] of cases) assert.equal(numericValue(value), expected, String(value));
  // −0 is 0: the changelog's JSON could not keep it apart
  assert.ok(Object.is(numericValue(-0), 0));
});
