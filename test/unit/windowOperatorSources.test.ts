// Event time kept per input partition: a row is late only against its own input partition's
// stream time, a window closes once the lowest input partition's stream time has passed its end
// plus grace, progress markers move an input partition without rows, and the per-partition times
// survive a restore from the changelog. Every expected figure is worked out by hand beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatchSources, Row, StepCounter } from '../../main/pipelines/pipeline';
import { InputError } from '../../main/shared/errors';
import { createWindowOperator } from '../../main/pipelines/windowOperator';
import { windowStepSchema } from '../../main/pipelines/windowSpec';

function counter(): StepCounter {
  return { step: 1, type: 'window', in: 0, out: 0, dropped: 0, errors: 0, late: 0 };
}

const MINUTE = 60_000;
/** 2016-07-01T00:00:00Z */
const MIDNIGHT = Date.UTC(2016, 6, 1);

/** tumbling 10-minute windows, 5 minutes' grace, count and sum of v, no key */
const spec = windowStepSchema.parse({
  type: 'window',
  time: { field: 'time' },
  size: '10m',
  grace: '5m',
  aggregates: [
    { op: 'count', as: 'rows' },
    { op: 'sum', field: 'v', as: 'sum' },
  ],
});

/** a row at `minute` past midnight from input partition `partition`, whose stream time is `upTo` */
interface Arrival {
  minute: number;
  v: number;
  partition: number;
  upTo: number;
}

function batch(arrivals: Arrival[], progress: [partition: number, minute: number][] = []) {
  const rows: Row[] = arrivals.map(({ minute, v }) => ({
    time: new Date(MIDNIGHT + minute * MINUTE).toISOString(),
    v,
  }));
  const sources: BatchSources = {
    rows: arrivals.map(({ partition, upTo }) => ({
      partition,
      streamTime: MIDNIGHT + upTo * MINUTE,
    })),
    progress: progress.map(([partition, minute]) => ({
      partition,
      streamTime: MIDNIGHT + minute * MINUTE,
    })),
  };
  return { rows, sources };
}

/**
 * Two input partitions, p0 and p1:
 * 1. p0: r1 @1 (p0 at 1), r2 @16 (p0 at 16); p1: r3 @3 (p1 at 3); p0: r4 @4 (p0 still at 16).
 *    Lowest 3. r3 lands in [0,10) although a later row of p0 came first (one stream would have
 *    called it late); r4 is late in p0's own order: 16 ≥ 10 + 5.
 * 2. marker p1 at 20; p1: r5 @12 (p1 at 20): [10,20) needs 25, so r5 lands. Lowest 16 ≥ 15:
 *    [0,10) closes with r1 + r3: 2 rows, sum 1 + 3 = 4.
 * 3. p1: r6 @2 (p1 at 20): late; p0: r7 @30 (p0 at 30). Lowest min(30, 20) = 20 < 25.
 * 4. marker p1 at 26: lowest 26 ≥ 25: [10,20) closes with r2 + r5: 2 rows, sum 2 + 5 = 7.
 */
const BATCHES = [
  batch([
    { minute: 1, v: 1, partition: 0, upTo: 1 },
    { minute: 16, v: 2, partition: 0, upTo: 16 },
    { minute: 3, v: 3, partition: 1, upTo: 3 },
    { minute: 4, v: 4, partition: 0, upTo: 16 },
  ]),
  batch([{ minute: 12, v: 5, partition: 1, upTo: 20 }], [[1, 20]]),
  batch([
    { minute: 2, v: 6, partition: 1, upTo: 20 },
    { minute: 30, v: 7, partition: 0, upTo: 30 },
  ]),
  batch([], [[1, 26]]),
];

const WINDOW_0 = {
  window_start: '2016-07-01T00:00:00.000Z',
  window_end: '2016-07-01T00:10:00.000Z',
  rows: 2,
  sum: 4,
  final: true,
};
const WINDOW_10 = {
  window_start: '2016-07-01T00:10:00.000Z',
  window_end: '2016-07-01T00:20:00.000Z',
  rows: 2,
  sum: 7,
  final: true,
};

test('per input partition: late by its own order, closed by the lowest stream time', () => {
  const operator = createWindowOperator(spec);
  const state = operator.emptyState(2);
  const tally = counter();
  const outcomes = BATCHES.map(({ rows, sources }, index) =>
    operator.process(state, rows, index, tally, sources),
  );
  assert.deepEqual(
    outcomes.map(({ results }) => results),
    [[], [WINDOW_0], [], [WINDOW_10]],
  );
  // 7 rows: r4 and r6 late; 2 results
  assert.deepEqual(
    { in: tally.in, out: tally.out, late: tally.late, errors: tally.errors },
    { in: 7, out: 2, late: 2, errors: 0 },
  );
  // batch 1 writes both partitions' times (p0 at 00:16, p1 at 00:03), in partition order
  const times = (index: number) =>
    outcomes[index]!.changes.filter(([key]) => key.startsWith('stream-time'));
  assert.deepEqual(times(0), [
    ['stream-time 0', String(MIDNIGHT + 16 * MINUTE)],
    ['stream-time 1', String(MIDNIGHT + 3 * MINUTE)],
  ]);
  // batch 3 moves p0 only (p1's row at 00:02 does not move it)
  assert.deepEqual(times(2), [['stream-time 0', String(MIDNIGHT + 30 * MINUTE)]]);
  // [30,40) holding r7 stays open
  assert.equal(state.openWindows, 1);
});

