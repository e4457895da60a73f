// Codec throughput: a Parquet file read row group by row group and encoded into the JSON message
// values, counting their UTF-8 bytes. Like any JIT benchmark it first warms up (decoder thread
// and codec) on the first row group, untimed, then times a full pass over the file.
// Run alone: `node dist/bench/codecThroughput.js [FILE]` (without FILE it uses the 1M-row demo
// dataset under .bench-data/, generating it once).
import { ParquetDataset } from '../main/parquet/parquetDataset';
import { RowCodec } from '../main/parquet/rowCodec';
import { demoDataset } from './benchDatasets';

export interface CodecThroughput {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** total UTF-8 bytes of the JSON values */
  bytes: number;
}

export async function measureCodecThroughput(path: string): Promise<CodecThroughput> {
  const dataset = await ParquetDataset.open(path);
  const codec = new RowCodec(dataset.schema);
  for await (const slice of dataset.readRowGroups()) {
    codec.encodeRows(slice.table);
    break;
  }
  const started = performance.now();
  let rows = 0;
  let bytes = 0;
  for await (const slice of dataset.readRowGroups()) {
    const values = codec.encodeRows(slice.table);
    rows += values.length;
    for (const value of values) bytes += Buffer.byteLength(value, 'utf8');
  }
  const seconds = (performance.now() - started) / 1000;
  return { rows, seconds, rowsPerSecond: rows / seconds, bytes };
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? (await demoDataset(1_000_000));
  const { rows, seconds, rowsPerSecond, bytes } = await measureCodecThroughput(file);
  const count = (value: number) => Math.round(value).toLocaleString('en-US');
  process.stdout.write(
    `${file}\ncodec: ${count(rows)} rows in ${seconds.toFixed(2)} s = ${count(rowsPerSecond)} rows/s, ` +
      `${(bytes / 1e6).toFixed(1)} MB of JSON (${(bytes / rows).toFixed(1)} bytes/row)\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
