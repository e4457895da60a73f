// Each step on hand-written rows, the per-step counts (in, out, dropped, errors), the first-five
// error reports, the head / window / tail split around a (fake) window operator, and the preview.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTransform } from '../../main/pipelines/compileTransform';
import type { Row, StepCounter, StepTally, WindowOperator } from '../../main/pipelines/pipeline';
import { previewTransform } from '../../main/pipelines/previewTransform';
import { parseTransformSpec, type TransformSpec } from '../../main/pipelines/transformSpec';
import type { WindowStepSpec } from '../../main/pipelines/windowSpec';

function run(steps: unknown[], rows: Row[]): { rows: Row[]; tally: StepTally } {
  const transform = compileTransform(parseTransformSpec({ steps }));
  const tally = transform.newTally();
  return { rows: transform.head.run(rows, tally), tally };
}

const counts = (counter: StepCounter | undefined) =>
  counter && [counter.in, counter.out, counter.dropped, counter.errors];

describe('select', () => {
  it('keeps and renames fields in the order given; a missing field selects null', () => {
    const { rows } = run(
      [
        {
          type: 'select',
          fields: ['b', { field: 'a', as: 'A' }, 'missing', { field: 'n.x', as: 'x' }, 'n.y'],
        },
      ],
      [{ a: 1, b: 2, c: 3, n: { x: 'deep', y: null } }],
    );
    assert.deepEqual(rows, [{ b: 2, A: 1, missing: null, x: 'deep', 'n.y': null }]);
    assert.deepEqual(Object.keys(rows[0]!), ['b', 'A', 'missing', 'x', 'n.y']);
  });
});

describe('map', () => {
  const values = { K: 'Brooklyn', '1': 'one', true: 'yes' };
  const rows = [{ c: 'K' }, { c: 'Z' }, { c: 1 }, { c: true }, { c: null }, {}];

  it('unmapped "keep" (the default) keeps the value and replaces in place', () => {
    const out = run([{ type: 'map', field: 'c', values }], rows);
    assert.deepEqual(
      out.rows.map((row) => row.c),
      ['Brooklyn', 'Z', 'one', 'yes', null, null],
    );
  });

  it('unmapped "drop" drops the row and counts it; "as" writes a new field', () => {
    const out = run([{ type: 'map', field: 'c', as: 'name', values, unmapped: 'drop' }], rows);
    assert.deepEqual(out.rows, [
      { c: 'K', name: 'Brooklyn' },
      { c: 1, name: 'one' },
      { c: true, name: 'yes' },
    ]);
    assert.deepEqual(counts(out.tally[0]), [6, 3, 3, 0]);
  });

  it('unmapped "default" writes the default', () => {
    const out = run(
      [{ type: 'map', field: 'c', values, unmapped: 'default', default: 'other' }],
      [{ c: 'Z' }, { c: 'toString' }],
    );
    assert.deepEqual(out.rows, [{ c: 'other' }, { c: 'other' }]);
  });
});

