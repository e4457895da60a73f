// The pipeline's rates: produced rows/s as the producer reports it, consumed and output rows/s
// from the workers' count deltas (per worker too), one point a second at most, restarts counted;
// the lag per partition from end and committed offsets; the rows dropped per transform step from
// committed per-step counts (a real transform's tally, against a hand count).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkerInfo } from '../../main/api/contract';
import { partitionLag } from '../../main/charts/consumerLag';
import { PipelineRatesMeter, workerRates } from '../../main/charts/pipelineRates';
import { compileTransform } from '../../main/pipelines/compileTransform';
import { addTally } from '../../main/pipelines/pipeline';
import { parseTransformSpec } from '../../main/pipelines/transformSpec';

function worker(id: string, rowsIn: number, rowsOut: number): WorkerInfo {
  const base = { pid: 1, port: 6066, dataDir: '/tmp', state: 'running' as const };
  return { ...base, id, rowsIn, rowsOut, restarts: 0, partitions: [] };
}

test('workers: rates from count deltas, per worker and summed; a restart counts from zero', () => {
  const meter = new PipelineRatesMeter();
  assert.equal(meter.workers(0, [worker('w1', 100, 90), worker('w2', 0, 0)]), false, 'baseline');
  assert.equal(meter.workers(500, [worker('w1', 400, 390)]), false, 'under a second');
  // two seconds: w1 +600 in / +500 out, w2 +200 / +200
  assert.equal(meter.workers(2000, [worker('w1', 700, 590), worker('w2', 200, 200)]), true);
  // w1 restarted (its count fell to 50): 50 rows in one second
  assert.equal(meter.workers(3000, [worker('w1', 50, 40), worker('w2', 300, 300)]), true);
  const { throughput, perWorker } = meter.rates();
  assert.deepEqual(throughput[1], { name: 'consumed', t: [2000, 3000], values: [400, 150] });
  assert.deepEqual(throughput[2], { name: 'output', t: [2000, 3000], values: [350, 140] });
  assert.deepEqual(perWorker, [
    { name: 'w1', t: [2000, 3000], values: [300, 50] },
    { name: 'w2', t: [2000, 3000], values: [100, 100] },
  ]);
});

test('a worker scaled away leaves the per-worker series; the others keep theirs', () => {
  const meter = new PipelineRatesMeter();
  meter.workers(0, [worker('w1', 0, 0), worker('w2', 0, 0), worker('w3', 0, 0)]);
  meter.workers(1000, [worker('w1', 10, 10), worker('w2', 20, 20), worker('w3', 30, 30)]);
  assert.deepEqual(
    meter.rates().perWorker.map((series) => series.name),
    ['w1', 'w2', 'w3'],
  );
  meter.workers(2000, [worker('w1', 40, 40)]);
  assert.deepEqual(meter.rates().perWorker, [{ name: 'w1', t: [1000, 2000], values: [10, 30] }]);
});

test('producer: one point a second at most, and only the last keepSeconds', () => {
  const meter = new PipelineRatesMeter(2);
  for (const [at, rate] of [
    [0, 10],
    [400, 11],
    [1000, 12],
    [2000, 13],
    [3500, 14],
  ] as const) {
    meter.producer(at, rate);
  }
  assert.deepEqual(meter.rates().throughput[0], {
    name: 'produced',
    t: [2000, 3500],
    values: [13, 14],
  });
});

test('lag per partition: end offset minus the committed one, or minus the start when none is', () => {
  const lags = partitionLag(
    [
      { partition: 1, high: '120', low: '0' },
      { partition: 0, high: '100', low: '0' },
      { partition: 2, high: '50', low: '20' },
    ],
    [
      { partition: 0, offset: '60' },
      { partition: 1, offset: '120' },
      { partition: 2, offset: '-1' },
    ],
  );
  assert.deepEqual(lags, [
    { partition: 0, lag: 40 },
    { partition: 1, lag: 0 },
    { partition: 2, lag: 30 },
  ]);
  const meter = new PipelineRatesMeter();
  assert.equal(meter.lag(1000, lags), true);
  assert.equal(meter.lag(1500, lags), false, 'under a second');
  assert.deepEqual(
    meter.rates().lag.map((series) => [series.name, series.values]),
    [
      ['p0', [40]],
      ['p1', [0]],
      ['p2', [30]],
    ],
  );
});

test("worker table: a worker's latest rate and the lag of the partitions it holds, added up", () => {
  const rates = {
    throughput: [],
    perWorker: [
      { name: 'w1', t: [1000, 2000], values: [300, 250] },
      { name: 'w2', t: [], values: [] },
    ],
    lag: [
      { name: 'p0', t: [1000, 3000], values: [40, 10] },
      { name: 'p1', t: [1000], values: [7] },
      { name: 'p2', t: [1000], values: [5] },
    ],
  };
  const w1 = { ...worker('w1', 10, 10), partitions: [0, 1] };
  const w2 = { ...worker('w2', 0, 0), partitions: [2, 3] };
  const w3 = { ...worker('w3', 5, 5), state: 'exited' as const, partitions: [] };
  const w4 = { ...worker('w4', 0, 0), partitions: [9] };
  assert.deepEqual(
    workerRates(rates, [w1, w2, w3, w4]),
    new Map([
      ['w1', { rowsPerSecond: 250, lag: 17 }], // 10 (p0's latest) + 7
      ['w2', { rowsPerSecond: null, lag: 5 }], // p3 not read yet
      ['w3', { rowsPerSecond: null, lag: null }], // not running: nothing stale
      ['w4', { rowsPerSecond: null, lag: null }],
    ]),
  );
});

test('dropped per step: a bar per step, named as errors name it, from the committed tally', () => {
  const transform = compileTransform(
    parseTransformSpec({
      steps: [
        { type: 'cast', field: 'km', to: 'number' },
        { type: 'filter', where: { field: 'km', op: 'gt', value: 5 } },
        { type: 'derive', field: 'fare', expr: 'km * 2' },
      ],
    }),
  );
  // two batches, as two workers' transactions add up: km 1..10 and three that are not numbers
  const batches = [
    [1, 2, 3, 4, 5, 'x'].map((km) => ({ km })),
    [6, 7, 8, 9, 10, 'y', 'z'].map((km) => ({ km })),
  ];
  const committed = transform.newTally();
  for (const rows of batches) {
    const tally = transform.newTally();
    transform.head.run(rows, tally);
    addTally(committed, tally);
  }
  const meter = new PipelineRatesMeter();
  assert.deepEqual(meter.rates().droppedPerStep, [], 'nothing before the first counts');
  assert.equal(meter.steps(committed), true);
  // hand count: 3 texts fail the cast; of km 1..10, 1..5 are not above 5; nothing else drops
  assert.deepEqual(meter.rates().droppedPerStep, [
    { name: 'step 1 (cast)', dropped: 0, errors: 3 },
    { name: 'step 2 (filter)', dropped: 5, errors: 0 },
    { name: 'step 3 (derive)', dropped: 0, errors: 0 },
  ]);
  assert.equal(meter.steps(committed), false, 'the same counts again change nothing');
});
