// The edges of the row steps and window aggregates that mutation testing (`npm run mutate --
// transform`) found untested: nulls and wrong types in filter conditions, expression filters
// that give null or a number, every word a boolean cast reads, a select onto "__proto__", map
// keys for null, what a module function may return, decimal text with exponents, and numpy's
// two interpolation formulas. Expected values are worked out by hand beside each case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RowValueError } from '../../main/pipelines/expression/expressionErrors';
import type { Row } from '../../main/pipelines/pipeline';
import {
  castStep,
  filterStep,
  mapStep,
  moduleStep,
  selectStep,
  type RowStep,
} from '../../main/pipelines/rowSteps';
import { linearQuantile, numericValue } from '../../main/pipelines/windowAggregates';
import { createWindowOperator } from '../../main/pipelines/windowOperator';
import { windowStepSchema } from '../../main/pipelines/windowSpec';
import { InputError } from '../../main/shared/errors';
import type { CastStep, FilterStep } from '../../main/pipelines/transformSpec';

/** what a step makes of a row: its output, or the message of the row error it raises */
function outcome(step: RowStep, row: Row): unknown {
  try {
    return step(row);
  } catch (error) {
    assert.ok(error instanceof RowValueError, `not a row error: ${String(error)}`);
    return `error: ${error.message}`;
  }
}

const filter = (where: FilterStep['where']) => filterStep({ type: 'filter', where });

describe('filter conditions at their edges', () => {
  it('gte holds from the value up and not below it', () => {
    const atLeast60 = filter({ field: 't', op: 'gte', value: 60 });
    assert.deepEqual(
      [50, 60, 70].map((t) => outcome(atLeast60, { t })),
      [null, { t: 60 }, { t: 70 }],
    );
  });

  it('a null field fails contains, starts-with and the orderings without an error', () => {
    for (const where of [
      { field: 's', op: 'contains', value: 'ro' },
      { field: 's', op: 'starts-with', value: 'Br' },
      { field: 's', op: 'gt', value: 'A' },
      { field: 's', op: 'lte', value: 5 },
    ] as const)
      assert.equal(outcome(filter(where), { s: null }), null, where.op);
  });

  it('contains and starts-with on a number are row errors naming the field', () => {
    assert.equal(
      outcome(filter({ field: 's', op: 'contains', value: '5' }), { s: 15 }),
      'error: "s" is number 15; "contains" needs text or a list',
    );
    assert.equal(
      outcome(filter({ field: 's', op: 'starts-with', value: '1' }), { s: 15 }),
      'error: "s" is number 15; "starts-with" needs text',
    );
  });

  it('contains a number: in a list yes, in text it is an error (text only finds text)', () => {
    const five = filter({ field: 's', op: 'contains', value: 5 });
    assert.deepEqual(outcome(five, { s: [4, 5] }), { s: [4, 5] });
    assert.equal(outcome(five, { s: [4, '5'] }), null);
    assert.equal(
      outcome(five, { s: 'a5' }),
      'error: "s" is text "a5"; "contains" needs text or a list',
    );
    assert.equal(
      outcome(filter({ field: 's', op: 'starts-with', value: 5 }), { s: '5a' }),
      'error: "s" is text "5a"; "starts-with" needs text',
    );
  });

  it('an ordering against null holds for no row; booleans do not order', () => {
    const overNull = filter({ field: 't', op: 'gt', value: null });
    assert.deepEqual(
      [5, null, 'x'].map((t) => outcome(overNull, { t })),
      [null, null, null],
    );
    assert.equal(
      outcome(filter({ field: 'b', op: 'gt', value: false }), { b: true }),
      'error: "b" is boolean true; "gt" compares it with boolean false',
    );
  });

  it('an ordering of text with a number is a row error naming both', () => {
    assert.equal(
      outcome(filter({ field: 't', op: 'gt', value: 60 }), { t: 'hot' }),
      'error: "t" is text "hot"; "gt" compares it with number 60',
    );
  });

  it('an expression condition: true keeps, false and null drop, anything else is an error', () => {
    const over60 = filter('t > 60');
    assert.deepEqual(outcome(over60, { t: 70 }), { t: 70 });
    assert.equal(outcome(over60, { t: 50 }), null);
    // null > 60 is null: the row is dropped, not failed
    assert.equal(outcome(over60, { t: null }), null);
    assert.equal(
      outcome(filter('t + 1'), { t: 5 }),
      'error: the condition gave number 6, not true or false',
    );
  });
});

