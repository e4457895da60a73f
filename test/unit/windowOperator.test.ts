// The window operator: tumbling and hopping windows per key, stream time, grace and late rows,
// emit close vs update, processing time, error rows, keys with nulls and its changelog entries.
// Every expected figure is worked out by hand in the comment beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row, StepCounter } from '../../main/pipelines/pipeline';
import { InputError } from '../../main/shared/errors';
import {
  createWindowOperator,
  latestWindowResults,
  windowResultsOf,
} from '../../main/pipelines/windowOperator';
import { windowStepSchema } from '../../main/pipelines/windowSpec';

function counter(): StepCounter {
  return { step: 1, type: 'window', in: 0, out: 0, dropped: 0, errors: 0, late: 0 };
}

function step(fields: Record<string, unknown>) {
  return windowStepSchema.parse({ type: 'window', time: { field: 'time' }, ...fields });
}

/** a row at minute:second past midnight of 2016-07-01 UTC */
function at(clock: string, fields: Row = {}): Row {
  return { time: `2016-07-01T00:${clock}Z`, ...fields };
}

test('tumbling windows: a row at the end instant belongs to the next window; all plain aggregates', () => {
  const operator = createWindowOperator(
    step({
      size: '10m',
      key: ['borough'],
      aggregates: [
        { op: 'count', as: 'rows' },
        { op: 'sum', field: 't', as: 'sum' },
        { op: 'mean', field: 't', as: 'mean' },
        { op: 'min', field: 't', as: 'min' },
        { op: 'max', field: 't', as: 'max' },
      ],
    }),
  );
  const state = operator.emptyState();
  const tally = counter();
  const { results, changes } = operator.process(
    state,
    [
      at('00:00', { borough: 'Bronx', t: 1 }),
      at('09:59.999', { borough: 'Bronx', t: 4 }),
      at('05:00', { borough: 'Queens', t: 10 }),
      // 00:10:00 starts the next window and moves stream time to its start, closing 00:00–00:10
      at('10:00', { borough: 'Bronx', t: 7 }),
    ],
    0,
    tally,
  );
  // Bronx 00:00: 1 and 4 → count 2, sum 5, mean 2.5, min 1, max 4; Queens: 10 alone
  assert.deepEqual(results, [
    {
      window_start: '2016-07-01T00:00:00.000Z',
      window_end: '2016-07-01T00:10:00.000Z',
      borough: 'Bronx',
      rows: 2,
      sum: 5,
      mean: 2.5,
      min: 1,
      max: 4,
      final: true,
    },
    {
      window_start: '2016-07-01T00:00:00.000Z',
      window_end: '2016-07-01T00:10:00.000Z',
      borough: 'Queens',
      rows: 1,
      sum: 10,
      mean: 10,
      min: 10,
      max: 10,
      final: true,
    },
  ]);
  // the closed windows were born and closed in this batch: no entries for them; 2016-07-01 is
  // day 16983 of the epoch, 16983 × 86400 s = 1467331200 s, and 00:10 is 600 s later
  const windowKey = '2016-07-01T00:10:00.000Z ["Bronx"]';
  const windowValue = '{"start":1467331800000,"key":["Bronx"],"state":[1,[7],[1,[7]],7,7]}';
  assert.deepEqual(changes, [
    [windowKey, windowValue],
    ['stream-time', '1467331800000'],
  ]);
  assert.equal(state.openWindows, 1);
  assert.equal(
    state.sizeBytes,
    windowKey.length + windowValue.length + 'stream-time'.length + '1467331800000'.length,
  );
  assert.deepEqual(tally, { ...counter(), in: 4, out: 2 });
});

