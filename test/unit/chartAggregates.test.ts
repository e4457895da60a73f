// The chart arithmetic against hand-computed values: quartiles by linear interpolation, Tukey
// whiskers at 1.5 IQR, equal-width bins, bar aggregates and evenly spaced downsampling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Aggregator,
  binEdges,
  boxStats,
  downsampleIndices,
  histogram,
  quantile,
} from '../../main/charts/chartAggregates';

test('quartiles interpolate linearly between closest ranks', () => {
  // n = 6: q1 at rank 1.25 = 15 + 0.25·21, median at 2.5, q3 at 3.75 (numpy's default method)
  const sorted = [7, 15, 36, 39, 40, 41];
  assert.equal(quantile(sorted, 0.25), 20.25);
  assert.equal(quantile(sorted, 0.5), 37.5);
  assert.equal(quantile(sorted, 0.75), 39.75);
  assert.equal(quantile([4], 0.75), 4);
});

test('box statistics: whiskers stop at the last values within 1.5 IQR, the rest are outliers', () => {
  // q1 3.5, median 6, q3 8.5, IQR 5: fences at −4 and 16, so 100 is an outlier
  const stats = boxStats('Queens', [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 100]);
  assert.deepEqual(stats, {
    name: 'Queens',
    count: 11,
    mean: 155 / 11,
    min: 1,
    q1: 3.5,
    median: 6,
    q3: 8.5,
    max: 100,
    lowerWhisker: 1,
    upperWhisker: 10,
    outliers: 1,
  });
  // q1 10, q3 12, IQR 2: the low fence is 7, so −50 is out and the lower whisker is 10
  const low = boxStats('Bronx', [12, -50, 11, 13, 10])!;
  assert.deepEqual(
    [low.q1, low.median, low.q3, low.lowerWhisker, low.upperWhisker, low.outliers],
    [10, 11, 12, 10, 13, 1],
  );
  // values exactly on the fences (q1 3.5, q3 8.5: −4 and 16) are inside: whiskers reach them
  const edges = boxStats('Brooklyn', [16, 2, 3, 4, 5, 6, 7, 8, 9, 10, -4])!;
  assert.deepEqual(
    [edges.q1, edges.q3, edges.lowerWhisker, edges.upperWhisker, edges.outliers],
    [3.5, 8.5, -4, 16, 0],
  );
  assert.equal(boxStats('none', []), null);
});

test('histogram bins are equal width, the last one closed at the maximum', () => {
  assert.deepEqual(binEdges(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  const result = histogram([{ name: 'v', values: [0, 1, 2, 3, 4, 10] }], 5);
  assert.deepEqual(result.series, [{ name: 'v', counts: [2, 2, 1, 0, 1] }]);
  // two series share one set of edges spanning both
  const shared = histogram(
    [
      { name: 'a', values: [0, 1] },
      { name: 'b', values: [3, 4] },
    ],
    2,
  );
  assert.deepEqual(shared.edges, [0, 2, 4]);
  assert.deepEqual(
    shared.series.map((s) => s.counts),
    [
      [2, 0],
      [0, 2],
    ],
  );
});

test('a single distinct value gets one bin one unit wide', () => {
  assert.deepEqual(histogram([{ name: 'v', values: [3, 3] }], 10), {
    edges: [2.5, 3.5],
    series: [{ name: 'v', counts: [2] }],
  });
  assert.deepEqual(histogram([{ name: 'v', values: [] }], 10), { edges: [], series: [] });
});

test('bar aggregates: count counts rows, the others skip missing values', () => {
  const run = (op: 'count' | 'sum' | 'mean' | 'min' | 'max', values: (number | null)[]) => {
    const aggregator = new Aggregator(op);
    for (const value of values) aggregator.add(value);
    return aggregator.result();
  };
  const values = [2, null, 4, -1];
  assert.equal(run('count', values), 4);
  assert.equal(run('sum', values), 5);
  assert.equal(run('mean', values), 5 / 3);
  assert.equal(run('min', values), -1);
  assert.equal(run('max', values), 4);
  assert.equal(run('mean', [null]), null);
  assert.equal(run('count', []), 0);
});

test('downsampling keeps evenly spaced points, the first and the last included', () => {
  assert.deepEqual(downsampleIndices(10, 4), [0, 3, 6, 9]);
  assert.deepEqual(downsampleIndices(7, 3), [0, 3, 6]);
  assert.deepEqual(downsampleIndices(3, 10), [0, 1, 2]);
});
