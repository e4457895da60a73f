// The chart push throttle: at most N pushes a second, and none when nothing changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PushThrottle } from '../../main/charts/pushThrottle';

test('the first change may be pushed at once', () => {
  assert.equal(new PushThrottle(10).delayBeforePush(1_000, 1), 0);
});

test('waits out the interval after a push', () => {
  const throttle = new PushThrottle(10);
  throttle.markPushed(1_000, 1);
  assert.equal(throttle.delayBeforePush(1_030, 2), 70);
  assert.equal(throttle.delayBeforePush(1_100, 2), 0);
  assert.equal(throttle.delayBeforePush(5_000, 2), 0);
});

test('nothing to push when the version is the one already pushed', () => {
  const throttle = new PushThrottle(10);
  throttle.markPushed(1_000, 7);
  assert.equal(throttle.delayBeforePush(9_000, 7), null);
});

test('a simulated burst of changes yields at most maxPerSecond pushes a second', () => {
  const throttle = new PushThrottle(4);
  const pushes: number[] = [];
  let version = 0;
  let nextPushAt: number | null = null;
  for (let now = 0; now < 3_000; now += 5) {
    version += 1;
    if (nextPushAt === null) {
      const delay = throttle.delayBeforePush(now, version);
      if (delay !== null) nextPushAt = now + delay;
    }
    if (nextPushAt !== null && now >= nextPushAt) {
      throttle.markPushed(now, version);
      pushes.push(now);
      nextPushAt = null;
    }
  }
  assert.equal(pushes.length, 12);
  for (let i = 1; i < pushes.length; i += 1) assert.ok(pushes[i]! - pushes[i - 1]! >= 250);
});

test('rejects a rate that is not above 0', () => {
  assert.throws(() => new PushThrottle(0), RangeError);
});