test('hopping windows: a row lands in every window that holds it; late only when all are closed', () => {
  const operator = createWindowOperator(
    step({ size: '10m', hop: '5m', aggregates: [{ op: 'count', as: 'rows' }] }),
  );
  const state = operator.emptyState();
  const tally = counter();
  const { results } = operator.process(
    state,
    [
      at('00:00'), // [23:55, 00:05) and [00:00, 00:10)
      at('07:00'), // [00:00, 00:10) and [00:05, 00:15); stream time 00:07 closes [23:55, 00:05)
      at('04:00'), // [23:55, 00:05) closed, [00:00, 00:10) open: counts there only
      at('12:00'), // [00:05, 00:15) and [00:10, 00:20); stream time 00:12 closes [00:00, 00:10)
      at('09:00'), // [00:00, 00:10) closed, [00:05, 00:15) open
      at('03:00'), // [23:55, 00:05) and [00:00, 00:10) both closed: late
    ],
    0,
    tally,
  );
  // [23:55, 00:05): 00:00 → 1; [00:00, 00:10): 00:00, 00:07, 00:04 → 3
  assert.deepEqual(results, [
    {
      window_start: '2016-06-30T23:55:00.000Z',
      window_end: '2016-07-01T00:05:00.000Z',
      rows: 1,
      final: true,
    },
    {
      window_start: '2016-07-01T00:00:00.000Z',
      window_end: '2016-07-01T00:10:00.000Z',
      rows: 3,
      final: true,
    },
  ]);
  // still open: [00:05, 00:15) has 00:07, 00:12, 00:09; [00:10, 00:20) has 00:12
  assert.deepEqual(operator.openResults(state), [
    {
      window_start: '2016-07-01T00:05:00.000Z',
      window_end: '2016-07-01T00:15:00.000Z',
      rows: 3,
      final: false,
    },
    {
      window_start: '2016-07-01T00:10:00.000Z',
      window_end: '2016-07-01T00:20:00.000Z',
      rows: 1,
      final: false,
    },
  ]);
  assert.equal(state.openWindows, 2);
  assert.deepEqual(tally, { ...counter(), in: 6, out: 2, late: 1 });
});

test('grace keeps a window open after its end; rows later than that are late, in any batching', () => {
  const spec = step({ size: '10m', grace: '5m', aggregates: [{ op: 'count', as: 'rows' }] });
  const rows = [
    at('01:00'),
    at('12:00'), // stream time 00:12 < 00:10 + 5m: [00:00, 00:10) still open
    at('03:00'), // counts into [00:00, 00:10)
    at('15:00'), // stream time 00:15 ≥ 00:15: [00:00, 00:10) closes
    at('04:00'), // late
  ];
  for (const batches of [[rows], rows.map((row) => [row])]) {
    const operator = createWindowOperator(spec);
    const state = operator.emptyState();
    const tally = counter();
    const results = batches.flatMap((batch) => operator.process(state, batch, 0, tally).results);
    // 00:01 and 00:03 → 2
    assert.deepEqual(results, [
      {
        window_start: '2016-07-01T00:00:00.000Z',
        window_end: '2016-07-01T00:10:00.000Z',
        rows: 2,
        final: true,
      },
    ]);
    assert.deepEqual(tally, { ...counter(), in: 5, out: 1, late: 1 });
  }
});

