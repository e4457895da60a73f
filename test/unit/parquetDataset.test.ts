// Datasets: a folder of Parquet parts read in path order, hive-style `name=value` folders as
// string columns, row groups skipped and sliced for fromRow, and one-line errors for parts that
// do not fit together.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import * as parquetWasm from 'parquet-wasm';
import { ParquetDataset } from '../../main/parquet/parquetDataset';
import { RowCodec } from '../../main/parquet/rowCodec';
import { InputError } from '../../main/shared/errors';

async function writeParquet(file: string, table: arrow.Table, rowGroupRows: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const wasmTable = parquetWasm.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  const properties = new parquetWasm.WriterPropertiesBuilder()
    .setMaxRowGroupSize(rowGroupRows)
    .setCompression(parquetWasm.Compression.ZSTD)
    .build();
  await writeFile(file, parquetWasm.writeParquet(wasmTable, properties));
}

/** rows numbered from `first`: id and a label */
function part(first: number, count: number): arrow.Table {
  return new arrow.Table({
    id: arrow.vectorFromArray(
      Array.from({ length: count }, (_, i) => first + i),
      new arrow.Int32(),
    ),
    label: arrow.vectorFromArray(
      Array.from({ length: count }, (_, i) => `row ${first + i}`),
      new arrow.Utf8(),
    ),
  });
}

async function readAll(dataset: ParquetDataset, fromRow?: number) {
  const codec = new RowCodec(dataset.schema);
  const slices: { file: string; firstRow: number; rows: Record<string, unknown>[] }[] = [];
  for await (const slice of dataset.readRowGroups({ fromRow })) {
    slices.push({
      file: slice.file.relativePath,
      firstRow: slice.firstRow,
      rows: codec.toObjects(slice.table),
    });
  }
  return slices;
}

