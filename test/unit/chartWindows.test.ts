// One chart's rolling window and figure (LiveChart): box statistics per category, bars of an
// aggregate per group, lines over arrival time, window results (latest per window start), the
// time window's expiry, and the CSV export of the window's rows. Expected values are hand-worked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartListSchema, chartSpecSchema, type ChartSpec } from '../../main/charts/chartSpec';
import { LiveChart } from '../../main/charts/liveChart';
import { parseCommandArgs } from '../../main/api/contract';

function spec(fields: Partial<ChartSpec> & Pick<ChartSpec, 'type'>): ChartSpec {
  return chartSpecSchema.parse({ id: 'c', title: 'Chart', ...fields });
}

test('a box chart keeps the last N rows and sends statistics per category, not values', () => {
  const chart = new LiveChart(spec({ type: 'box', x: 'borough', y: 't', window: { rows: 5 } }));
  const rows = [
    { borough: 'Queens', t: 100 }, // rolls out of the window
    { borough: 'Queens', t: 1 },
    { borough: 'Queens', t: '3' },
    { borough: 'Bronx', t: 7 },
    { borough: 'Queens', t: null },
    { borough: 'Queens', t: 2 },
  ];
  rows.forEach((row, i) => chart.push(row, i));
  const data = chart.data();
  assert.deepEqual(
    { windowRows: data.windowRows, rowsSeen: data.rowsSeen, skipped: data.skipped },
    { windowRows: 5, rowsSeen: 6, skipped: 1 },
  );
  assert.equal(data.figure.type, 'box');
  if (data.figure.type !== 'box') return;
  // Queens [1, 3, 2]: q1 1.5, median 2, q3 2.5; Bronx [7]
  assert.deepEqual(
    data.figure.boxes.map((box) => [box.name, box.count, box.q1, box.median, box.q3]),
    [
      ['Bronx', 1, 7, 7, 7],
      ['Queens', 3, 1.5, 2, 2.5],
    ],
  );
});

test('a bar chart of the mean per category, one series per group', () => {
  const chart = new LiveChart(
    spec({ type: 'bar', x: 'day', y: 'fine', aggregate: 'mean', group: 'state' }),
  );
  [
    { day: 'Tue', fine: 10, state: 'NY' },
    { day: 'Mon', fine: 20, state: 'NY' },
    { day: 'Mon', fine: 40, state: 'NY' },
    { day: 'Mon', fine: 5, state: 'NJ' },
    { day: 'Mon', fine: 'n/a', state: 'NJ' },
  ].forEach((row, i) => chart.push(row, i));
  assert.deepEqual(chart.data().figure, {
    type: 'bar',
    categories: ['Mon', 'Tue'],
    series: [
      { name: 'NJ', values: [5, null] },
      { name: 'NY', values: [30, 10] },
    ],
  });
});

test('counted bars sort numeric categories as numbers', () => {
  const chart = new LiveChart(spec({ type: 'bar', x: 'hour' }));
  for (const hour of [10, 2, 2, 9]) chart.push({ hour }, 0);
  assert.deepEqual(chart.data().figure, {
    type: 'bar',
    categories: ['2', '9', '10'],
    series: [{ name: 'count', values: [2, 1, 1] }],
  });
});

test('a line over arrival time, downsampled to maxPoints', () => {
  const chart = new LiveChart(spec({ type: 'line', y: 'v', maxPoints: 3 }));
  for (let i = 0; i < 5; i += 1) chart.push({ v: i * 10 }, 1000 + i);
  assert.deepEqual(chart.data().figure, {
    type: 'line',
    xTime: true,
    series: [{ name: 'v', x: [1000, 1002, 1004], y: [0, 20, 40] }],
  });
});