test('emit update: one result per window and key a batch touched, then the final one', () => {
  const operator = createWindowOperator(
    step({ size: '10m', key: ['borough'], emit: 'update', aggregates: [{ op: 'count', as: 'n' }] }),
  );
  const state = operator.emptyState();
  const tally = counter();
  const window = (start: string, end: string) => ({
    window_start: `2016-07-01T00:${start}:00.000Z`,
    window_end: `2016-07-01T00:${end}:00.000Z`,
  });
  const first = operator.process(
    state,
    [
      at('01:00', { borough: 'Bronx' }),
      at('02:00', { borough: 'Bronx' }),
      at('03:00', { borough: 'Queens' }),
    ],
    0,
    tally,
  );
  assert.deepEqual(first.results, [
    { ...window('00', '10'), borough: 'Bronx', n: 2, final: false },
    { ...window('00', '10'), borough: 'Queens', n: 1, final: false },
  ]);
  const second = operator.process(state, [at('04:00', { borough: 'Bronx' })], 0, tally);
  assert.deepEqual(second.results, [
    { ...window('00', '10'), borough: 'Bronx', n: 3, final: false },
  ]);
  const third = operator.process(state, [at('11:00', { borough: 'Queens' })], 0, tally);
  assert.deepEqual(third.results, [
    { ...window('00', '10'), borough: 'Bronx', n: 3, final: true },
    { ...window('00', '10'), borough: 'Queens', n: 1, final: true },
    { ...window('10', '20'), borough: 'Queens', n: 1, final: false },
  ]);
  // 2 + 1 + 3 results
  assert.deepEqual(tally, { ...counter(), in: 5, out: 6 });
  // the closed windows' entries are deleted, the new one written, then stream time
  assert.deepEqual(
    third.changes.map(([key, value]) => [key, value === null ? null : 'written']),
    [
      ['2016-07-01T00:00:00.000Z ["Bronx"]', null],
      ['2016-07-01T00:00:00.000Z ["Queens"]', null],
      ['2016-07-01T00:10:00.000Z ["Queens"]', 'written'],
      ['stream-time', 'written'],
    ],
  );
  assert.equal(state.openWindows, 1);
});

test('processing time: rows take nowMs, an empty batch closes windows, the clock never runs back', () => {
  const operator = createWindowOperator(
    windowStepSchema.parse({
      type: 'window',
      time: 'processing',
      size: '1m',
      aggregates: [{ op: 'count', as: 'n' }],
    }),
  );
  const state = operator.emptyState();
  const tally = counter();
  // 1 s after the epoch: window [00:00:00, 00:01:00) of 1970-01-01
  assert.deepEqual(operator.process(state, [{}, {}], 1_000, tally).results, []);
  // 61 s: closes [0, 60 s) with its 2 rows; the row goes to [60 s, 120 s)
  assert.deepEqual(operator.process(state, [{ time: 'ignored' }], 61_000, tally).results, [
    {
      window_start: '1970-01-01T00:00:00.000Z',
      window_end: '1970-01-01T00:01:00.000Z',
      n: 2,
      final: true,
    },
  ]);
  // no rows at 125 s: closes [60 s, 120 s)
  assert.deepEqual(operator.process(state, [], 125_000, tally).results, [
    {
      window_start: '1970-01-01T00:01:00.000Z',
      window_end: '1970-01-01T00:02:00.000Z',
      n: 1,
      final: true,
    },
  ]);
  // a clock stepped back to 100 s still counts as 125 s: [120 s, 180 s), not late
  operator.process(state, [{}], 100_000, tally);
  assert.deepEqual(operator.openResults(state), [
    {
      window_start: '1970-01-01T00:02:00.000Z',
      window_end: '1970-01-01T00:03:00.000Z',
      n: 1,
      final: false,
    },
  ]);
  assert.deepEqual(tally, { ...counter(), in: 4, out: 2 });
});

test('rows with a bad time or a non-numeric value are errors and aggregate nothing', () => {
  const operator = createWindowOperator(
    step({
      size: '1h',
      aggregates: [
        { op: 'count', as: 'rows' },
        { op: 'count', field: 'note', as: 'notes' },
        { op: 'sum', field: 't', as: 'sum' },
        { op: 'max', field: 't', as: 'max' },
      ],
    }),
  );
  const state = operator.emptyState();
  const tally = counter();
  operator.process(
    state,
    [
      { t: 1 }, // no time
      { time: 'yesterday', t: 1 },
      { time: '2016-02-30T00:00:00Z', t: 1 }, // no such day
      { time: true, t: 1 },
      at('01:00', { t: 'warm' }), // not a number
      at('02:00', { t: true }),
      at('03:00', { t: { value: 1 } }),
      at('04:00', { t: '38.5', note: 'dry' }), // numeric text counts as its number
      at('05:00', { t: null, note: 0 }), // null adds nothing to sum and max, but the row counts
      at('06:00', { note: 'hot' }), // missing likewise
      at('07:00', { t: 2 }),
    ],
    0,
    tally,
  );
  // rows: 00:04, 00:05, 00:06, 00:07 → 4; notes: 'dry', 0, 'hot' → 3; sum 38.5 + 2 = 40.5
  assert.deepEqual(operator.openResults(state), [
    {
      window_start: '2016-07-01T00:00:00.000Z',
      window_end: '2016-07-01T01:00:00.000Z',
      rows: 4,
      notes: 3,
      sum: 40.5,
      max: 38.5,
      final: false,
    },
  ]);
  assert.deepEqual(tally, { ...counter(), in: 11, errors: 7 });
});

