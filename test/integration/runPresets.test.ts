// Each kind of transform end to end through `parquet-streamer run` on the real broker, with the
// committed output (read_committed) checked against a count made by hand over the same rows:
// the windowed NYC preset on the demo data, counts-per-minute on a generated sensor file, an
// event-time window spec over rows out of order in 4 partitions (late rows included), and a
// filter + derive spec exact by source.row. (The borough preset: runCommand.test.ts.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import * as arrow from 'apache-arrow';
import * as parquetWasm from 'parquet-wasm';
import { readCommitted } from '../../main/broker/committedTopicReader';
import { writeDemoDataset } from '../../main/parquet/demoDataset';
import { murmur2, toPositive } from '../../main/producer/murmur2';
import { ParquetDataset } from '../../main/parquet/parquetDataset';
import { RowCodec } from '../../main/parquet/rowCodec';
import { SOURCE_ROW_HEADER } from '../../main/shared/sourceHeaders';
import { testBrokers, uniqueName } from '../support/testBroker';

type Row = Record<string, unknown>;

const cli = path.resolve(__dirname, '..', '..', 'main', 'cli', 'main.js');
const PARKING_ROWS = 3_000;
const SENSOR_ROWS = 2_000;
const SENSORS = ['alpha', 'beta', 'gamma'];
const SITES = ['north', 'east', 'south', 'west'];
const BASE = Date.UTC(2024, 0, 1);
let dir = '';
let parking = '';
let sensors = '';

/**
 * The input partition of row i out of 4: run keys a row by its number, and Kafka's default
 * partitioner hashes the key (murmur2, checked against the Java client in partitioner.test.ts).
 */
function partitionOf(i: number): number {
  return toPositive(murmur2(Buffer.from(String(i), 'utf8'))) % 4;
}

/** the generated sensor file's row i, as the test reasons about it */
function sensorRow(i: number) {
  return {
    // one row a second, every tenth two minutes back
    ts: BASE + i * 1000 - (i % 10 === 9 ? 120_000 : 0),
    sensor: i % 17 === 0 ? null : SENSORS[i % 3]!,
    // each site's rows all go to one input partition of 4
    site: SITES[partitionOf(i)]!,
    reading: ((i * 7) % 50) / 2,
  };
}