test('a line over an event-time field is sorted by that time', () => {
  const chart = new LiveChart(spec({ type: 'line', x: 'at', y: 'v' }));
  chart.push({ at: '1970-01-01T00:00:02Z', v: 2 }, 0);
  chart.push({ at: '1970-01-01T00:00:01Z', v: 1 }, 0);
  assert.deepEqual(chart.data().figure, {
    type: 'line',
    xTime: true,
    series: [{ name: 'v', x: [1000, 2000], y: [1, 2] }],
  });
});

test('a window chart draws the latest result per window start and key', () => {
  const chart = new LiveChart(spec({ type: 'window', y: 'rows', group: 'borough' }));
  const at = (s: number) => `1970-01-01T00:00:0${s}.000Z`;
  chart.push({ window_start: at(0), borough: 'Bronx', rows: 3, final: false }, 0);
  chart.push({ window_start: at(0), borough: 'Bronx', rows: 5, final: true }, 0);
  chart.push({ window_start: at(5), borough: 'Bronx', rows: 1, final: true }, 0);
  chart.push({ window_start: at(0), borough: 'Queens', rows: 2, final: true }, 0);
  assert.deepEqual(chart.data().figure, {
    type: 'window',
    xTime: true,
    series: [
      { name: 'Bronx', x: [0, 5000], y: [5, 1] },
      { name: 'Queens', x: [0], y: [2] },
    ],
  });
});

test('a time window lets rows older than T seconds go', () => {
  const chart = new LiveChart(spec({ type: 'histogram', x: 'v', window: { seconds: 2 } }));
  chart.push({ v: 1 }, 0);
  chart.push({ v: 2 }, 1500);
  assert.equal(chart.data().windowRows, 2);
  const before = chart.version();
  assert.equal(chart.expire(2500), true);
  assert.notEqual(chart.version(), before);
  assert.equal(chart.data().windowRows, 1);
  assert.equal(chart.expire(2600), false);
});

test('CSV export: the chart fields as columns, a header, quoting where needed', () => {
  const chart = new LiveChart(spec({ type: 'box', x: 'borough', y: 't', group: 'note' }));
  chart.push({ borough: 'Staten Island', t: 1.5, note: 'said "hi", left', other: 1 }, 0);
  chart.push({ borough: 'Queens', t: null }, 0);
  assert.equal(chart.csv(), 'borough,t,note\nStaten Island,1.5,"said ""hi"", left"\nQueens,,\n');
  const line = new LiveChart(spec({ type: 'line', y: 'v' }));
  line.push({ v: 4 }, 0);
  assert.equal(line.csv(), 'arrival_time,v\n1970-01-01T00:00:00.000Z,4\n');
});

test('the spec schema names the missing field and refuses duplicate ids', () => {
  const box = chartSpecSchema.safeParse({ id: 'b', title: 'B', type: 'box', x: 'borough' });
  assert.equal(box.success, false);
  assert.deepEqual(
    box.error?.issues.map((issue) => [issue.path.join('.'), issue.message]),
    [['y', 'a box chart needs a field for y']],
  );
  const bar = chartSpecSchema.safeParse({
    id: 'b',
    title: 'B',
    type: 'bar',
    x: 'd',
    aggregate: 'sum',
  });
  assert.equal(bar.error?.issues[0]?.path.join('.'), 'y');
  assert.deepEqual(spec({ type: 'histogram', x: 'v' }).window, { rows: 1000 });
  const twice = chartListSchema.safeParse([
    { id: 'a', title: 'A', type: 'histogram', x: 'v' },
    { id: 'a', title: 'A2', type: 'histogram', x: 'v' },
  ]);
  assert.equal(twice.error?.issues[0]?.message, 'chart id a is used twice');
});

test('setCharts arguments are checked at the boundary, the error naming the chart field', () => {
  const parsed = parseCommandArgs('setCharts', {
    charts: [{ id: 'h', title: 'Fines', type: 'histogram' }],
  });
  assert.deepEqual(parsed, {
    ok: false,
    error: 'setCharts: charts.0.x: a histogram chart needs a field for x',
    field: { name: 'charts.0.x', message: 'a histogram chart needs a field for x' },
  });
});
