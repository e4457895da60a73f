// RowDigests: the run check's bookkeeping, on hand-made sides where every difference is known.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RowDigests } from '../../main/run/rowDigests';

function side(entries: [number, string][], size = 6): RowDigests {
  const digests = new RowDigests(size);
  for (const [index, json] of entries) digests.add(index, json);
  return digests;
}

test('equal sides in any order compare clean', () => {
  const expected = side([
    [0, '{"a":1}'],
    [2, '{"a":2}'],
    [2, '{"a":3}'],
  ]);
  const actual = side([
    [2, '{"a":3}'],
    [0, '{"a":1}'],
    [2, '{"a":2}'],
  ]);
  assert.equal(expected.total(), 3);
  assert.deepEqual(expected.compare(actual), {
    missing: 0,
    duplicated: 0,
    different: 0,
    examples: { missing: [], duplicated: [], different: [] },
  });
});

test('missing, duplicated, changed and stray rows are each counted', () => {
  const expected = side([
    [0, '{"a":1}'],
    [1, '{"a":2}'],
    [3, '{"a":4}'],
    [4, '{"a":5}'],
  ]);
  const actual = side([
    // row 0 missing; row 1 twice; row 3 with another value; row 4 right; one row index 9 (stray)
    [1, '{"a":2}'],
    [1, '{"a":2}'],
    [3, '{"a":40}'],
    [4, '{"a":5}'],
    [9, '{"a":9}'],
  ]);
  assert.deepEqual(expected.compare(actual), {
    missing: 1,
    duplicated: 2,
    different: 1,
    examples: { missing: [0], duplicated: [1], different: [3] },
  });
});