describe('row steps at their edges', () => {
  it('select onto "__proto__" writes a field of that name and leaves the prototype alone', () => {
    const out = outcome(
      selectStep({ type: 'select', fields: [{ field: 'a', as: '__proto__' }, 'b'] }),
      { a: { polluted: true }, b: 2 },
    ) as Row;
    assert.deepEqual(Object.keys(out), ['__proto__', 'b']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { polluted: true });
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal((out as { polluted?: boolean }).polluted, undefined);
  });

  it('map: null has no key, even when the map has a "null" entry', () => {
    const step = mapStep({ type: 'map', field: 'c', values: { null: 'none', '2': 'two' } });
    assert.deepEqual(outcome(step, { c: null }), { c: null });
    assert.deepEqual(outcome(step, { c: 2 }), { c: 'two' });
  });

  it('cast to boolean reads true/false, yes/no, 1/0 in any case and spacing; 2 is an error', () => {
    const step = castStep({ type: 'cast', field: 'v', to: 'boolean' } as CastStep);
    const words = ['true', 'FALSE', ' yes ', 'No', '1', '0', ' 1 '];
    assert.deepEqual(
      words.map((v) => (outcome(step, { v }) as Row).v),
      [true, false, true, false, true, false, true],
    );
    assert.equal(outcome(step, { v: 2 }), 'error: "v" is number 2, which is not a boolean');
    assert.equal(outcome(step, { v: 'oui' }), 'error: "v" is text "oui", which is not a boolean');
  });
});

describe('a module function', () => {
  const step = (result: (row: Row) => unknown) => moduleStep(result);

  it('returns a row, a list of rows, or null / undefined to drop', () => {
    assert.deepEqual(
      outcome(
        step((row) => ({ ...row, x: 1 })),
        { a: 1 },
      ),
      { a: 1, x: 1 },
    );
    assert.deepEqual(
      outcome(
        step((row) => [row, row]),
        { a: 1 },
      ),
      [{ a: 1 }, { a: 1 }],
    );
    assert.deepEqual(
      outcome(
        step(() => []),
        { a: 1 },
      ),
      [],
    );
    assert.equal(
      outcome(
        step(() => null),
        { a: 1 },
      ),
      null,
    );
    assert.equal(
      outcome(
        step(() => undefined),
        { a: 1 },
      ),
      null,
    );
  });

  it('anything else, or a throw, is a row error saying what came back', () => {
    const tail = '; return a row, a list of rows or null';
    assert.equal(
      outcome(
        step(async (row) => row),
        { a: 1 },
      ),
      `error: the module returned a Promise (transform functions must not be async)${tail}`,
    );
    assert.equal(
      outcome(
        step((row) => [row, 5]),
        { a: 1 },
      ),
      `error: the module returned a list holding something other than rows${tail}`,
    );
    assert.equal(
      outcome(
        step((row) => [row, null]),
        { a: 1 },
      ),
      `error: the module returned a list holding something other than rows${tail}`,
    );
    assert.equal(
      outcome(
        step(() => [[{ a: 1 }]]),
        { a: 1 },
      ),
      `error: the module returned a list holding something other than rows${tail}`,
    );
    assert.equal(
      outcome(
        step(() => 7),
        { a: 1 },
      ),
      `error: the module returned number 7${tail}`,
    );
    assert.equal(
      outcome(
        step(() => false),
        { a: 1 },
      ),
      `error: the module returned boolean false${tail}`,
    );
    assert.equal(
      outcome(
        step(() => {
          throw new Error('no temperature');
        }),
        { a: 1 },
      ),
      'error: the module threw: no temperature',
    );
    assert.equal(
      outcome(
        step(() => {
          throw 'plain text';
        }),
        { a: 1 },
      ),
      'error: the module threw: plain text',
    );
  });
});