test('a window whose values are all null: count 0, sum 0, mean/min/max/quantiles null', () => {
  const results = windowResultsOf(
    step({
      size: '1h',
      aggregates: [
        { op: 'count', field: 't', as: 'count' },
        { op: 'sum', field: 't', as: 'sum' },
        { op: 'mean', field: 't', as: 'mean' },
        { op: 'min', field: 't', as: 'min' },
        { op: 'max', field: 't', as: 'max' },
        { op: 'quantiles', field: 't', as: 'box' },
      ],
    }),
    [at('01:00', { t: null }), at('02:00')],
    0,
    counter(),
  );
  assert.deepEqual(results, [
    {
      window_start: '2016-07-01T00:00:00.000Z',
      window_end: '2016-07-01T01:00:00.000Z',
      count: 0,
      sum: 0,
      mean: null,
      min: null,
      max: null,
      box: null,
      final: false,
    },
  ]);
});

test('keys: missing fields are null, sorted first; 5 and "5" are different keys', () => {
  const results = windowResultsOf(
    step({ size: '1h', key: ['borough', 'precinct'], aggregates: [{ op: 'count', as: 'n' }] }),
    [
      at('01:00', { borough: 'Queens', precinct: 5 }),
      at('02:00', { borough: 'Queens', precinct: '5' }),
      at('03:00', { precinct: 5 }),
      at('04:00', { borough: null, precinct: 5 }),
      at('05:00', { borough: 'Bronx', precinct: null }),
      at('06:00', { borough: 'Queens', precinct: 12 }),
      at('07:00', { borough: 'Queens', precinct: 5 }),
    ],
    0,
    counter(),
  );
  const window = {
    window_start: '2016-07-01T00:00:00.000Z',
    window_end: '2016-07-01T01:00:00.000Z',
  };
  // (null, 5) twice; (Bronx, null); (Queens, 5) twice; (Queens, 12); (Queens, "5"):
  // nulls first, numbers before text, numbers by value
  assert.deepEqual(results, [
    { ...window, borough: null, precinct: 5, n: 2, final: false },
    { ...window, borough: 'Bronx', precinct: null, n: 1, final: false },
    { ...window, borough: 'Queens', precinct: 5, n: 2, final: false },
    { ...window, borough: 'Queens', precinct: 12, n: 1, final: false },
    { ...window, borough: 'Queens', precinct: '5', n: 1, final: false },
  ]);
});

test('latestWindowResults keeps the last result per window and key, in window then key order', () => {
  const row = (start: string, borough: string, n: number, final: boolean) => ({
    window_start: `2016-07-01T00:${start}:00.000Z`,
    window_end: 'end',
    borough,
    n,
    final,
  });
  assert.deepEqual(
    latestWindowResults(
      [
        row('10', 'Bronx', 1, false),
        row('00', 'Queens', 4, false),
        row('00', 'Bronx', 2, false),
        row('10', 'Bronx', 3, false),
        row('00', 'Bronx', 5, true),
      ],
      ['borough'],
    ),
    [row('00', 'Bronx', 5, true), row('00', 'Queens', 4, false), row('10', 'Bronx', 3, false)],
  );
});

