// Demo datasets for benchmarks, generated once per (rows, seed) under .bench-data/ and reused.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { writeDemoDataset } from '../main/parquet/demoDataset';

export const BENCH_DATA_DIR = path.resolve(__dirname, '..', '..', '.bench-data');

export async function demoDataset(rows: number, seed = 1): Promise<string> {
  await mkdir(BENCH_DATA_DIR, { recursive: true });
  const file = path.join(BENCH_DATA_DIR, `demo-${rows}-seed${seed}.parquet`);
  if (existsSync(file)) return file;
  process.stderr.write(`generating ${rows.toLocaleString('en-US')} demo rows into ${file} …\n`);
  const started = performance.now();
  await writeDemoDataset({ path: file, rows, seed });
  process.stderr.write(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return file;
}
