// Child process of the producer benchmark: reads and encodes a dataset exactly as the producer
// does, without Kafka, and prints the peak resident memory — the share of the producer's peak
// that belongs to reading and encoding.
// Usage: node dist/bench/readChild.js FILE
import { ParquetDataset } from '../main/parquet/parquetDataset';
import { RowCodec } from '../main/parquet/rowCodec';

async function main(): Promise<void> {
  const dataset = await ParquetDataset.open(process.argv[2]);
  const codec = new RowCodec(dataset.schema, { timestamps: 'iso' });
  let rows = 0;
  for await (const slice of dataset.readRowGroups()) {
    rows += codec.encodeRows(slice.table).length;
  }
  process.stdout.write(
    JSON.stringify({ rows, peakRssBytes: process.resourceUsage().maxRSS * 1024 }) + '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