test('a step whose result fields collide, or that puts a row in too many windows, is refused', () => {
  const count = [{ op: 'count', as: 'n' }];
  assert.throws(
    () => createWindowOperator(step({ size: '1h', key: ['n'], aggregates: count })),
    (error) => error instanceof InputError && /"n" names two fields/.test(error.message),
  );
  assert.throws(
    () => createWindowOperator(step({ size: '1h', aggregates: [{ op: 'count', as: 'final' }] })),
    InputError,
  );
  // 1 h / 3 s = 1200 windows per row
  assert.throws(
    () => createWindowOperator(step({ size: '1h', hop: '3s', aggregates: count })),
    (error) => error instanceof InputError && /1200 windows/.test(error.message),
  );
  // 1 h / 4 s = 900 is allowed
  createWindowOperator(step({ size: '1h', hop: '4s', aggregates: count }));
});

test('hopping windows of many rows match a brute-force count over every window and key', () => {
  // 400 rows over 20 minutes, shuffled within 3 minutes, and a grace of 5 minutes: none late.
  // Values are quarters, so every sum is exact in doubles and can be compared with ===.
  let seed = 7;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const base = Date.UTC(2016, 6, 1);
  const rows: Row[] = Array.from({ length: 400 }, (_, i) => ({
    time: base + i * 3_000 + Math.floor(random() * 180) * 1_000, // whole seconds: some on bounds
    borough: ['Bronx', 'Queens', 'Kings'][Math.floor(random() * 3)],
    t: random() < 0.1 ? null : Math.floor(random() * 400) / 4 - 20,
  }));
  const sizeMs = 7 * 60_000;
  const hopMs = 3 * 60_000; // 3 does not divide 7: two or three windows per row
  const tally = counter();
  const results = windowResultsOf(
    step({
      size: '7m',
      hop: '3m',
      grace: '5m',
      key: ['borough'],
      aggregates: [
        { op: 'count', as: 'rows' },
        { op: 'sum', field: 't', as: 'sum' },
        { op: 'min', field: 't', as: 'min' },
        { op: 'max', field: 't', as: 'max' },
        { op: 'quantiles', field: 't', as: 'box' },
      ],
    }),
    rows,
    0,
    tally,
  );
  assert.deepEqual(tally, { ...counter(), in: 400, out: tally.out });

  const latest = Math.max(...rows.map((row) => row.time as number));
  const expected: Row[] = [];
  const firstStart = Math.floor((base - sizeMs) / hopMs) * hopMs;
  for (let start = firstStart; start <= base + 40 * 60_000; start += hopMs) {
    for (const borough of ['Bronx', 'Kings', 'Queens']) {
      const inWindow = rows.filter(
        (row) =>
          row.borough === borough &&
          (row.time as number) >= start &&
          (row.time as number) < start + sizeMs,
      );
      if (inWindow.length === 0) continue;
      const values = inWindow
        .map((row) => row.t)
        .filter((t): t is number => t !== null)
        .sort((a, b) => a - b);
      // numpy linear: value at (n − 1)·q between its neighbours
      const quantile = (q: number) => {
        const position = (values.length - 1) * q;
        const below = Math.floor(position);
        const above = Math.min(below + 1, values.length - 1);
        return values[below]! + (values[above]! - values[below]!) * (position - below);
      };
      expected.push({
        window_start: new Date(start).toISOString(),
        window_end: new Date(start + sizeMs).toISOString(),
        borough,
        rows: inWindow.length,
        sum: values.reduce((total, t) => total + t, 0),
        min: values[0],
        max: values[values.length - 1],
        box: {
          min: values[0],
          q1: quantile(0.25),
          median: quantile(0.5),
          q3: quantile(0.75),
          max: values[values.length - 1],
        },
        // closed once the latest time reaches its end plus the 5-minute grace
        final: start + sizeMs + 5 * 60_000 <= latest,
      });
    }
  }
  assert.ok(expected.length > 20);
  assert.ok(expected.some((row) => row.final) && expected.some((row) => !row.final));
  assert.deepEqual(results, expected);
});
