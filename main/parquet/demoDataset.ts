// A deterministic generator of NYC-parking-violation-like data (the dataset the Python pipeline
// streamed): ten columns, ids, short strings, a timestamp, doubles with ~3% nulls. Same options →
// byte-identical file. Chunks of one row group are built straight into Arrow buffers and streamed
// through parquet-wasm's writer, so memory stays bounded for any row count.
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { EnvironmentError, InputError } from '../shared/errors';

export interface DemoDatasetOptions {
  path: string;
  rows: number;
  seed?: number;
  rowGroupRows?: number;
  onProgress?: (rowsWritten: number) => void;
}

const DEFAULT_ROW_GROUP_ROWS = 131072;
const TWO_POW_32 = 4294967296;
/** fiscal year 2017 of the NYC open data, which the Python pipeline's course used */
const FIRST_ISSUE_MS = Date.UTC(2016, 6, 1);
const ISSUE_SPAN_SECONDS = 365 * 86400;

type Weighted<T> = [T, number][];

const STATES: Weighted<string> = [
  ['NY', 760],
  ['NJ', 90],
  ['PA', 30],
  ['CT', 15],
  ['FL', 15],
  ['MA', 10],
  ['IN', 10],
  ['VA', 8],
  ['MD', 7],
  ['NC', 7],
  ['TX', 5],
  ['IL', 5],
  ['GA', 5],
  ['99', 4],
  ['OH', 4],
  ['CA', 4],
  ['ME', 3],
];
const BODY_TYPES: Weighted<string | null> = [
  ['SUBN', 350],
  ['4DSD', 280],
  ['VAN', 120],
  ['DELV', 50],
  ['PICK', 40],
  ['2DSD', 30],
  ['SDN', 30],
  ['TAXI', 20],
  ['TRAC', 20],
  ['REFG', 10],
  ['TRLR', 10],
  ['CONV', 10],
  ['UTIL', 10],
  ['MCY', 5],
  ['BUS', 5],
  [null, 10],
];
/** the borough spellings of the real data, a few unknown codes and nulls */
const COUNTIES: Weighted<string | null> = [
  ['NY', 250],
  ['K', 150],
  ['Q', 120],
  ['BX', 80],
  ['QN', 60],
  ['BK', 60],
  ['MN', 40],
  ['Kings', 30],
  ['Qns', 30],
  ['R', 20],
  ['ST', 20],
  ['Bronx', 20],
  ['Rich', 10],
  ['QNS', 10],
  ['QUEEN', 5],
  ['ABX', 5],
  ['XX', 8],
  ['103', 4],
  [null, 20],
];
/** violation code, its weight and its fine in dollars */
const VIOLATIONS: [number, number, number][] = [
  [21, 140, 65],
  [36, 120, 50],
  [38, 90, 65],
  [14, 80, 115],
  [37, 70, 65],
  [20, 60, 65],
  [46, 60, 115],
  [7, 60, 50],
  [71, 40, 65],
  [40, 40, 115],
  [16, 30, 115],
  [19, 30, 115],
  [70, 30, 65],
  [31, 30, 115],
  [69, 20, 65],
  [47, 20, 115],
  [17, 20, 95],
  [74, 20, 65],
  [5, 20, 50],
];
const COUNTY_WARMTH: Record<string, number> = {
  NY: 1.5,
  MN: 1.5,
  K: 0.5,
  BK: 0.5,
  Kings: 0.5,
  BX: -0.5,
  Bronx: -0.5,
};

const schema = new arrow.Schema([
  new arrow.Field('Summons Number', new arrow.Int64(), false),
  new arrow.Field('Plate ID', new arrow.Utf8(), false),
  new arrow.Field('Registration State', new arrow.Utf8(), false),
  new arrow.Field('Issue Date', new arrow.TimestampMillisecond(), false),
  new arrow.Field('Violation Code', new arrow.Int32(), false),
  new arrow.Field('Vehicle Body Type', new arrow.Utf8(), true),
  new arrow.Field('Violation County Name', new arrow.Utf8(), true),
  new arrow.Field('W - Temperature', new arrow.Float64(), true),
  new arrow.Field('Street Name', new arrow.Utf8(), true),
  new arrow.Field('Fine Amount', new arrow.Float64(), false),
]);

/** sfc32: small, fast, and the same sequence on every platform */
class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;
  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }
  /** uniform in [0, 1) */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / TWO_POW_32;
  }
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** picks from a weighted list in O(1) through a 4096-slot table */
class WeightedPicker<T> {
  private readonly table: T[] = [];
  constructor(choices: Weighted<T>) {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let cumulative = 0;
    for (const [value, weight] of choices) {
      cumulative += weight;
      while (this.table.length < Math.round((cumulative / total) * 4096)) this.table.push(value);
    }
  }
  pick(random: SeededRandom): T {
    return this.table[random.below(this.table.length)];
  }
}

/** an Arrow Utf8 column built in place */
class StringColumn {
  private bytes = new Uint8Array(1 << 16);
  private length = 0;
  private readonly offsets: Int32Array;
  private readonly validity: Uint8Array;
  private nulls = 0;
  private count = 0;
  private readonly encoded = new Map<string, Uint8Array>();