describe('filter', () => {
  const rows: Row[] = [
    { t: 50, s: 'Brooklyn', l: ['a', 'b'] },
    { t: 70, s: 'Bronx', l: [] },
    { t: null, s: 'Queens' },
    { t: 90, s: null },
  ];
  const kept = (where: unknown) =>
    run([{ type: 'filter', where }], rows).rows.map((row) => rows.indexOf(row));

  it('every operator', () => {
    assert.deepEqual(kept({ field: 't', op: 'eq', value: 70 }), [1]);
    assert.deepEqual(kept({ field: 't', op: 'neq', value: 70 }), [0, 2, 3]);
    assert.deepEqual(kept({ field: 's', op: 'in', value: ['Bronx', 'Queens'] }), [1, 2]);
    assert.deepEqual(kept({ field: 's', op: 'not-in', value: ['Bronx', null] }), [0, 2]);
    assert.deepEqual(kept({ field: 't', op: 'gt', value: 50 }), [1, 3]);
    assert.deepEqual(kept({ field: 't', op: 'gte', value: 50 }), [0, 1, 3]);
    assert.deepEqual(kept({ field: 't', op: 'lt', value: 70 }), [0]);
    assert.deepEqual(kept({ field: 't', op: 'lte', value: 70 }), [0, 1]);
    assert.deepEqual(kept({ field: 't', op: 'is-null' }), [2]);
    assert.deepEqual(kept({ field: 'missing', op: 'is-null' }), [0, 1, 2, 3]);
    assert.deepEqual(kept({ field: 't', op: 'not-null' }), [0, 1, 3]);
    assert.deepEqual(kept({ field: 's', op: 'contains', value: 'ro' }), [0, 1]);
    assert.deepEqual(kept({ field: 'l', op: 'contains', value: 'b' }), [0]);
    assert.deepEqual(kept({ field: 's', op: 'starts-with', value: 'Br' }), [0, 1]);
  });

  it('and, or, not and expression conditions', () => {
    const over = { field: 't', op: 'gt', value: 60 };
    const bronx = { field: 's', op: 'eq', value: 'Bronx' };
    assert.deepEqual(kept({ and: [over, bronx] }), [1]);
    assert.deepEqual(kept({ or: [over, { field: 's', op: 'eq', value: 'Queens' }] }), [1, 2, 3]);
    assert.deepEqual(kept({ not: over }), [0, 2]);
    assert.deepEqual(kept("t > 60 and starts_with(s, 'Br')"), [1]);
  });

  it('counts dropped rows and fails rows whose types do not compare', () => {
    const out = run(
      [{ type: 'filter', where: { field: 't', op: 'gt', value: 60 } }],
      [...rows, { t: 'hot' }],
    );
    assert.deepEqual(counts(out.tally[0]), [5, 2, 2, 1]);
  });
});

describe('derive and cast', () => {
  it('derive adds a field and fails rows whose values do not fit', () => {
    const out = run(
      [{ type: 'derive', field: 'f', expr: 'c * 9 / 5 + 32' }],
      [{ c: 100 }, { c: 'x' }, { c: null }],
    );
    assert.deepEqual(out.rows, [
      { c: 100, f: 212 },
      { c: null, f: null },
    ]);
    assert.deepEqual(counts(out.tally[0]), [3, 2, 0, 1]);
  });

  it('cast to number, string, boolean and timestamp; onError drop (default) and null', () => {
    const cast = (to: string, values: unknown[], onError?: string) =>
      run(
        [{ type: 'cast', field: 'v', to, ...(onError ? { onError } : {}) }],
        values.map((v) => ({ v })),
      );
    assert.deepEqual(
      cast('number', [' 4.5 ', 7, true, null, 'x', '']).rows.map((r) => r.v),
      [4.5, 7, 1, null],
    );
    assert.deepEqual(counts(cast('number', ['x', '1']).tally[0]), [2, 1, 0, 1]);
    assert.deepEqual(
      cast('string', [1, false, 'a', { b: 1 }]).rows.map((r) => r.v),
      ['1', 'false', 'a', '{"b":1}'],
    );
    assert.deepEqual(
      cast('boolean', ['Yes', 'false', 1, 0, true, 'maybe', 'constructor']).rows.map((r) => r.v),
      [true, false, true, false, true],
    );
    assert.deepEqual(
      cast('timestamp', ['2017-01-05 08:30:00', 1483605000000, 'soon']).rows.map((r) => r.v),
      ['2017-01-05T08:30:00.000Z', '2017-01-05T08:30:00.000Z'],
    );
    const nulls = cast('number', ['x', '2'], 'null');
    assert.deepEqual(nulls.rows, [{ v: null }, { v: 2 }]);
    assert.deepEqual(counts(nulls.tally[0]), [2, 2, 0, 1]);
  });
});

