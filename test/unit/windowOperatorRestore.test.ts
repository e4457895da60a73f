// Restoring a window operator from its changelog: stopping after any batch, rebuilding the state
// from every entry written so far and carrying on gives exactly the run that never stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row, StepCounter, WindowState } from '../../main/pipelines/pipeline';
import { InputError } from '../../main/shared/errors';
import { createWindowOperator } from '../../main/pipelines/windowOperator';
import { windowStepSchema, type WindowStepSpec } from '../../main/pipelines/windowSpec';

function counter(): StepCounter {
  return { step: 1, type: 'window', in: 0, out: 0, dropped: 0, errors: 0, late: 0 };
}

const boroughs = ['Bronx', 'Queens', null, 'Brooklyn'];

/** 60 rows over about 25 minutes, out of order, some late, some errors */
function rows(): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < 60; i++) {
    // mostly advancing, every seventh row four (within grace) or eight minutes back (late)
    const seconds = i * 25 - (i % 14 === 0 ? 480 : i % 7 === 0 ? 240 : 0);
    const time = new Date(Date.UTC(2016, 6, 1, 0, 0, seconds)).toISOString();
    out.push({
      time: i % 11 === 5 ? 'garbled' : time,
      borough: boroughs[i % 4],
      t: i % 13 === 0 ? null : ((i * 37) % 23) / 4 - 1.3,
    });
  }
  return out;
}

/** the batches: sizes 1, 2, 3, … until the rows run out */
function batches(all: Row[]): Row[][] {
  const out: Row[][] = [];
  for (let at = 0, size = 1; at < all.length; at += size, size++)
    out.push(all.slice(at, at + size));
  return out;
}

function run(spec: WindowStepSpec) {
  const operator = createWindowOperator(spec);
  const state = operator.emptyState();
  const tally = counter();
  const steps = batches(rows()).map((batch, index) => ({
    ...operator.process(state, batch, 1_000 * index, tally),
  }));
  return { operator, state, tally, steps };
}

const specs: Record<string, WindowStepSpec> = {
  'hopping, event time, grace, update': windowStepSchema.parse({
    type: 'window',
    time: { field: 'time' },
    size: '5m',
    hop: '1m',
    grace: '1m',
    key: ['borough'],
    emit: 'update',
    aggregates: [
      { op: 'count', as: 'rows' },
      { op: 'count', field: 't', as: 'values' },
      { op: 'sum', field: 't', as: 'sum' },
      { op: 'mean', field: 't', as: 'mean' },
      { op: 'min', field: 't', as: 'min' },
      { op: 'max', field: 't', as: 'max' },
      { op: 'quantiles', field: 't', as: 'box' },
    ],
  }),
  'tumbling, processing time, close': windowStepSchema.parse({
    type: 'window',
    time: 'processing',
    size: '3s',
    key: ['borough'],
    aggregates: [
      { op: 'quantiles', field: 't', as: 'box' },
      { op: 'mean', field: 't', as: 'mean' },
    ],
  }),
};

for (const [name, spec] of Object.entries(specs)) {
  test(`${name}: a restart after any batch continues exactly as if uninterrupted`, () => {
    const whole = run(spec);
    const all = batches(rows());
    // the stream closes windows, reports late rows and errors: the case is not trivial
    assert.ok(whole.steps.some((step) => step.results.some((row) => row.final === true)));
    if (spec.time !== 'processing') assert.ok(whole.tally.late > 0 && whole.tally.errors > 0);
    // one restart before each batch in turn (and none, past the end), then one before every batch
    const plans = all.map((_, stop) => [stop]).concat([[all.length], all.map((_, index) => index)]);
    for (const restarts of plans) {
      let operator = createWindowOperator(spec);
      let state: WindowState = operator.emptyState();
      const changelog: [string, string | null][] = [];
      const tally = counter();
      const steps = all.map((batch, index) => {
        if (restarts.includes(index)) {
          operator = createWindowOperator(spec);
          state = operator.restore(changelog);
        }
        const step = operator.process(state, batch, 1_000 * index, tally);
        changelog.push(...step.changes);
        return step;
      });
      assert.deepEqual(steps, whole.steps, `restarted before batches ${restarts.join(', ')}`);
      assert.deepEqual(tally, whole.tally);
      assert.equal(state.openWindows, whole.state.openWindows);
      assert.equal(state.sizeBytes, whole.state.sizeBytes);
    }
  });
}

test('openWindows and sizeBytes count the live changelog entries exactly', () => {
  const { steps, state } = run(specs['hopping, event time, grace, update']!);
  const live = new Map<string, string>();
  for (const [key, value] of steps.flatMap((step) => step.changes)) {
    if (value === null) live.delete(key);
    else live.set(key, value);
  }
  let bytes = 0;
  for (const [key, value] of live) bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  assert.equal(state.sizeBytes, bytes);
  assert.equal(state.openWindows, live.size - 1); // all but the stream-time entry
  assert.ok(state.openWindows > 0);
});

test('restoring entries another step wrote fails with one line naming the entry', () => {
  const spec = specs['hopping, event time, grace, update']!;
  const operator = createWindowOperator(spec);
  const foreign: [string, string | null][][] = [
    [['2016-07-01T00:00:00.000Z ["Bronx"]', '{"start":1467331200000,"key":["Bronx"],"state":[1]}']],
    [['2016-07-01T00:00:00.000Z ["Bronx"]', 'not json']],
    [
      [
        '2016-07-01T00:05:00.000Z ["Bronx"]',
        '{"start":1467331200000,"key":["Bronx"],"state":[1,1,[],[0,[]],null,null,[]]}',
      ],
    ],
    [['stream-time', 'soon']],
  ];
  for (const entries of foreign) {
    assert.throws(
      () => operator.restore(entries),
      (error) =>
        error instanceof InputError &&
        error.message.includes(`"${entries[0]![0]}"`) &&
        !error.message.includes('\n'),
    );
  }
  // a deleted entry is gone whatever it held; a valid one restores
  const state = operator.restore([
    ['2016-07-01T00:00:00.000Z ["Bronx"]', 'not json'],
    ['2016-07-01T00:00:00.000Z ["Bronx"]', null],
    [
      '2016-07-01T00:00:00.000Z ["Bronx"]',
      '{"start":1467331200000,"key":["Bronx"],"state":[1,1,[2],[1,[2]],2,2,[2]]}',
    ],
  ]);
  assert.equal(state.openWindows, 1);
});