  constructor(private readonly rows: number) {
    this.offsets = new Int32Array(rows + 1);
    this.validity = new Uint8Array(Math.ceil(rows / 8)).fill(0xff);
  }

  push(value: string | null): void {
    if (value === null) {
      this.validity[this.count >> 3] &= ~(1 << (this.count & 7));
      this.nulls++;
    } else {
      let bytes = this.encoded.get(value);
      if (!bytes) {
        bytes = Buffer.from(value, 'utf8');
        if (this.encoded.size < 4096) this.encoded.set(value, bytes);
      }
      if (this.length + bytes.length > this.bytes.length) {
        const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + bytes.length));
        grown.set(this.bytes.subarray(0, this.length));
        this.bytes = grown;
      }
      this.bytes.set(bytes, this.length);
      this.length += bytes.length;
    }
    this.offsets[++this.count] = this.length;
  }

  data(): arrow.Data<arrow.Utf8> {
    return arrow.makeData({
      type: new arrow.Utf8(),
      length: this.rows,
      nullCount: this.nulls,
      nullBitmap: this.nulls > 0 ? this.validity : null,
      valueOffsets: this.offsets,
      data: this.bytes.subarray(0, this.length),
    });
  }
}

function streetNames(): string[] {
  const ordinal = (n: number) => {
    const tens = n % 100;
    const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
    return `${n}${suffix}`;
  };
  const named = [
    'Broadway',
    'Lexington Ave',
    'Park Ave',
    'Madison Ave',
    'Amsterdam Ave',
    'Columbus Ave',
    'Atlantic Ave',
    'Flatbush Ave',
    'Ocean Pkwy',
    'Queens Blvd',
    'Northern Blvd',
    'Grand Concourse',
    'Fordham Rd',
    'Jamaica Ave',
    'Bedford Ave',
    'Myrtle Ave',
    'Fulton St',
    'Richmond Ave',
    'Hylan Blvd',
    'Victory Blvd',
    'Steinway St',
    'Roosevelt Ave',
    'Webster Ave',
    'Jerome Ave',
    'Canal St',
    'Delancey St',
    'Houston St',
    'Court St',
  ];
  const numbered: string[] = [];
  for (let n = 1; n <= 120; n++) numbered.push(`E ${ordinal(n)} St`, `W ${ordinal(n)} St`);
  for (let n = 1; n <= 12; n++) numbered.push(`${ordinal(n)} Ave`);
  return [...named, ...numbered];
}

/** One chunk of rows starting at `first`, as an Arrow table. */
function demoChunk(
  random: SeededRandom,
  first: number,
  count: number,
  totalRows: number,
): arrow.Table {
  const states = new WeightedPicker(STATES);
  const bodies = new WeightedPicker(BODY_TYPES);
  const counties = new WeightedPicker(COUNTIES);
  const violations = new WeightedPicker(
    VIOLATIONS.map(([code, weight, fine]) => [[code, fine], weight] as [[number, number], number]),
  );
  const streets = streetNames();

  const summons = new BigInt64Array(count);
  const summonsWords = new Int32Array(summons.buffer);
  const issued = new BigInt64Array(count);
  const issuedWords = new Int32Array(issued.buffer);
  const codes = new Int32Array(count);
  const fines = new Float64Array(count);
  const temperatures = new Float64Array(count);
  const temperatureValid = new Uint8Array(Math.ceil(count / 8)).fill(0xff);
  let temperatureNulls = 0;
  const plates = new StringColumn(count);
  const stateColumn = new StringColumn(count);
  const bodyColumn = new StringColumn(count);
  const countyColumn = new StringColumn(count);
  const streetColumn = new StringColumn(count);
  const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';

  for (let i = 0; i < count; i++) {
    const row = first + i;
    const id = 8_000_000_000 + row * 8 + random.below(8);
    summonsWords[2 * i + 1] = Math.floor(id / TWO_POW_32);
    summonsWords[2 * i] = (id % TWO_POW_32) | 0;

    const style = random.next();
    let plate: string;
    if (style < 0.7) {
      plate =
        letters[random.below(23)] +
        letters[random.below(23)] +
        letters[random.below(23)] +
        String(1000 + random.below(9000));
    } else if (style < 0.9) {
      plate =
        String(10000 + random.below(90000)) + letters[random.below(23)] + letters[random.below(23)];
    } else {
      plate = 'T' + String(100000 + random.below(900000)) + 'C';
    }
    plates.push(plate);
    stateColumn.push(states.pick(random));

    // rows are in time order: row i falls in the i-th slice of the year, at a random second
    const second = Math.floor(((row + random.next()) * ISSUE_SPAN_SECONDS) / totalRows);
    const issueMs = FIRST_ISSUE_MS + second * 1000;
    issuedWords[2 * i + 1] = Math.floor(issueMs / TWO_POW_32);
    issuedWords[2 * i] = (issueMs % TWO_POW_32) | 0;

    const [code, fine] = violations.pick(random);
    codes[i] = code;
    fines[i] = fine;
    bodyColumn.push(bodies.pick(random));
    const county = counties.pick(random);
    countyColumn.push(county);

    if (random.next() < 0.03) {
      temperatureValid[i >> 3] &= ~(1 << (i & 7));
      temperatureNulls++;
    } else {
      const dayOfYear = ((second / 86400 + 182) % 365) | 0; // the span starts on July 1st
      const seasonal = 55 - 22 * Math.cos((2 * Math.PI * (dayOfYear - 20)) / 365);
      const noise = (random.next() + random.next() + random.next() - 1.5) * 10;
      temperatures[i] =
        Math.round((seasonal + noise + (COUNTY_WARMTH[county ?? ''] ?? 0)) * 10) / 10;
    }
    const skewed = random.next();
    streetColumn.push(skewed < 0.01 ? null : streets[Math.floor(streets.length * skewed * skewed)]);
  }

  const children = [
    arrow.makeData({ type: new arrow.Int64(), length: count, nullCount: 0, data: summons }),
    plates.data(),
    stateColumn.data(),
    arrow.makeData({
      type: new arrow.TimestampMillisecond(),
      length: count,
      nullCount: 0,
      data: issued,
    }),
    arrow.makeData({ type: new arrow.Int32(), length: count, nullCount: 0, data: codes }),
    bodyColumn.data(),
    countyColumn.data(),
    arrow.makeData({
      type: new arrow.Float64(),
      length: count,
      nullCount: temperatureNulls,
      nullBitmap: temperatureNulls > 0 ? temperatureValid : null,
      data: temperatures,
    }),
    streetColumn.data(),
    arrow.makeData({ type: new arrow.Float64(), length: count, nullCount: 0, data: fines }),
  ];
  const batch = new arrow.RecordBatch(
    schema,
    arrow.makeData({
      type: new arrow.Struct(schema.fields),
      length: count,
      nullCount: 0,
      children,
    }),
  );
  return new arrow.Table(schema, [batch]);
}