describe('compiled transform', () => {
  it('counts each step and reports at most five errors per step', () => {
    const reports: string[] = [];
    const transform = compileTransform(
      parseTransformSpec({
        steps: [
          { type: 'derive', field: 'd', expr: 'v * 2' },
          { type: 'filter', where: { field: 'd', op: 'gt', value: 5 } },
        ],
      }),
      { onRowError: (error) => reports.push(`${error.step} ${error.type} ${error.message}`) },
    );
    const rows = [...Array.from({ length: 7 }, () => ({ v: 'x' })), { v: 1 }, { v: 4 }];
    const tally = transform.newTally();
    assert.deepEqual(transform.head.run(rows, tally), [{ v: 4, d: 8 }]);
    assert.deepEqual(tally, [
      { step: 1, type: 'derive', in: 9, out: 2, dropped: 0, errors: 7, late: 0 },
      { step: 2, type: 'filter', in: 2, out: 1, dropped: 1, errors: 0, late: 0 },
    ]);
    assert.equal(reports.length, 5);
    assert.equal(reports[0], '1 derive "*" needs numbers, got text "x"');
    transform.head.run([{ v: 'y' }], transform.newTally());
    assert.equal(reports.length, 5, 'five over the transform’s life, not per batch');
  });

  const fakeWindow =
    (seen: WindowStepSpec[]) =>
    (spec: WindowStepSpec): WindowOperator => {
      seen.push(spec);
      return {
        keyFields: spec.key ?? [],
        eventTime: () => null,
        emptyState: () => ({ openWindows: 0, sizeBytes: 0 }),
        restore: () => ({ openWindows: 0, sizeBytes: 0 }),
        process(_state, rows, nowMs, counter) {
          counter.in += rows.length;
          counter.out += 2;
          return {
            results: [
              { window_start: 'a', n: rows.length, now: nowMs },
              { window_start: 'b', n: 0, now: nowMs },
            ],
            changes: [],
          };
        },
      };
    };

  const windowed: TransformSpec = parseTransformSpec({
    name: 'windowed',
    steps: [
      { type: 'filter', where: { field: 'v', op: 'not-null' } },
      { type: 'window', time: 'processing', size: '1m', aggregates: [{ op: 'count', as: 'n' }] },
      { type: 'filter', where: 'n > 0' },
    ],
  });

  it('splits head, window and tail around the window step', () => {
    const seen: WindowStepSpec[] = [];
    const transform = compileTransform(windowed, { createWindowOperator: fakeWindow(seen) });
    assert.equal(transform.name, 'windowed');
    assert.equal(transform.window?.tallyIndex, 1);
    assert.equal(seen[0]?.size, '1m');
    const preview = previewTransform(transform, [{ v: 1 }, { v: null }, { v: 3 }], 1234);
    assert.deepEqual(preview.rows, [{ window_start: 'a', n: 2, now: 1234 }]);
    assert.deepEqual(
      preview.tally.map((counter) => counts(counter)),
      [
        [3, 2, 1, 0],
        [2, 2, 0, 0],
        [2, 1, 1, 0],
      ],
    );
  });

  it('preview without a window returns the head rows', () => {
    const transform = compileTransform(
      parseTransformSpec({ steps: [{ type: 'select', fields: ['v'] }] }),
    );
    assert.deepEqual(previewTransform(transform, [{ v: 1, w: 2 }]).rows, [{ v: 1 }]);
  });

  it('refuses a second window step and a window with no operator factory', () => {
    const window = {
      type: 'window',
      time: 'processing',
      size: '1m',
      aggregates: [{ op: 'count', as: 'n' }],
    };
    assert.throws(
      () =>
        compileTransform(parseTransformSpec({ steps: [window, window] }), {
          createWindowOperator: fakeWindow([]),
        }),
      {
        message:
          'step 2 (window): only one window step is allowed (step 1 is one) — aggregate in that step',
      },
    );
    assert.throws(() => compileTransform(windowed), {
      message: 'step 2 (window): window steps cannot run here',
    });
  });
});