async function writeSensorFile(file: string): Promise<void> {
  const rows = Array.from({ length: SENSOR_ROWS }, (_, i) => sensorRow(i));
  const table = new arrow.Table({
    ts: arrow.vectorFromArray(
      rows.map((row) => row.ts),
      new arrow.TimestampMillisecond(),
    ),
    sensor: arrow.vectorFromArray(
      rows.map((row) => row.sensor),
      new arrow.Utf8(),
    ),
    site: arrow.vectorFromArray(
      rows.map((row) => row.site),
      new arrow.Utf8(),
    ),
    reading: arrow.vectorFromArray(
      rows.map((row) => row.reading),
      new arrow.Float64(),
    ),
  });
  const wasmTable = parquetWasm.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  const properties = new parquetWasm.WriterPropertiesBuilder().setMaxRowGroupSize(500).build();
  await writeFile(file, parquetWasm.writeParquet(wasmTable, properties));
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ps-run-presets-'));
  parking = path.join(dir, 'parking.parquet');
  sensors = path.join(dir, 'sensors.parquet');
  await writeDemoDataset({ path: parking, rows: PARKING_ROWS, rowGroupRows: 1_000 });
  await writeSensorFile(sensors);
});
after(() => rm(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [cli, 'run', ...args, '--brokers', testBrokers().join(',')],
      { timeout: 240_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The committed output: each record's value and source.row header. */
async function committed(topic: string): Promise<{ row: Row; source: number }[]> {
  const records: { row: Row; source: number }[] = [];
  await readCommitted(testBrokers(), topic, (_partition, message) => {
    const header = message.headers?.[SOURCE_ROW_HEADER];
    records.push({
      row: JSON.parse(message.value!.toString('utf8')) as Row,
      source: header === undefined ? -1 : Number(header.toString()),
    });
  });
  return records;
}

/** The last committed result of each (window, key): a window's results come in order. */
async function latestWindows(topic: string, keyField: string): Promise<Map<string, Row>> {
  const latest = new Map<string, Row>();
  for (const { row } of await committed(topic))
    latest.set(`${String(row.window_start)} ${JSON.stringify(row[keyField])}`, row);
  return latest;
}

// the borough codes of the demo data, as the Python pipeline maps them
const BOROUGHS: Record<string, string> = {
  NY: 'Manhattan',
  MN: 'Manhattan',
  K: 'Brooklyn',
  BK: 'Brooklyn',
  Kings: 'Brooklyn',
  Q: 'Queens',
  QN: 'Queens',
  Qns: 'Queens',
  QNS: 'Queens',
  QUEEN: 'Queens',
  BX: 'Bronx',
  Bronx: 'Bronx',
  ABX: 'Bronx',
  R: 'Staten Island',
  ST: 'Staten Island',
  Rich: 'Staten Island',
};

test('nyc-parking-temperature-10m through 2 workers: every window as counted by hand, exit 0', async () => {
  const output = uniqueName('run-temperature-out');
  const result = await run([
    parking,
    '--workers',
    '2',
    '--transform',
    'nyc-parking-temperature-10m',
    '--output',
    output,
  ]);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  // by hand: kept rows by 10-minute window of Issue Date and borough; count and mean temperature
  const dataset = await ParquetDataset.open(parking);
  const codec = new RowCodec(dataset.schema);
  const expected = new Map<string, { rows: number; temperatures: number[] }>();
  for await (const slice of dataset.readRowGroups()) {
    for (const row of codec.toObjects(slice.table)) {
      const borough = BOROUGHS[String(row['Violation County Name'])];
      if (borough === undefined) continue;
      const start = Math.floor(Date.parse(String(row['Issue Date'])) / 600_000) * 600_000;
      const id = `${new Date(start).toISOString()} ${JSON.stringify(borough)}`;
      const cell = expected.get(id) ?? { rows: 0, temperatures: [] };
      cell.rows += 1;
      if (typeof row['W - Temperature'] === 'number')
        cell.temperatures.push(row['W - Temperature']);
      expected.set(id, cell);
    }
  }
  const actual = await latestWindows(output, 'Violation County');
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [id, { rows, temperatures }] of expected) {
    const got = actual.get(id)!;
    assert.equal(got.rows, rows, id);
    const mean =
      temperatures.length === 0
        ? null
        : temperatures.reduce((sum, value) => sum + value, 0) / temperatures.length;
    if (mean === null) assert.equal(got.mean_temperature, null, id);
    else assert.ok(Math.abs((got.mean_temperature as number) - mean) < 1e-9, id);
  }
  assert.match(
    result.stdout,
    new RegExp(
      `: ${expected.size.toLocaleString('en-US')} expected, 0 missing, 0 different, 0 unexpected`,
    ),
  );
  assert.match(result.stdout, /\nexact: every expected output row, once\n$/);
});

test('counts-per-minute:sensor on a generated file: per sensor, the counts of all windows add up to a hand count, exit 0', async () => {
  const output = uniqueName('run-counts-out');
  const result = await run([
    sensors,
    '--workers',
    '2',
    '--transform',
    'counts-per-minute:sensor',
    '--output',
    output,
  ]);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  // by hand: sensor i % 3, null when i % 17 = 0 — 118 nulls of 0…1999 (0, 17, …, 1989)
  const expected = new Map<string, number>();
  for (let i = 0; i < SENSOR_ROWS; i++) {
    const key = JSON.stringify(sensorRow(i).sensor);
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  assert.equal(expected.get('null'), 118);
  const totals = new Map<string, number>();
  for (const row of (await latestWindows(output, 'sensor')).values()) {
    const key = JSON.stringify(row.sensor);
    totals.set(key, (totals.get(key) ?? 0) + (row.count as number));
  }
  assert.deepEqual(totals, expected);
  assert.match(result.stdout, /: 4 keys, 0 missing, 0 different, 0 unexpected\n/);
});

// Each site's rows come from one input partition, so a window partition hears from the other
// three only through progress markers: without them no window of a site would ever close, and
// run's check of the final flags would fail.
test('an event-time window over rows out of order in 4 partitions: exactly the rows late in their own partition are refused, windows closed by all partitions, exit 0', async () => {
  const spec = path.join(dir, 'sensor-minutes.json');
  await writeFile(
    spec,
    JSON.stringify({
      name: 'sensor-minutes',
      steps: [
        {
          type: 'window',
          time: { field: 'ts' },
          size: '1m',
          grace: '30s',
          key: ['site'],
          aggregates: [
            { op: 'count', as: 'rows' },
            { op: 'sum', field: 'reading', as: 'total' },
          ],
          emit: 'update',
        },
      ],
    }),
  );
  const output = uniqueName('run-sensor-windows-out');
  const result = await run([
    sensors,
    '--workers',
    '2',
    '--partitions',
    '4',
    '--transform',
    spec,
    '--output',
    output,
  ]);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  // by hand, partition by partition in row order: a row is late when its 1-minute window's end
  // + 30 s is at most its partition's highest time so far; a window is final when its end + 30 s
  // is at most the lowest of the partitions' last highest times
  const highest = [-Infinity, -Infinity, -Infinity, -Infinity];
  const windows = new Set<string>();
  let late = 0;
  let rows = 0;
  let total = 0;
  for (let i = 0; i < SENSOR_ROWS; i++) {
    const { ts, site, reading } = sensorRow(i);
    const partition = partitionOf(i);
    highest[partition] = Math.max(highest[partition]!, ts);
    const end = Math.floor(ts / 60_000) * 60_000 + 60_000;
    if (end + 30_000 <= highest[partition]!) late += 1;
    else {
      rows += 1;
      total += reading;
      windows.add(`${new Date(end - 60_000).toISOString()} ${JSON.stringify(site)}`);
    }
  }
  const lowest = Math.min(...highest);
  const final = [...windows].filter((id) => Date.parse(id.slice(0, 24)) + 90_000 <= lowest);
  // every tenth row, 120 s back, is late unless its partition had no row in the 90 s before it
  assert.ok(late > 150 && late <= 200, `late ${late}`);
  assert.match(
    result.stdout,
    new RegExp(`\\n${late} rows came later than the window's grace period`),
  );
  const committed = await latestWindows(output, 'site');
  assert.deepEqual([...committed.keys()].sort(), [...windows].sort());
  let committedRows = 0;
  let committedTotal = 0;
  const committedFinal: string[] = [];
  for (const [id, row] of committed) {
    committedRows += row.rows as number;
    committedTotal += row.total as number;
    if (row.final === true) committedFinal.push(id);
  }
  assert.equal(committedRows, rows);
  assert.equal(committedTotal, total);
  assert.deepEqual(committedFinal.sort(), final.sort());
});

test('a filter + derive spec on a generated file: every kept row once by source.row, as computed by hand, exit 0', async () => {
  const spec = path.join(dir, 'strong-readings.json');
  await writeFile(
    spec,
    JSON.stringify({
      name: 'strong-readings',
      steps: [
        {
          type: 'filter',
          where: {
            and: [
              { field: 'reading', op: 'gte', value: 10 },
              { field: 'sensor', op: 'not-null' },
            ],
          },
        },
        { type: 'derive', field: 'doubled', expr: 'reading * 2' },
      ],
    }),
  );
  const output = uniqueName('run-filter-derive-out');
  const result = await run([sensors, '--workers', '2', '--transform', spec, '--output', output]);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const expected = new Map<number, Row>();
  for (let i = 0; i < SENSOR_ROWS; i++) {
    const { ts, sensor, site, reading } = sensorRow(i);
    if (reading >= 10 && sensor !== null)
      expected.set(i, {
        ts: new Date(ts).toISOString(),
        sensor,
        site,
        reading,
        doubled: reading * 2,
      });
  }
  const actual = new Map<number, Row>();
  const twice: number[] = [];
  for (const { row, source } of await committed(output)) {
    if (actual.has(source)) twice.push(source);
    actual.set(source, row);
  }
  assert.deepEqual(twice, []);
  assert.deepEqual(actual, expected);
  assert.match(result.stdout, /: 0 missing, 0 duplicated, 0 different\n/);
});