/** Writes the demo dataset; the file appears only once it is complete. */
export async function writeDemoDataset(options: DemoDatasetOptions): Promise<void> {
  if (!Number.isInteger(options.rows) || options.rows < 1) {
    throw new InputError(
      `the demo dataset needs a whole number of rows of at least 1 (got ${options.rows})`,
    );
  }
  await assertWritableFilePath(options.path);
  const parquetWasm = await import('parquet-wasm');
  const rowGroupRows = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
  const random = new SeededRandom(options.seed ?? 1);
  let produced = 0;
  const batches = new ReadableStream<unknown>(
    {
      pull(controller) {
        if (produced > 0) options.onProgress?.(produced);
        if (produced >= options.rows) {
          controller.close();
          return;
        }
        const count = Math.min(rowGroupRows, options.rows - produced);
        const chunk = demoChunk(random, produced, count, options.rows);
        produced += count;
        const wasmTable = parquetWasm.Table.fromIPCStream(arrow.tableToIPC(chunk, 'stream'));
        for (const batch of wasmTable.recordBatches()) controller.enqueue(batch);
        wasmTable.free();
      },
    },
    { highWaterMark: 0 },
  );
  const properties = new parquetWasm.WriterPropertiesBuilder()
    .setCompression(parquetWasm.Compression.SNAPPY)
    .setMaxRowGroupSize(rowGroupRows)
    .build();
  const parquetBytes = (await parquetWasm.transformParquetStream(
    batches,
    properties,
  )) as ReadableStream<Uint8Array>;

  const partial = `${options.path}.partial-${process.pid}`;
  const file = await open(partial, 'w').catch((error: unknown) => {
    throw writeFailure(options.path, error);
  });
  try {
    await parquetBytes.pipeTo(
      new WritableStream<Uint8Array>({
        write: async (bytes) => {
          await file.write(bytes);
        },
      }),
    );
    await file.close();
    await rename(partial, options.path);
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw writeFailure(options.path, error);
  }
}

/** The file can be written: not a folder, in a folder that exists. */
async function assertWritableFilePath(file: string): Promise<void> {
  const target = await stat(file).catch(() => null);
  if (target?.isDirectory()) {
    throw new InputError(
      `${file} is a folder — give a file path, such as ${path.join(file, 'parking.parquet')}`,
    );
  }
  const folder = path.dirname(path.resolve(file));
  const parent = await stat(folder).catch(() => null);
  if (!parent?.isDirectory()) {
    throw new InputError(
      `${file}: the folder ${folder} does not exist — create it first or choose another path`,
    );
  }
}

/** A failed write as one line; errors that are not about the file pass through. */
function writeFailure(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new InputError(`cannot write ${file}: permission denied — choose another path`, {
      cause: error,
    });
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new EnvironmentError(
      `cannot write ${file}: the disk is full — free space or choose another disk`,
      {
        cause: error,
      },
    );
  }
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
    return new InputError(`cannot write ${file}: ${code} — choose another path`, { cause: error });
  }
  return error;
}
