// The Apache parquet-testing corpus (../shared/parquet-corpus): every good file reads with the
// values its documentation or *_expect.csv gives; every bad, foreign, empty, truncated or
// encrypted file fails with one line naming it; a WASM abort does not stop the next file.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ParquetDataset } from '../../main/parquet/parquetDataset';
import { CompactType, encodeFieldHeader } from '../../main/parquet/thriftCompact';
import { InputError } from '../../main/shared/errors';
import { CORPUS_DIR, jsonRows } from '../support/parquetCorpus';

const corpus = CORPUS_DIR;
const good = (name: string) => path.join(corpus, 'good', name);

async function objects(file: string): Promise<Record<string, unknown>[]> {
  return (await jsonRows(file)).map((row) => JSON.parse(row) as Record<string, unknown>);
}

/** a CSV line split into cells; unquoted empty cells are null */
function csvCells(line: string): (string | null)[] {
  const cells: (string | null)[] = [];
  let at = 0;
  while (at <= line.length) {
    if (line[at] === '"') {
      let text = '';
      at++;
      while (at < line.length) {
        if (line[at] === '"' && line[at + 1] === '"') {
          text += '"';
          at += 2;
        } else if (line[at] === '"') {
          at++;
          break;
        } else text += line[at++];
      }
      cells.push(text);
      at++; // the comma
    } else {
      const end = line.indexOf(',', at) === -1 ? line.length : line.indexOf(',', at);
      const text = line.slice(at, end);
      cells.push(text === '' ? null : text);
      at = end + 1;
    }
  }
  return cells;
}

async function assertMatchesCsv(parquetName: string, csvName: string): Promise<void> {
  const lines = (await readFile(good(csvName), 'utf8'))
    .split(/\r?\n/)
    .filter((line) => line !== '');
  const header = csvCells(lines[0]) as string[];
  const rows = await objects(good(parquetName));
  assert.equal(rows.length, lines.length - 1);
  rows.forEach((row, i) => {
    const expected = csvCells(lines[i + 1]);
    assert.deepEqual(Object.keys(row), header);
    header.forEach((column, k) => {
      const value = row[column];
      assert.equal(value === null ? null : String(value), expected[k], `row ${i} column ${column}`);
    });
  });
}

/** ISO text of microseconds since the epoch, computed with Date after shifting by 400-year cycles */
function isoFromMicros(micros: bigint): string {
  const cycleMs = 146097n * 86400000n;
  let ms = micros / 1000n;
  let cycles = 0n;
  while (ms >= 253_402_300_800_000n) {
    // keep within years 0000–9999, where toISOString writes four digits
    ms -= cycleMs;
    cycles += 1n;
  }
  const iso = new Date(Number(ms)).toISOString(); // 2024-01-01T20:34:56.123Z
  const year = Number(iso.slice(0, 4)) + Number(cycles) * 400;
  const yearText =
    year <= 9999 ? String(year).padStart(4, '0') : '+' + String(year).padStart(6, '0');
  return `${yearText}${iso.slice(4, 23)}${String(micros % 1000n).padStart(3, '0')}Z`;
}

