// The presets: nyc-parking-boroughs gives exactly the rows the Python pipeline's agent gave
// (hand-written inputs and outputs), the windowed preset's spec, and counts-per-minute's parameter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Row, WindowOperator } from '../../main/pipelines/pipeline';
import { DEFAULT_PRESET, findPreset, PRESETS } from '../../main/pipelines/presets';
import { loadTransform } from '../../main/pipelines/transformSource';
import type { WindowStepSpec } from '../../main/pipelines/windowSpec';

async function runBoroughs(rows: Row[]) {
  const { transform } = await loadTransform('nyc-parking-boroughs');
  const tally = transform.newTally();
  return { rows: transform.head.run(rows, tally), tally, transform };
}

const input = (county: unknown, extra: Row = {}): Row => ({
  'Summons Number': 1,
  'Issue Date': '2017-01-05T08:30:00.000Z',
  'W - Temperature': 41.5,
  'Violation County Name': county,
  'Street Name': 'Broadway',
  ...extra,
});

describe('nyc-parking-boroughs preset', () => {
  it('keeps three fields in order, renames the temperature and maps the borough', async () => {
    const { rows, transform } = await runBoroughs([input('K')]);
    assert.equal(transform.window, null);
    assert.deepEqual(rows, [
      {
        'Issue Date': '2017-01-05T08:30:00.000Z',
        Temperature: 41.5,
        'Violation County': 'Brooklyn',
      },
    ]);
    assert.deepEqual(Object.keys(rows[0]!), ['Issue Date', 'Temperature', 'Violation County']);
  });

  it('maps every code of the Python pipeline, and no other', async () => {
    const expected: [string, string][] = [
      ['BK', 'Brooklyn'],
      ['K', 'Brooklyn'],
      ['Kings', 'Brooklyn'],
      ['ABX', 'Bronx'],
      ['BX', 'Bronx'],
      ['Bronx', 'Bronx'],
      ['MN', 'Manhattan'],
      ['NY', 'Manhattan'],
      ['Q', 'Queens'],
      ['QN', 'Queens'],
      ['QNS', 'Queens'],
      ['QUEEN', 'Queens'],
      ['Qns', 'Queens'],
      ['R', 'Staten Island'],
      ['Rich', 'Staten Island'],
      ['ST', 'Staten Island'],
    ];
    const { rows } = await runBoroughs(expected.map(([code]) => input(code)));
    assert.deepEqual(
      rows.map((row) => row['Violation County']),
      expected.map(([, borough]) => borough),
    );
    const map = PRESETS['nyc-parking-boroughs']!.spec(null).steps.find(
      (step) => step.type === 'map',
    );
    assert.deepEqual(
      map && 'values' in map ? map.values : null,
      Object.fromEntries(expected),
      'no code beyond these',
    );
  });

  it('drops unknown, null, missing and non-string codes, and counts them', async () => {
    const codes = ['XX', 'bk', 'kings', '', ' K', null, 3, true, 'constructor', 'toString'];
    const { rows, tally } = await runBoroughs([
      ...codes.map((code) => input(code)),
      { 'Issue Date': '2017-01-05', 'W - Temperature': 40 },
    ]);
    assert.deepEqual(rows, []);
    assert.deepEqual(tally[1], {
      step: 2,
      type: 'map',
      in: 11,
      out: 0,
      dropped: 11,
      errors: 0,
      late: 0,
    });
  });

  it('drops input that is not a JSON object', async () => {
    const notRows = [null, 42, 'K', [input('K')]] as unknown as Row[];
    const { rows, tally } = await runBoroughs(notRows);
    assert.deepEqual(rows, []);
    assert.equal(tally[1]!.dropped, 4);
  });

  it('keeps a null or missing date and temperature as null', async () => {
    const { rows } = await runBoroughs([{ 'Violation County Name': 'Q', 'W - Temperature': null }]);
    assert.deepEqual(rows, [
      { 'Issue Date': null, Temperature: null, 'Violation County': 'Queens' },
    ]);
  });

  it('is the default preset and names the demo topics', () => {
    assert.equal(DEFAULT_PRESET, 'nyc-parking-boroughs');
    assert.deepEqual(PRESETS[DEFAULT_PRESET]!.topics, {
      input: 'parking-violations',
      output: 'parking-violations-by-borough',
    });
  });
});

describe('windowed and generic presets', () => {
  const fakeOperator =
    (specs: WindowStepSpec[]) =>
    (spec: WindowStepSpec): WindowOperator => {
      specs.push(spec);
      return {
        keyFields: spec.key ?? [],
        eventTime: () => null,
        emptyState: () => ({ openWindows: 0, sizeBytes: 0 }),
        restore: () => ({ openWindows: 0, sizeBytes: 0 }),
        process: () => ({ results: [], changes: [] }),
      };
    };

  it('nyc-parking-temperature-10m runs the borough steps, then a 10-minute window per borough', async () => {
    const specs: WindowStepSpec[] = [];
    const { transform, outputFields } = await loadTransform('nyc-parking-temperature-10m', {
      createWindowOperator: fakeOperator(specs),
      inputFields: ['Issue Date', 'W - Temperature', 'Violation County Name', 'Street Name'],
    });
    assert.equal(transform.window?.tallyIndex, 2);
    assert.deepEqual(specs[0]!.time, { field: 'Issue Date' });
    assert.equal(specs[0]!.size, '10m');
    assert.deepEqual(specs[0]!.key, ['Violation County']);
    assert.equal(specs[0]!.emit, 'update');
    assert.deepEqual(outputFields, [
      'window_start',
      'window_end',
      'Violation County',
      'rows',
      'mean_temperature',
      'temperature',
      'final',
    ]);
  });

  it('counts-per-minute takes the column after a colon', async () => {
    const specs: WindowStepSpec[] = [];
    await loadTransform('counts-per-minute:Plate Type', {
      createWindowOperator: fakeOperator(specs),
    });
    assert.deepEqual(specs[0], {
      type: 'window',
      time: 'processing',
      size: '1m',
      key: ['Plate Type'],
      aggregates: [{ op: 'count', as: 'count' }],
      emit: 'update',
    });
    assert.throws(
      () => findPreset('counts-per-minute'),
      /^InputError: preset counts-per-minute needs a column name: counts-per-minute:<column>$/,
    );
    await assert.rejects(
      loadTransform('counts-per-minute:Plate Typ', {
        inputFields: ['Plate Type'],
        createWindowOperator: fakeOperator([]),
      }),
      { message: 'step 1 (window): unknown field "Plate Typ" — did you mean "Plate Type"?' },
    );
  });
});
