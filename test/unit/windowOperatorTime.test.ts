// Window time: event times from ISO-8601 text (any zone, or none = UTC) and epoch numbers, and
// the windows a time falls in at their boundaries. Expected instants are worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventTimeMs, isoText, windowStarts } from '../../main/pipelines/windowTime';

// 2016-07-01T00:00:00Z: day 16983 of the epoch (46 years to 2016 with 11 leap days = 16801,
// plus 182 days of 2016 to July) × 86 400 s
const JULY_FIRST = 1_467_331_200_000;

test('ISO text with a zone, without one (UTC), date only, with fractions, and epoch numbers', () => {
  const cases: [unknown, number][] = [
    ['2016-07-01T00:00:00Z', JULY_FIRST],
    ['2016-07-01T00:00:00', JULY_FIRST],
    ['2016-07-01 00:00:00', JULY_FIRST],
    ['2016-07-01', JULY_FIRST],
    ['2016-07-01T00:00', JULY_FIRST],
    [' 2016-07-01T00:00:00z ', JULY_FIRST],
    ['2016-07-01T02:00:00+02:00', JULY_FIRST],
    ['2016-07-01T05:30+05:30', JULY_FIRST],
    ['2016-06-30T19:00:00-0500', JULY_FIRST], // 19:00 + 5 h = 24:00
    ['2016-06-30T22:00:00-02', JULY_FIRST],
    ['+002016-07-01T00:00:00Z', JULY_FIRST],
    ['2016-07-01T00:00:00.123456789Z', JULY_FIRST + 123], // cut to the millisecond
    ['2016-07-01T00:00:00.5', JULY_FIRST + 500],
    ['2016-07-01T00:00:00,25Z', JULY_FIRST + 250],
    ['2016-07-01T01:00:00.5+01:00', JULY_FIRST + 500],
    ['2016-07-01T00:00:00.000000001', JULY_FIRST],
    ['2016-07-01 00:10:00.000 +00:00', JULY_FIRST + 600_000],
    ['1970-01-01T00:00:00Z', 0],
    ['1969-12-31T23:59:59.999Z', -1],
    // Feb 29 → Jul 1 2016: 1 + 31 + 30 + 31 + 30 = 123 days earlier
    ['2016-02-29', JULY_FIRST - 123 * 86_400_000],
    // 2000-01-01 is 946 684 800 s; Feb 29 is 31 + 28 days later
    ['2000-02-29T00:00:00Z', (946_684_800 + 59 * 86_400) * 1000],
    // 9999-12-31T23:59:59.999Z is 253 402 300 799 999 ms, the last instant with a 4-digit year
    ['+010000-01-01T00:00:00Z', 253_402_300_800_000],
    // 0000-01-01 is −62 167 219 200 000 ms; the year before it has 365 days
    ['-000001-01-01', -62_167_219_200_000 - 365 * 86_400_000],
    [JULY_FIRST, JULY_FIRST],
    [1.5, 1.5],
    [-86_400_000, -86_400_000],
  ];
  for (const [value, expected] of cases) assert.equal(eventTimeMs(value), expected, String(value));
});

test('anything else is no time', () => {
  for (const value of [
    '2016-13-01',
    '2016-00-10',
    '2016-02-30',
    '2015-02-29',
    '1900-02-29',
    '2016-04-31',
    '2016-07-01T24:00:00',
    '2016-07-01T00:60',
    '2016-07-01T00:00:60',
    '2016-07-01T00:00:00+24:00',
    '2016-07-01T00:00:00+02:60',
    '2016-07-01T00:00:00+05:',
    '2016-07-01T00:00:00+5',
    '2016-07-01T00:00:00 UTC',
    '2016-07-01T00:00:00Zx',
    '2016-07-01T00:00.5',
    '2016-07-01T00:00:00.',
    '2016-07-01T00',
    '2016-07-01T',
    '2016-7-1',
    '2016-07-01Z',
    '07/01/2016',
    'yesterday',
    '',
    '1467331200000',
    null,
    undefined,
    true,
    NaN,
    Infinity,
    8.65e15,
    {},
  ]) {
    assert.equal(eventTimeMs(value), null, JSON.stringify(value) ?? String(value));
  }
});

test('tumbling windows: a window holds its start, not its end', () => {
  assert.deepEqual(windowStarts(0, 10, 10), [0]);
  assert.deepEqual(windowStarts(9, 10, 10), [0]);
  assert.deepEqual(windowStarts(10, 10, 10), [10]);
  assert.deepEqual(windowStarts(-1, 10, 10), [-10]);
  assert.deepEqual(windowStarts(-10, 10, 10), [-10]);
  assert.deepEqual(windowStarts(-11, 10, 10), [-20]);
  // 10-minute windows of 2016-07-01 00:09:59.999 and 00:10
  assert.deepEqual(windowStarts(JULY_FIRST + 599_999, 600_000, 600_000), [JULY_FIRST]);
  assert.deepEqual(windowStarts(JULY_FIRST + 600_000, 600_000, 600_000), [JULY_FIRST + 600_000]);
});

test('hopping windows: every multiple of hop in (t − size, t], oldest first', () => {
  assert.deepEqual(windowStarts(0, 10, 5), [-5, 0]);
  assert.deepEqual(windowStarts(4, 10, 5), [-5, 0]);
  assert.deepEqual(windowStarts(5, 10, 5), [0, 5]);
  assert.deepEqual(windowStarts(-1, 10, 5), [-10, -5]);
  assert.deepEqual(windowStarts(-5, 10, 5), [-10, -5]);
  // hop not dividing size: [0, 10), [3, 13) and [6, 16) hold 7; [−3, 7) does not
  assert.deepEqual(windowStarts(7, 10, 3), [0, 3, 6]);
  // 6 is also in [−3, 7)
  assert.deepEqual(windowStarts(6, 10, 3), [-3, 0, 3, 6]);
  // a fractional epoch time
  assert.deepEqual(windowStarts(4.5, 10, 5), [-5, 0]);
});

test('window bounds print as ISO-8601 UTC with milliseconds', () => {
  assert.equal(isoText(JULY_FIRST + 600_000), '2016-07-01T00:10:00.000Z');
  assert.equal(isoText(-1), '1969-12-31T23:59:59.999Z');
});
