// One log line per key per interval on a hand-moved clock: repeats inside the interval are held
// back and counted, the next line after it says how many, keys are independent, and keys quiet
// for an interval are forgotten.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogRateLimiter } from '../../main/shared/logRateLimiter';

test('lets one line per key through each minute and counts the ones held back', () => {
  let now = 1_000_000;
  const limiter = new LogRateLimiter(60_000, () => now);
  assert.equal(limiter.admit('a'), 0);
  assert.equal(limiter.admit('a'), null);
  now += 30_000;
  assert.equal(limiter.admit('a'), null);
  assert.equal(limiter.admit('b'), 0, 'another source has its own minute');
  now += 29_999; // 59.999 s after the first line
  assert.equal(limiter.admit('a'), null);
  now += 1; // a minute after the first line
  assert.equal(limiter.admit('a'), 3, 'three were held back');
  assert.equal(limiter.admit('a'), null);
  now += 60_000;
  assert.equal(limiter.admit('a'), 1);
  now += 120_000;
  assert.equal(limiter.admit('a'), 0, 'nothing held back since');
  assert.equal(limiter.admit('b'), 0, 'b was forgotten, not held back');
});