describe('window aggregates at their edges', () => {
  it('decimal text: several digits after a leading point, signed and long exponents', () => {
    assert.equal(numericValue('.25'), 0.25);
    assert.equal(numericValue('1e+3'), 1000);
    assert.equal(numericValue('2.5E-2'), 0.025);
    assert.equal(numericValue('3e10'), 30_000_000_000);
    assert.equal(numericValue('1e'), undefined);
    assert.equal(numericValue('1e+'), undefined);
  });

  it("quantiles interpolate as numpy's _lerp: a + d·t below t = 0.5, b − d·(1 − t) from it", () => {
    // [0.3, 0.9] at q 0.25: t 0.25, 0.3 + 0.6 × 0.25 = 0.45 (b − d·0.75 gives 0.44999999999999996)
    assert.equal(linearQuantile([0.3, 0.9], 0.25), 0.45);
    // [0.1, 0.4] at q 0.75: t 0.75, 0.4 − 0.3 × 0.25 = 0.325 (a + d·0.75 gives 0.32500000000000007)
    assert.equal(linearQuantile([0.1, 0.4], 0.75), 0.325);
    // [0.1, 0.7] at q 0.5: t exactly 0.5 takes b − d·0.5 = 0.39999999999999997 (a + d·0.5: 0.4)
    assert.equal(linearQuantile([0.1, 0.7], 0.5), 0.39999999999999997);
  });
});

describe('window state entries at their edges', () => {
  // count, sum, mean, min and quantiles of v, no key: one window at 2016-07-01T00:00Z
  const operator = createWindowOperator(
    windowStepSchema.parse({
      type: 'window',
      time: { field: 'time' },
      size: '10m',
      aggregates: [
        { op: 'count', as: 'rows' },
        { op: 'sum', field: 'v', as: 'sum' },
        { op: 'mean', field: 'v', as: 'mean' },
        { op: 'min', field: 'v', as: 'min' },
        { op: 'quantiles', field: 'v', as: 'box' },
      ],
    }),
  );
  const KEY = '2016-07-01T00:00:00.000Z []';
  const entry = (state: unknown[]): [string, string] => [
    KEY,
    JSON.stringify({ start: Date.UTC(2016, 6, 1), key: [], state }),
  ];
  const VALID: unknown[] = [3, [6], [3, [6]], 1, [1, 2, 3]];

  it('the state written holds quantile values sorted, whatever their arrival order', () => {
    const state = operator.emptyState();
    const rows = [3, 1, 2].map((v) => ({ time: '2016-07-01T00:01:00Z', v }));
    const { changes } = operator.process(state, rows, 0, {
      step: 1,
      type: 'window',
      in: 0,
      out: 0,
      dropped: 0,
      errors: 0,
      late: 0,
    });
    assert.deepEqual(changes[0], entry(VALID));
    assert.equal(operator.restore([entry(VALID)]).openWindows, 1);
  });

  it('a state of the wrong shape for any aggregate is refused', () => {
    const wrong: [index: number, state: unknown][] = [
      [0, -1],
      [0, 1.5],
      [0, '3'],
      [1, 6],
      [1, ['6']],
      [2, [3]],
      [2, [3, [6], 0]],
      [2, ['3', [6]]],
      [2, [-1, [6]]],
      [2, [3, 6]],
      [2, [3, ['6']]],
      [3, '1'],
      [4, ['1']],
      [4, 5],
    ];
    for (const [index, state] of wrong) {
      const states = [...VALID];
      states[index] = state;
      assert.throws(
        () => operator.restore([entry(states)]),
        (error: unknown) => error instanceof InputError && error.message.includes(KEY),
        JSON.stringify(states),
      );
    }
    // an empty min is null, an empty sum no partials
    assert.equal(operator.restore([entry([0, [], [0, []], null, []])]).openWindows, 1);
  });
});
