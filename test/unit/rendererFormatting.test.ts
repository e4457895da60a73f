// The renderer's pure helpers: number and duration formatting, and the mapping of validation errors to form fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatCell, formatCount, formatDuration } from '../../renderer/format/units';
import { streamConfigErrors } from '../../renderer/forms/fieldErrors';

test('counts, sizes and durations read naturally', () => {
  assert.equal(formatCount(1234567.4), '1,234,567');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(3_456_789), '3.3 MB');
  assert.equal(formatBytes(20 * 1024 ** 3), '20 GB');
  assert.equal(formatDuration(null), '—');
  assert.equal(formatDuration(Number.POSITIVE_INFINITY), '—');
  assert.equal(formatDuration(42.4), '42 s');
  assert.equal(formatDuration(185), '3 min 05 s');
  assert.equal(formatDuration(7620), '2 h 07 min');
});

test('preview cells show text as is and other values as JSON, shortened', () => {
  assert.equal(formatCell('Brooklyn'), 'Brooklyn');
  assert.equal(formatCell(null), 'null');
  assert.equal(formatCell({ a: [1, 2] }), '{"a":[1,2]}');
  assert.equal(formatCell(undefined), 'undefined');
  assert.equal(formatCell('x'.repeat(100), 10), 'xxxxxxxxx…');
});

test('the stream form is checked with the contract schema, one error per field', () => {
  const valid = {
    path: '/data/a.parquet',
    inputTopic: 'parking-violations',
    outputTopic: 'parking-violations-by-borough',
    partitions: 4,
    workers: 2,
    ratePerSecond: null,
  };
  assert.deepEqual(streamConfigErrors(valid), {});
  const errors = streamConfigErrors({
    ...valid,
    path: '',
    inputTopic: 'no spaces',
    partitions: Number.NaN,
    ratePerSecond: -5,
  });
  assert.deepEqual(Object.keys(errors).sort(), [
    'inputTopic',
    'partitions',
    'path',
    'ratePerSecond',
  ]);
  assert.equal(errors.inputTopic, 'topic names may use letters, digits, ".", "_" and "-" only');
});