test('the same rows as one stream: r3 is late behind r2, and [0,10) closes at once', () => {
  const operator = createWindowOperator(spec);
  const state = operator.emptyState();
  const tally = counter();
  // stream time 16 after r2 closes [0,10) (16 ≥ 15) with r1 alone; r3 and r4 are late
  const { results } = operator.process(state, BATCHES[0]!.rows, 0, tally);
  assert.deepEqual(results, [{ ...WINDOW_0, rows: 1, sum: 1 }]);
  assert.equal(tally.late, 2);
});

test('an input partition never heard of keeps every window open', () => {
  const operator = createWindowOperator(spec);
  const state = operator.emptyState(3);
  const tally = counter();
  const results = BATCHES.flatMap(
    ({ rows, sources }, index) => operator.process(state, rows, index, tally, sources).results,
  );
  assert.deepEqual(results, []);
  // [0,10), [10,20) and [30,40) are open; only the late rows r4 and r6 were refused
  assert.equal(state.openWindows, 3);
  assert.equal(tally.late, 2);
  const open = operator.openResults(state).map((row) => [row.window_start, row.rows, row.sum]);
  assert.deepEqual(open, [
    ['2016-07-01T00:00:00.000Z', 2, 4],
    ['2016-07-01T00:10:00.000Z', 2, 7],
    ['2016-07-01T00:30:00.000Z', 1, 7],
  ]);
});

test('restored after any batch, the per-partition times carry on exactly', () => {
  for (let stop = 1; stop < BATCHES.length; stop++) {
    const operator = createWindowOperator(spec);
    const live = operator.emptyState(2);
    const tally = counter();
    const entries: [string, string | null][] = [];
    for (const [index, { rows, sources }] of BATCHES.slice(0, stop).entries())
      entries.push(...operator.process(live, rows, index, tally, sources).changes);
    const restored = operator.restore(entries, 2);
    assert.equal(restored.sizeBytes, live.sizeBytes, `bytes after batch ${stop}`);
    const rest = BATCHES.slice(stop).flatMap(
      ({ rows, sources }, index) =>
        operator.process(restored, rows, stop + index, tally, sources).results,
    );
    assert.deepEqual(rest, [WINDOW_0, WINDOW_10].slice(stop === 1 ? 0 : 1), `after ${stop}`);
  }
});

test('a state kept per input partition is not restored as one stream, nor the reverse', () => {
  const operator = createWindowOperator(spec);
  assert.throws(
    () => operator.restore([['stream-time 0', '1467331800000']]),
    (error: unknown) => error instanceof InputError && /"stream-time 0"/.test(error.message),
  );
  assert.throws(
    () => operator.restore([['stream-time', '1467331800000']], 2),
    (error: unknown) => error instanceof InputError && /"stream-time"/.test(error.message),
  );
});

test('a row without its input partition is an error row; a processing-time step ignores sources', () => {
  const operator = createWindowOperator(spec);
  const state = operator.emptyState(1);
  const tally = counter();
  operator.process(state, [{ time: '2016-07-01T00:01:00Z', v: 1 }], 0, tally, {
    rows: [null],
    progress: [],
  });
  assert.deepEqual({ errors: tally.errors, open: state.openWindows }, { errors: 1, open: 0 });

  const processing = createWindowOperator(
    windowStepSchema.parse({
      type: 'window',
      time: 'processing',
      size: '1m',
      aggregates: [{ op: 'count', as: 'rows' }],
    }),
  );
  const clockState = processing.emptyState(4);
  // one stream: the clock at 00:01 closes the window [00:00, 00:01) of the row processed at 00:00:30
  processing.process(clockState, [{}], 30_000, counter());
  const { results } = processing.process(clockState, [], 60_000, counter());
  assert.deepEqual(
    results.map((row) => [row.window_start, row.rows]),
    [['1970-01-01T00:00:00.000Z', 1]],
  );
});

test('eventTime: the time of a row the step aggregates, null for an error row', () => {
  const operator = createWindowOperator(spec);
  assert.equal(operator.eventTime({ time: '2016-07-01T00:10:00Z', v: 1 }), MIDNIGHT + 10 * MINUTE);
  assert.equal(operator.eventTime({ time: '2016-07-01T00:10:00Z', v: 'x' }), null);
  assert.equal(operator.eventTime({ time: 'soon', v: 1 }), null);
});