describe('dataset folders', () => {
  let root = '';
  let hive = '';
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'parquet-dataset-'));
    hive = path.join(root, 'violations');
    // written out of order on purpose; row groups of 4 rows
    await writeParquet(
      path.join(hive, 'year=2017', 'borough=BK', 'part-0.parquet'),
      part(20, 6),
      4,
    );
    await writeParquet(
      path.join(hive, 'year=2016', 'borough=Q', 'part-0.parquet'),
      part(10, 10),
      4,
    );
    await writeParquet(path.join(hive, 'year=2016', 'borough=BK', 'part-1.parquet'), part(5, 5), 4);
    await writeParquet(path.join(hive, 'year=2016', 'borough=BK', 'part-0.parquet'), part(0, 5), 4);
    await writeParquet(
      path.join(hive, 'year=2018', 'borough=__HIVE_DEFAULT_PARTITION__', 'p.parquet'),
      part(26, 1),
      4,
    );
    await writeParquet(
      path.join(hive, 'year=2018', 'borough=St%20George', 'p.parquet'),
      part(27, 1),
      4,
    );
    await writeFile(path.join(hive, '_SUCCESS'), '');
    await writeParquet(path.join(hive, '.staging', 'ignored.parquet'), part(100, 1), 4);
    await writeParquet(path.join(hive, '_temporary', 'ignored.parquet'), part(100, 1), 4);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lists every visible .parquet part in path order with its partition values', async () => {
    const dataset = await ParquetDataset.open(hive);
    assert.deepEqual(
      dataset.files.map((file) => [
        file.relativePath,
        file.rows,
        file.rowGroups,
        file.partitionValues,
      ]),
      [
        [
          path.join('year=2016', 'borough=BK', 'part-0.parquet'),
          5,
          2,
          { year: '2016', borough: 'BK' },
        ],
        [
          path.join('year=2016', 'borough=BK', 'part-1.parquet'),
          5,
          2,
          { year: '2016', borough: 'BK' },
        ],
        [
          path.join('year=2016', 'borough=Q', 'part-0.parquet'),
          10,
          3,
          { year: '2016', borough: 'Q' },
        ],
        [
          path.join('year=2017', 'borough=BK', 'part-0.parquet'),
          6,
          2,
          { year: '2017', borough: 'BK' },
        ],
        [
          path.join('year=2018', 'borough=St%20George', 'p.parquet'),
          1,
          1,
          { year: '2018', borough: 'St George' },
        ],
        [
          path.join('year=2018', 'borough=__HIVE_DEFAULT_PARTITION__', 'p.parquet'),
          1,
          1,
          { year: '2018', borough: '__HIVE_DEFAULT_PARTITION__' },
        ],
      ],
    );
    assert.equal(dataset.rows, 28);
    assert.equal(dataset.rowGroups, 11);
    assert.ok(dataset.sizeBytes > 0);
    assert.equal(dataset.files[0].compression, 'ZSTD');
    assert.deepEqual(dataset.fields(), [
      { name: 'id', type: 'Int32', nullable: true },
      { name: 'label', type: 'Utf8', nullable: true },
      { name: 'year', type: 'Utf8', nullable: true },
      { name: 'borough', type: 'Utf8', nullable: true },
    ]);
  });

  it('reads one row group at a time with dataset-wide row numbers and partition columns', async () => {
    const slices = await readAll(await ParquetDataset.open(hive));
    assert.deepEqual(
      slices.map((slice) => [slice.firstRow, slice.rows.length]),
      [
        [0, 4],
        [4, 1],
        [5, 4],
        [9, 1],
        [10, 4],
        [14, 4],
        [18, 2],
        [20, 4],
        [24, 2],
        [26, 1],
        [27, 1],
      ],
    );
    const rows = slices.flatMap((slice) => slice.rows);
    assert.deepEqual(
      rows.map((row) => row.id),
      [...Array(26).keys(), 27, 26],
    );
    assert.deepEqual(rows[0], { id: 0, label: 'row 0', year: '2016', borough: 'BK' });
    assert.deepEqual(rows[12], { id: 12, label: 'row 12', year: '2016', borough: 'Q' });
    assert.deepEqual(rows[26], { id: 27, label: 'row 27', year: '2018', borough: 'St George' });
    assert.deepEqual(rows[27], { id: 26, label: 'row 26', year: '2018', borough: null });
  });

  it('fromRow skips whole row groups and slices the first one', async () => {
    const dataset = await ParquetDataset.open(hive);
    const all = (await readAll(dataset)).flatMap((slice) => slice.rows);
    for (const fromRow of [0, 3, 4, 5, 13, 14, 25, 27]) {
      const slices = await readAll(dataset, fromRow);
      assert.equal(slices[0].firstRow, fromRow, `first slice from ${fromRow}`);
      assert.deepEqual(
        slices.flatMap((slice) => slice.rows),
        all.slice(fromRow),
        `rows from ${fromRow}`,
      );
      slices
        .slice(1)
        .forEach((slice, i) =>
          assert.equal(slice.firstRow, slices[i].firstRow + slices[i].rows.length),
        );
    }
    assert.deepEqual(await readAll(dataset, 28), []);
    assert.deepEqual(await readAll(dataset, 1000), []);
  });

  it('stopping early leaves nothing pending', async () => {
    const dataset = await ParquetDataset.open(hive);
    for await (const slice of dataset.readRowGroups()) {
      assert.equal(slice.firstRow, 0);
      break;
    }
    assert.equal((await readAll(dataset)).length, 11);
  });

  it('a single file inside a hive folder is read without partition columns', async () => {
    const file = path.join(hive, 'year=2017', 'borough=BK', 'part-0.parquet');
    const dataset = await ParquetDataset.open(file);
    assert.deepEqual(
      dataset.files.map((entry) => entry.relativePath),
      ['part-0.parquet'],
    );
    assert.deepEqual(
      dataset.schema.fields.map((field) => field.name),
      ['id', 'label'],
    );
  });

  it('parts with different columns, different partition folders or clashing names are refused', async () => {
    const mixed = path.join(root, 'mixed');
    await writeParquet(path.join(mixed, 'a.parquet'), part(0, 2), 4);
    await writeParquet(
      path.join(mixed, 'b.parquet'),
      new arrow.Table({
        id: arrow.vectorFromArray(['x'], new arrow.Utf8()),
        label: arrow.vectorFromArray(['y'], new arrow.Utf8()),
      }),
      4,
    );
    await assert.rejects(
      ParquetDataset.open(mixed),
      new InputError(
        `${path.join(mixed, 'b.parquet')}: its columns differ from the dataset's first file (column 1 is "id: Utf8" here but "id: Int32" in a.parquet)`,
      ),
    );

    const uneven = path.join(root, 'uneven');
    await writeParquet(path.join(uneven, 'year=2016', 'a.parquet'), part(0, 2), 4);
    await writeParquet(path.join(uneven, 'b.parquet'), part(2, 2), 4);
    await assert.rejects(
      ParquetDataset.open(uneven),
      /uneven\/year=2016\/a\.parquet: its partition folders \(year\) differ from the first file's \(none\)/,
    );

    const clash = path.join(root, 'clash');
    await writeParquet(path.join(clash, 'label=x', 'a.parquet'), part(0, 2), 4);
    await assert.rejects(
      ParquetDataset.open(clash),
      /partition folder "label=…" has the same name as a column/,
    );
  });
});
