// Spec mistakes end in one line naming the step number, its type and the field, before anything
// runs: schema errors, expression syntax, and field names checked against the input's fields as
// each step changes them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { transformReferenceSchema, parseTransformSpec } from '../../main/pipelines/transformSpec';
import { PRESETS } from '../../main/pipelines/presets';
import { inputFieldsRead, validateTransform } from '../../main/pipelines/validateTransform';
import { InputError } from '../../main/shared/errors';

const INPUT = ['Issue Date', 'W - Temperature', 'Violation County Name', 'Street Name'];

function fails(raw: unknown, message: string, inputFields: string[] | null = INPUT): void {
  assert.throws(
    () => validateTransform(parseTransformSpec(raw), inputFields),
    (error: unknown) => {
      assert.ok(error instanceof InputError, String(error));
      assert.equal(error.message, message);
      return true;
    },
  );
}

describe('spec shape', () => {
  it('names the step, its type and the option', () => {
    fails({}, 'transform: give an object with a "steps" list');
    fails({ steps: [] }, 'transform: steps: give at least one step');
    fails(
      { steps: [{ type: 'select', fields: ['a'] }, { type: 'selct' }] },
      'step 2: unknown step type "selct" — use select, map, filter, derive, cast, window, module',
    );
    fails(
      { steps: [{ fields: ['a'] }] },
      'step 1: unknown step type — use select, map, filter, derive, cast, window, module',
    );
    fails(
      { steps: [{ type: 'select', fields: [] }] },
      'step 1 (select): fields: select at least one field',
    );
    fails(
      { steps: [{ type: 'select', fields: ['a'], rename: {} }] },
      'step 1 (select): unknown option "rename" — remove it',
    );
    fails(
      { steps: [{ type: 'map', field: 'a', values: {}, unmapped: 'default' }] },
      'step 1 (map): default: unmapped "default" needs a "default" value',
    );
    fails(
      { steps: [{ type: 'filter', where: { field: 'a', op: 'in', value: 3 } }] },
      'step 1 (filter): where.value: "in" needs a list of values',
    );
    fails(
      { steps: [{ type: 'filter', where: { field: 'a', op: 'is-null', value: 3 } }] },
      'step 1 (filter): where.value: "is-null" takes no value',
    );
    fails(
      {
        steps: [
          {
            type: 'window',
            time: 'processing',
            size: '10 minutes',
            aggregates: [{ op: 'count', as: 'n' }],
          },
        ],
      },
      'step 1 (window): size: give a duration such as "500ms", "30s", "10m", "1h" or "1d"',
    );
    fails(
      { steps: [{ type: 'derive', field: 'x', expr: '' }] },
      'step 1 (derive): expr: write an expression',
    );
  });

  it('says what a value should be, in words', () => {
    fails(
      { steps: [{ type: 'cast', field: 'a', to: 'int' }] },
      'step 1 (cast): to: use one of "number", "string", "boolean", "timestamp"',
    );
    fails(
      { steps: [{ type: 'cast', to: 'number' }] },
      'step 1 (cast): field: required — give text',
    );
    fails(
      { steps: [{ type: 'select', fields: 'a' }] },
      'step 1 (select): fields: give a list, not text',
    );
    fails(
      { steps: [{ type: 'select', fields: [3] }] },
      'step 1 (select): fields.0: give text or an object',
    );
    fails(
      { steps: [{ type: 'filter', where: { field: 'a', op: 'gtt', value: 1 } }] },
      'step 1 (filter): where.op: use one of "eq", "neq", "in", "not-in", "gt", "gte", "lt", "lte", "is-null", "not-null", "contains", "starts-with"',
    );
    fails(
      { steps: [{ type: 'filter', where: 3 }] },
      'step 1 (filter): where: write a condition: {"field", "op", "value"}, {"and": […]}, {"or": […]} or {"not": …}',
    );
    fails(
      {
        steps: [
          { type: 'window', time: 'event', size: '1m', aggregates: [{ op: 'count', as: 'n' }] },
        ],
      },
      'step 1 (window): time: give "processing" or an object',
    );
    fails(
      { name: 3, steps: [{ type: 'select', fields: ['a'] }] },
      'transform: name: give text, not a number',
    );
  });

  it('expression syntax errors name the column', () => {
    fails(
      {
        steps: [
          { type: 'select', fields: ['a'] },
          { type: 'derive', field: 'x', expr: 'a + * 2' },
        ],
      },
      'step 2 (derive): expr: expected a value, found "*" at column 5',
      null,
    );
    fails(
      { steps: [{ type: 'filter', where: 'a >' }] },
      'step 1 (filter): where: expected a value, found the end at column 4',
      null,
    );
  });
});

