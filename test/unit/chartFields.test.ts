// What the chart feed learns from output rows: field names in first-seen order with a type guess,
// and the first chart it proposes from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldDiscovery } from '../../main/charts/fieldDiscovery';
import { proposeFirstChart } from '../../main/charts/firstChart';
import { categoryValue, numberValue, timeValue } from '../../main/charts/fieldValues';

test('guesses number, string, timestamp and boolean; skips nulls and nested values', () => {
  const discovery = new FieldDiscovery();
  assert.equal(
    discovery.observe({
      a: 1,
      b: 'x',
      c: '2017-06-01',
      d: true,
      e: null,
      f: { q1: 1 },
      g: '2017-06-01T10:00:00.000Z',
    }),
    true,
  );
  assert.equal(discovery.observe({ a: '2.50', b: 'y', h: -3 }), true);
  assert.deepEqual(discovery.fields(), [
    { name: 'a', type: 'number' },
    { name: 'b', type: 'string' },
    { name: 'c', type: 'timestamp' },
    { name: 'd', type: 'boolean' },
    { name: 'g', type: 'timestamp' },
    { name: 'h', type: 'number' },
  ]);
  assert.equal(discovery.observe({ a: 3, b: 'z' }), false, 'nothing new');
  // a text value in a timestamp field makes it a string field
  assert.equal(discovery.observe({ c: 'soon' }), true);
  assert.deepEqual(discovery.fields()[2], { name: 'c', type: 'string' });
});

test('reads values as numbers, times and category labels', () => {
  assert.equal(numberValue('1.00'), 1);
  assert.equal(numberValue('-2e3'), -2000);
  assert.equal(numberValue(''), null);
  assert.equal(numberValue('12 cm'), null);
  assert.equal(numberValue(Number.NaN), null);
  assert.equal(timeValue('1970-01-01T00:00:01Z'), 1000);
  assert.equal(timeValue('1970-01-02'), 86_400_000);
  assert.equal(timeValue('tomorrow'), null);
  assert.equal(categoryValue(null), '(null)');
  assert.equal(categoryValue(7), '7');
});

test('proposes a histogram of the first numeric field', () => {
  assert.deepEqual(
    proposeFirstChart([
      { name: 'plate', type: 'string' },
      { name: 'fine', type: 'number' },
      { name: 'age', type: 'number' },
    ]),
    {
      id: 'first-chart',
      title: 'Distribution of fine',
      type: 'histogram',
      x: 'fine',
      window: { rows: 1000 },
    },
  );
});

test('proposes the first aggregate per window for window results, split by the key', () => {
  assert.deepEqual(
    proposeFirstChart([
      { name: 'window_start', type: 'timestamp' },
      { name: 'window_end', type: 'timestamp' },
      { name: 'Violation County', type: 'string' },
      { name: 'rows', type: 'number' },
      { name: 'final', type: 'boolean' },
    ]),
    {
      id: 'first-chart',
      title: 'rows per window',
      type: 'window',
      y: 'rows',
      group: 'Violation County',
      window: { rows: 1000 },
    },
  );
});

test('proposes a bar count of a text field when nothing is numeric, and nothing for no fields', () => {
  assert.equal(proposeFirstChart([{ name: 'plate', type: 'string' }])?.type, 'bar');
  assert.equal(proposeFirstChart([]), null);
});
