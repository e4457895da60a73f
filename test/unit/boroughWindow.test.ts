// The chart window: keeps the last N rows in arrival order, skips null temperatures, counts rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoroughWindow, windowRowFrom } from '../../main/charts/boroughWindow';

test('keeps every row until the window is full, in arrival order', () => {
  const window = new BoroughWindow(5);
  window.push({ borough: 'Queens', temperature: 40 });
  window.push({ borough: 'Bronx', temperature: 41 });
  window.push({ borough: 'Queens', temperature: 42 });
  assert.deepEqual(window.snapshot(), {
    series: { Queens: [40, 42], Bronx: [41] },
    windowSize: 5,
    rowsSeen: 3,
  });
});

test('drops the oldest rows once full', () => {
  const window = new BoroughWindow(3);
  for (let t = 1; t <= 7; t += 1)
    window.push({ borough: t % 2 === 0 ? 'Bronx' : 'Queens', temperature: t });
  assert.deepEqual(window.snapshot(), {
    series: { Queens: [5, 7], Bronx: [6] },
    windowSize: 3,
    rowsSeen: 7,
  });
});

test('a borough whose rows left the window disappears from the series', () => {
  const window = new BoroughWindow(2);
  window.push({ borough: 'Manhattan', temperature: 50 });
  window.push({ borough: 'Brooklyn', temperature: 51 });
  window.push({ borough: 'Brooklyn', temperature: 52 });
  assert.deepEqual(Object.keys(window.snapshot().series), ['Brooklyn']);
});

test('rows without a temperature take a place in the window but add no value', () => {
  const window = new BoroughWindow(2);
  window.push({ borough: 'Staten Island', temperature: 30 });
  window.push({ borough: 'Staten Island', temperature: null });
  window.push({ borough: 'Queens', temperature: null });
  assert.deepEqual(window.snapshot().series, { 'Staten Island': [], Queens: [] });
});

test('the version changes with every push', () => {
  const window = new BoroughWindow(1);
  const before = window.version();
  window.push({ borough: 'Queens', temperature: 1 });
  assert.notEqual(window.version(), before);
});

test('rejects a window size below 1', () => {
  assert.throws(() => new BoroughWindow(0), RangeError);
});

test('reads output records: borough and numeric temperature', () => {
  const value = JSON.stringify({
    'Issue Date': '2017-01-01',
    Temperature: 41.5,
    'Violation County': 'Bronx',
  });
  assert.deepEqual(windowRowFrom(Buffer.from(value)), { borough: 'Bronx', temperature: 41.5 });
  assert.deepEqual(windowRowFrom('{"Temperature":"38.0","Violation County":"Queens"}'), {
    borough: 'Queens',
    temperature: 38,
  });
  assert.deepEqual(windowRowFrom('{"Temperature":null,"Violation County":"Queens"}'), {
    borough: 'Queens',
    temperature: null,
  });
  assert.deepEqual(windowRowFrom('{"Temperature":"warm","Violation County":"Queens"}'), {
    borough: 'Queens',
    temperature: null,
  });
});

test('ignores records that are not JSON objects or name no borough', () => {
  for (const value of [
    null,
    'not json',
    '42',
    'null',
    '{"Temperature":40}',
    '{"Violation County":""}',
  ]) {
    assert.equal(windowRowFrom(value), null, String(value));
  }
});
