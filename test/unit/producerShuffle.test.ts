// --shuffle: a seeded permutation of each row group, the same for the same seed and slice.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { shuffledOrder } from '../../main/producer/rowShuffler';

it('is a permutation, deterministic for a seed and slice, different across seeds and slices', () => {
  const order = shuffledOrder(1000, 7, 0);
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.deepEqual(shuffledOrder(1000, 7, 0), order);
  assert.notDeepEqual(shuffledOrder(1000, 8, 0), order);
  assert.notDeepEqual(shuffledOrder(1000, 7, 1000), order);
  const moved = [...order].filter((value, index) => value !== index).length;
  assert.ok(moved > 900, `only ${moved} of 1000 rows moved`);
});

it('handles empty and single-row slices', () => {
  assert.deepEqual([...shuffledOrder(0, 1, 0)], []);
  assert.deepEqual([...shuffledOrder(1, 1, 0)], [0]);
});
