// The "Add chart" form: which discovered fields each chart type offers, the spec a form makes, and
// errors put beside the field they name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OutputField } from '../../main/api/contract';
import {
  chartOfForm,
  fieldChoices,
  formOfChart,
  newChartForm,
  withType,
} from '../../renderer/forms/chartForm';

const fields: OutputField[] = [
  { name: 'Issue Date', type: 'timestamp' },
  { name: 'Temperature', type: 'number' },
  { name: 'Violation County', type: 'string' },
  { name: 'Fine', type: 'number' },
];
const names = (list: OutputField[]) => list.map((field) => field.name);

test('each axis offers only the fields that fit it', () => {
  assert.deepEqual(names(fieldChoices('histogram', 'x', fields)), ['Temperature', 'Fine']);
  assert.deepEqual(names(fieldChoices('box', 'x', fields)), [
    'Temperature',
    'Violation County',
    'Fine',
  ]);
  assert.deepEqual(names(fieldChoices('line', 'x', fields)), ['Issue Date', 'Temperature', 'Fine']);
  assert.deepEqual(names(fieldChoices('window', 'x', fields)), ['Issue Date']);
  assert.deepEqual(names(fieldChoices('scatter', 'group', fields)), [
    'Temperature',
    'Violation County',
    'Fine',
  ]);
});

test('a new form picks the first numeric field for a histogram and names the chart after it', () => {
  const form = newChartForm(fields);
  assert.equal(form.x, 'Temperature');
  assert.deepEqual(chartOfForm(form, 'c1'), {
    ok: true,
    spec: {
      id: 'c1',
      title: 'Distribution of Temperature',
      type: 'histogram',
      x: 'Temperature',
      bins: 20,
      window: { rows: 1000 },
    },
  });
});

test('switching to a box plot keeps fitting fields and fills the required one', () => {
  const form = withType({ ...newChartForm(fields), x: 'Fine' }, 'box', fields);
  assert.equal(form.y, 'Temperature');
  assert.equal(form.x, 'Fine');
  const result = chartOfForm(
    { ...form, x: 'Violation County', windowKind: 'seconds', windowSize: '30' },
    'b',
  );
  assert.ok(result.ok);
  assert.deepEqual(result.spec, {
    id: 'b',
    title: 'Temperature by Violation County',
    type: 'box',
    x: 'Violation County',
    y: 'Temperature',
    window: { seconds: 30 },
  });
});

test('errors name the field: a missing y, a window out of range', () => {
  const form = withType(newChartForm([]), 'scatter', []);
  const result = chartOfForm({ ...form, windowSize: '0' }, 's');
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.errors.x, 'a scatter chart needs a field for x');
  assert.equal(result.errors.y, 'a scatter chart needs a field for y');
  assert.equal(result.errors.window, 'the window holds 1 to 100,000 rows');
});

test('editing keeps the axis labels of fields that stay', () => {
  const spec = {
    id: 'temperature-by-borough',
    title: 'Temperature by borough',
    type: 'box' as const,
    x: 'Violation County',
    y: 'Temperature',
    xLabel: 'Borough',
    yLabel: 'Temperature (°F)',
    window: { rows: 1000 },
  };
  const result = chartOfForm({ ...formOfChart(spec), windowSize: '500' }, spec.id, spec);
  assert.deepEqual(result, { ok: true, spec: { ...spec, window: { rows: 500 } } });
});
