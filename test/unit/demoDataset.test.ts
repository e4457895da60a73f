// The demo dataset generator: NYC-parking-violation-shaped columns, byte-identical output for
// the same options, progress reports, and a file that only appears once it is complete.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeDemoDataset } from '../../main/parquet/demoDataset';
import { ParquetDataset } from '../../main/parquet/parquetDataset';
import { RowCodec } from '../../main/parquet/rowCodec';
import { InputError } from '../../main/shared/errors';

describe('demo dataset', () => {
  let folder = '';
  let file = '';
  const progress: number[] = [];
  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'demo-dataset-'));
    file = path.join(folder, 'demo.parquet');
    await writeDemoDataset({
      path: file,
      rows: 20000,
      seed: 7,
      rowGroupRows: 8192,
      onProgress: (rows) => progress.push(rows),
    });
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('has the parking-violation columns the transform uses', async () => {
    const dataset = await ParquetDataset.open(file);
    assert.equal(dataset.rows, 20000);
    assert.equal(dataset.rowGroups, 3);
    assert.equal(dataset.files[0].compression, 'SNAPPY');
    assert.deepEqual(dataset.fields(), [
      { name: 'Summons Number', type: 'Int64', nullable: false },
      { name: 'Plate ID', type: 'Utf8', nullable: false },
      { name: 'Registration State', type: 'Utf8', nullable: false },
      { name: 'Issue Date', type: 'Timestamp<MILLISECOND>', nullable: false },
      { name: 'Violation Code', type: 'Int32', nullable: false },
      { name: 'Vehicle Body Type', type: 'Utf8', nullable: true },
      { name: 'Violation County Name', type: 'Utf8', nullable: true },
      { name: 'W - Temperature', type: 'Float64', nullable: true },
      { name: 'Street Name', type: 'Utf8', nullable: true },
      { name: 'Fine Amount', type: 'Float64', nullable: false },
    ]);
  });

  it('holds plausible values: increasing ids and issue times, borough codes, ~3% missing temperatures', async () => {
    const dataset = await ParquetDataset.open(file);
    const codec = new RowCodec(dataset.schema);
    const rows: Record<string, unknown>[] = [];
    for await (const slice of dataset.readRowGroups()) rows.push(...codec.toObjects(slice.table));
    const ids = rows.map((row) => row['Summons Number'] as number);
    assert.ok(
      ids.every((id, i) => Number.isInteger(id) && id > 2 ** 32 && (i === 0 || id > ids[i - 1])),
    );
    const issued = rows.map((row) => Date.parse(row['Issue Date'] as string));
    assert.ok(
      issued.every((time, i) => i === 0 || time >= issued[i - 1]),
      'issue dates in order, for event-time replay',
    );
    assert.ok(
      issued[0] >= Date.UTC(2016, 6, 1) && issued[issued.length - 1] < Date.UTC(2017, 6, 1),
    );

    const counties = new Set(rows.map((row) => row['Violation County Name']));
    // every code the nyc-parking-boroughs preset maps, written out by hand
    const boroughCodes = [
      'BK',
      'K',
      'Kings',
      'ABX',
      'BX',
      'Bronx',
      'MN',
      'NY',
      'Q',
      'QN',
      'QNS',
      'QUEEN',
      'Qns',
      'R',
      'Rich',
      'ST',
    ];
    for (const code of boroughCodes) assert.ok(counties.has(code), `borough code ${code}`);
    assert.ok(counties.has(null) && counties.has('XX'), 'unknown boroughs and nulls');

    const missing = rows.filter((row) => row['W - Temperature'] === null).length / rows.length;
    assert.ok(missing > 0.02 && missing < 0.04, `missing temperatures ${missing}`);
    const temperatures = rows
      .map((row) => row['W - Temperature'])
      .filter((t): t is number => t !== null);
    assert.ok(temperatures.every((t) => t > -20 && t < 120));
    for (const row of rows) {
      assert.match(row['Plate ID'] as string, /^[A-Z0-9]{6,8}$/);
      assert.match(row['Registration State'] as string, /^[A-Z0-9]{2}$/);
      assert.ok(Number.isInteger(row['Violation Code']) && (row['Fine Amount'] as number) > 0);
    }
  });

  it('is byte-identical for the same seed and different for another', async () => {
    const again = path.join(folder, 'again.parquet');
    const other = path.join(folder, 'other.parquet');
    await writeDemoDataset({ path: again, rows: 20000, seed: 7, rowGroupRows: 8192 });
    await writeDemoDataset({ path: other, rows: 20000, seed: 8, rowGroupRows: 8192 });
    const [first, second, third] = await Promise.all([
      readFile(file),
      readFile(again),
      readFile(other),
    ]);
    assert.ok(first.equals(second), 'same seed, same bytes');
    assert.ok(!first.equals(third), 'another seed, other bytes');
  });

  it('reports progress per row group and leaves no partial file behind', async () => {
    assert.deepEqual(progress, [8192, 16384, 20000]);
    assert.deepEqual(
      (await readdir(folder)).filter((name) => name.includes('partial')),
      [],
    );
  });

  it('refuses a row count that is not a whole number of at least 1', async () => {
    await assert.rejects(
      writeDemoDataset({ path: path.join(folder, 'none.parquet'), rows: 0 }),
      InputError,
    );
  });
});