describe('good corpus files read with correct values', () => {
  const alltypes = (id: number) => ({
    id,
    bool_col: id % 2 === 0,
    tinyint_col: id % 2,
    smallint_col: id % 2,
    int_col: id % 2,
    bigint_col: (id % 2) * 10,
    float_col: (id % 2) * 1.1,
    double_col: (id % 2) * 10.1,
    date_string_col: `0${Math.floor(id / 2) + 1}/01/09`,
    string_col: String(id % 2),
    timestamp_col: `2009-0${Math.floor(id / 2) + 1}-01T00:0${id % 2}:00.000000Z`,
  });

  it('alltypes_plain: the Impala alltypes rows, INT96 timestamps included', async () => {
    assert.deepEqual(
      await objects(good('alltypes_plain.parquet')),
      [4, 5, 6, 7, 2, 3, 0, 1].map(alltypes),
    );
  });

  it('alltypes_plain.snappy and alltypes_dictionary: the same rows, snappy and dictionary encoded', async () => {
    assert.deepEqual(await objects(good('alltypes_plain.snappy.parquet')), [6, 7].map(alltypes));
    assert.deepEqual(await objects(good('alltypes_dictionary.parquet')), [0, 1].map(alltypes));
  });

  it('alltypes_plain: numbers are JSON numbers, booleans true/false, float32 in their shortest form', async () => {
    const [first, second] = await jsonRows(good('alltypes_plain.parquet'));
    assert.match(first, /^\{"id":4,"bool_col":true,"tinyint_col":0,/);
    assert.match(second, /^\{"id":5,"bool_col":false,"tinyint_col":1,/);
    assert.match(second, /"bigint_col":10,"float_col":1\.1,"double_col":10\.1,/);
  });

  it('binary: bytes 0…11, valid UTF-8, so written as (escaped) text', async () => {
    const rows = await jsonRows(good('binary.parquet'));
    assert.deepEqual(
      rows,
      Array.from({ length: 12 }, (_, i) => `{"foo":${JSON.stringify(String.fromCharCode(i))}}`),
    );
  });

  it('byte_stream_split.zstd: 300 numpy standard normals (seed 0) per column', async () => {
    const rows = await objects(good('byte_stream_split.zstd.parquet'));
    assert.equal(rows.length, 300);
    const f32 = rows.map((row) => row.f32 as number);
    const f64 = rows.map((row) => row.f64 as number);
    // np.random.seed(0); np.random.normal(size=300).astype(np.float32) starts with these
    const seedZero = [
      1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458,
      1.8675579901499675,
    ];
    seedZero.forEach((value, i) => assert.equal(Math.fround(f32[i]), Math.fround(value)));
    // minimum and maximum as DuckDB's parquet-testing checks print them
    assert.equal(String(Math.min(...f32)), '-2.7725928');
    assert.equal(String(Math.max(...f32)), '2.3831449');
    assert.equal(String(Math.min(...f64)), '-3.0461430547999266');
    assert.equal(String(Math.max(...f64)), '2.6962240525635797');
  });

  it('datapage_v2.snappy: data page v2 with strings, numbers, booleans and lists', async () => {
    assert.deepEqual(await objects(good('datapage_v2.snappy.parquet')), [
      { a: 'abc', b: 1, c: 2, d: true, e: [1, 2, 3] },
      { a: 'abc', b: 2, c: 3, d: true, e: null },
      { a: 'abc', b: 3, c: 4, d: true, e: null },
      { a: null, b: 4, c: 5, d: false, e: [1, 2, 3] },
      { a: 'abc', b: 5, c: 2, d: true, e: [1, 2] },
    ]);
  });

  it('delta_binary_packed: every value equals delta_binary_packed_expect.csv (int64 beyond 2^53 as digit strings)', async () => {
    await assertMatchesCsv('delta_binary_packed.parquet', 'delta_binary_packed_expect.csv');
    const [first] = await jsonRows(good('delta_binary_packed.parquet'));
    assert.match(first, /^\{"bitwidth0":"6374628540732951412","bitwidth1":0,/);
  });

  it('delta_byte_array: every value equals delta_byte_array_expect.csv', async () => {
    await assertMatchesCsv('delta_byte_array.parquet', 'delta_byte_array_expect.csv');
  });

  it('fixed_length_decimal and int32_decimal: 1.00 … 24.00 with exactly two fraction digits', async () => {
    const expected = Array.from({ length: 24 }, (_, i) => `{"value":"${i + 1}.00"}`);
    assert.deepEqual(await jsonRows(good('fixed_length_decimal.parquet')), expected);
    assert.deepEqual(await jsonRows(good('int32_decimal.parquet')), expected);
  });

  it('int96_from_spark: microsecond timestamps, including years 9999 and 290000 that overflow nanoseconds', async () => {
    const micros = [
      1704141296123456n,
      1704070800000000n,
      253402225200000000n,
      1735599600000000n,
      null,
      9089380393200000000n,
    ];
    const expected = micros.map((value) => ({ a: value === null ? null : isoFromMicros(value) }));
    assert.deepEqual(await objects(good('int96_from_spark.parquet')), expected);
    assert.equal(expected[0].a, '2024-01-01T20:34:56.123456Z');
    assert.equal(expected[5].a, '+290000-12-30T23:00:00.000000Z');
    const epochMs = (await jsonRows(good('int96_from_spark.parquet'), 'epoch-ms')).map(
      (row) => JSON.parse(row).a,
    );
    assert.deepEqual(epochMs, [
      1704141296123,
      1704070800000,
      253402225200000,
      1735599600000,
      null,
      9089380393200000,
    ]);
    const dataset = await ParquetDataset.open(good('int96_from_spark.parquet'));
    assert.deepEqual(dataset.fields(), [
      { name: 'a', type: 'Timestamp<MICROSECOND>', nullable: true },
    ]);
  });

  it('list_columns: int64 and string lists with null lists and null elements', async () => {
    assert.deepEqual(await objects(good('list_columns.parquet')), [
      { int64_list: [1, 2, 3], utf8_list: ['abc', 'efg', 'hij'] },
      { int64_list: [null, 1], utf8_list: null },
      { int64_list: [4], utf8_list: ['efg', null, 'hij', 'xyz'] },
    ]);
  });

  it('lz4_raw_compressed: LZ4_RAW pages', async () => {
    assert.deepEqual(await objects(good('lz4_raw_compressed.parquet')), [
      { c0: 1593604800, c1: 'abc', v11: 42 },
      { c0: 1593604800, c1: 'def', v11: 7.7 },
      { c0: 1593604801, c1: 'abc', v11: 42.125 },
      { c0: 1593604801, c1: 'def', v11: 7.7 },
    ]);
  });

  it('nested_lists.snappy: three levels of lists', async () => {
    assert.deepEqual(await objects(good('nested_lists.snappy.parquet')), [
      {
        a: [
          [['a', 'b'], ['c']],
          [null, ['d']],
        ],
        b: 1,
      },
      {
        a: [
          [
            ['a', 'b'],
            ['c', 'd'],
          ],
          [null, ['e']],
        ],
        b: 1,
      },
      {
        a: [
          [['a', 'b'], ['c', 'd'], ['e']],
          [null, ['f']],
        ],
        b: 1,
      },
    ]);
  });

  it('nested_maps.snappy: maps of maps become objects (integer keys as their digits)', async () => {
    assert.deepEqual(await objects(good('nested_maps.snappy.parquet')), [
      { a: { a: { 1: true, 2: false } }, b: 1, c: 1 },
      { a: { b: { 1: true } }, b: 1, c: 1 },
      { a: { c: null }, b: 1, c: 1 },
      { a: { d: {} }, b: 1, c: 1 },
      { a: { e: { 1: true } }, b: 1, c: 1 },
      { a: { f: { 3: true, 4: false, 5: true } }, b: 1, c: 1 },
    ]);
  });

  it('nulls.snappy: a struct whose only field is always null', async () => {
    assert.deepEqual(
      await objects(good('nulls.snappy.parquet')),
      Array(8).fill({ b_struct: { b_c_int: null } }),
    );
  });

  it('covers every .parquet file in good/', async () => {
    const covered = [
      'alltypes_dictionary',
      'alltypes_plain',
      'alltypes_plain.snappy',
      'binary',
      'byte_stream_split.zstd',
      'datapage_v2.snappy',
      'delta_binary_packed',
      'delta_byte_array',
      'fixed_length_decimal',
      'int32_decimal',
      'int96_from_spark',
      'list_columns',
      'lz4_raw_compressed',
      'nested_lists.snappy',
      'nested_maps.snappy',
      'nulls.snappy',
    ].map((name) => `${name}.parquet`);
    const present = (await readdir(path.join(corpus, 'good'))).filter((name) =>
      name.endsWith('.parquet'),
    );
    assert.deepEqual(present.sort(), covered.sort());
  });
});

async function assertOneLineError(file: string, pattern: RegExp): Promise<void> {
  await assert.rejects(jsonRows(file), (error: unknown) => {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    assert.ok(error.message.startsWith(`${file}: `), error.message);
    assert.ok(!error.message.includes('\n'), error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('bad files fail with one line naming the file', () => {
  let scratch = '';
  before(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'parquet-bad-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('every file in bad/', async () => {
    const names = (await readdir(path.join(corpus, 'bad'))).filter((name) =>
      name.endsWith('.parquet'),
    );
    assert.ok(names.length >= 2);
    for (const name of names)
      await assertOneLineError(path.join(corpus, 'bad', name), /decoder aborted|cannot be decoded/);
  });

  it('PARQUET-1481: the damaged schema is reported', async () => {
    await assertOneLineError(
      path.join(corpus, 'bad', 'PARQUET-1481.parquet'),
      /cannot be decoded \(Unexpected Type -7\)/,
    );
  });

  it('a WASM abort does not stop the next file, nor a file read at the same time', async () => {
    const aborting = path.join(corpus, 'bad', 'ARROW-GH-41321.parquet');
    await assertOneLineError(
      aborting,
      /the Parquet decoder aborted reading row group 0 \(RuntimeError: unreachable\)/,
    );
    assert.equal((await jsonRows(good('int32_decimal.parquet'))).length, 24);
    const [crashed, fine] = await Promise.allSettled([
      jsonRows(aborting),
      jsonRows(good('list_columns.parquet')),
    ]);
    assert.equal(crashed.status, 'rejected');
    assert.deepEqual(fine, {
      status: 'fulfilled',
      value: await jsonRows(good('list_columns.parquet')),
    });
  });

  it('non-Parquet, empty, truncated and encrypted files', async () => {
    const original = await readFile(good('alltypes_plain.parquet'));
    const cases: [string, Uint8Array, RegExp][] = [
      ['notes.parquet', Buffer.from('plain text, not Parquet\n'), /is not a Parquet file/],
      ['empty.parquet', new Uint8Array(0), /is empty/],
      ['tiny.parquet', Buffer.from('PAR1'), /is not a Parquet file \(only 4 bytes\)/],
      ['truncated.parquet', original.subarray(0, original.length - 100), /is truncated/],
      [
        'encrypted-footer.parquet',
        Buffer.concat([original.subarray(0, -4), Buffer.from('PARE')]),
        /is encrypted/,
      ],
      ['encrypted-plaintext-footer.parquet', withEncryptionAlgorithm(original), /is encrypted/],
      ['bad-footer-length.parquet', withFooterLength(original, 0x7fffffff), /corrupt footer/],
    ];
    for (const [name, bytes, pattern] of cases) {
      const file = path.join(scratch, name);
      await writeFile(file, bytes);
      await assertOneLineError(file, pattern);
    }
  });

  it('missing paths and folders without Parquet files', async () => {
    const missing = path.join(scratch, 'missing.parquet');
    await assert.rejects(
      ParquetDataset.open(missing),
      new InputError(`${missing}: no such file or folder`),
    );
    const emptyFolder = await mkdtemp(path.join(scratch, 'empty-'));
    await assert.rejects(
      ParquetDataset.open(emptyFolder),
      new InputError(`${emptyFolder}: the folder holds no .parquet files`),
    );
  });
});

/** The file with FileMetaData field 8 (encryption_algorithm) added: Parquet's plaintext-footer encryption mode. */
function withEncryptionAlgorithm(file: Buffer): Buffer {
  const length = file.readUInt32LE(file.length - 8);
  const metadata = file.subarray(file.length - 8 - length, file.length - 8);
  const extended = Buffer.concat([
    metadata.subarray(0, -1), // everything but the struct's final STOP
    Buffer.from([...encodeFieldHeader(8, CompactType.Struct), CompactType.Stop, CompactType.Stop]),
  ]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(extended.length, 0);
  trailer.write('PAR1', 4, 'latin1');
  return Buffer.concat([file.subarray(0, file.length - 8 - length), extended, trailer]);
}

function withFooterLength(file: Buffer, length: number): Buffer {
  const copy = Buffer.from(file);
  copy.writeUInt32LE(length, copy.length - 8);
  return copy;
}