describe('field names', () => {
  it('suggests the nearest field', () => {
    fails(
      {
        steps: [
          {
            type: 'select',
            fields: ['Issue Date', { field: 'W - Temperature', as: 'Temperature' }],
          },
          { type: 'cast', field: 'Temperature', to: 'number' },
          { type: 'filter', where: { field: 'Temprature', op: 'gt', value: 40 } },
        ],
      },
      'step 3 (filter): unknown field "Temprature" — did you mean "Temperature"?',
    );
  });

  it('suggests the one field whose name holds the one written', () => {
    fails(
      { steps: [{ type: 'filter', where: 'Temperature > 80' }] },
      'step 1 (filter): unknown field "Temperature" — did you mean "W - Temperature"?',
    );
  });

  it('lists the fields when nothing is near', () => {
    fails(
      {
        steps: [
          { type: 'select', fields: ['Issue Date'] },
          { type: 'derive', field: 'x', expr: 'year(`Plate`)' },
        ],
      },
      'step 2 (derive): unknown field "Plate" — the fields here are "Issue Date"',
    );
  });

  it('tracks select, map, derive and window outputs', () => {
    const spec = parseTransformSpec({
      steps: [
        { type: 'map', field: 'Violation County Name', as: 'County', values: {} },
        { type: 'derive', field: 'hot', expr: '`W - Temperature` > 80' },
        { type: 'select', fields: ['County', 'hot', { field: 'W - Temperature', as: 't' }] },
        {
          type: 'window',
          time: 'processing',
          size: '1m',
          key: ['County'],
          aggregates: [{ op: 'mean', field: 't', as: 'mean_t' }],
        },
        { type: 'filter', where: 'mean_t > 3 and final' },
      ],
    });
    assert.deepEqual(validateTransform(spec, INPUT), [
      'window_start',
      'window_end',
      'County',
      'mean_t',
      'final',
    ]);
    fails(
      {
        steps: [
          { type: 'select', fields: ['Street Name'] },
          { type: 'select', fields: ['Issue Date'] },
        ],
      },
      'step 2 (select): unknown field "Issue Date" — the fields here are "Street Name"',
    );
  });

  it('accepts nested paths under a known field, and anything after a module', () => {
    const nested = parseTransformSpec({ steps: [{ type: 'select', fields: ['loc.lat'] }] });
    assert.deepEqual(validateTransform(nested, ['loc']), ['loc.lat']);
    const afterModule = parseTransformSpec({
      steps: [
        { type: 'module', path: './m.js' },
        { type: 'select', fields: ['anything'] },
      ],
    });
    assert.deepEqual(validateTransform(afterModule, ['a']), ['anything']);
  });
});

describe('transform reference schema', () => {
  it('takes a name, or a spec checked with the same one-line messages', () => {
    assert.equal(transformReferenceSchema.parse(' nyc-parking-boroughs '), 'nyc-parking-boroughs');
    const parsed = transformReferenceSchema.safeParse({
      steps: [{ type: 'cast', field: 'a', to: 'int' }],
    });
    assert.equal(parsed.success, false);
    assert.match(parsed.error!.issues[0]!.message, /^step 1 \(cast\): to: /);
    assert.equal(transformReferenceSchema.safeParse('').success, false);
  });
});

describe('input fields a transform reads', () => {
  const read = (steps: unknown[]) => inputFieldsRead(parseTransformSpec({ steps }));

  it('are the fields read up to the select or window that ends the input row', () => {
    assert.deepEqual(read(PRESETS['nyc-parking-boroughs']!.spec(null).steps), [
      'Issue Date',
      'W - Temperature',
      'Violation County Name',
    ]);
    assert.deepEqual(
      read([
        { type: 'filter', where: { field: 'kind', op: 'eq', value: 'x' } },
        { type: 'derive', field: 'total', expr: 'price * qty' },
        { type: 'select', fields: ['total', { field: 'meta.id', as: 'id' }] },
        { type: 'filter', where: 'unread > 1' },
      ]),
      ['kind', 'price', 'qty', 'total', 'meta.id', 'meta'],
    );
    assert.deepEqual(
      read([
        {
          type: 'window',
          time: { field: 't' },
          size: '1m',
          key: ['k'],
          aggregates: [{ op: 'mean', field: 'v', as: 'mean' }],
        },
      ]),
      ['t', 'k', 'v'],
    );
  });

  it('are unknown (null) when every field goes on, or a module sees the row', () => {
    assert.equal(read([{ type: 'filter', where: { field: 'a', op: 'not-null' } }]), null);
    assert.equal(
      read([
        { type: 'module', path: './m.js' },
        { type: 'select', fields: ['a'] },
      ]),
      null,
    );
  });
});
