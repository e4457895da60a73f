// The Apache parquet-testing corpus the reader is tested against, and the rows it encodes.
// It is found in PS_PARQUET_CORPUS, else in shared/ beside this checkout (as CI lays it out),
// else in shared/ beside the local repository this checkout was cloned from. Absent → the
// tests fail with where they looked, rather than skip.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ParquetDataset } from '../../main/parquet/parquetDataset';
import { RowCodec, type TimestampMode } from '../../main/parquet/rowCodec';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

function originCheckout(): string | null {
  try {
    const url = execFileSync('git', ['-C', repoRoot, 'remote', 'get-url', 'origin'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return path.isAbsolute(url) ? url : null;
  } catch {
    return null;
  }
}

function locateCorpus(): string {
  const origin = originCheckout();
  const candidates = [
    process.env.PS_PARQUET_CORPUS,
    path.resolve(repoRoot, '..', 'shared', 'parquet-corpus'),
    origin ? path.resolve(origin, '..', 'shared', 'parquet-corpus') : undefined,
  ].filter((candidate): candidate is string => Boolean(candidate));
  const found = candidates.find((candidate) => existsSync(path.join(candidate, 'good')));
  if (!found) {
    throw new Error(
      `the parquet-testing corpus is not in ${candidates.join(' or ')} — set PS_PARQUET_CORPUS`,
    );
  }
  return found;
}

export const CORPUS_DIR = locateCorpus();

/** Every row of a Parquet file as the JSON message values the producer would send. */
export async function jsonRows(file: string, timestamps: TimestampMode = 'iso'): Promise<string[]> {
  const dataset = await ParquetDataset.open(file);
  const codec = new RowCodec(dataset.schema, { timestamps });
  const rows: string[] = [];
  for await (const slice of dataset.readRowGroups()) rows.push(...codec.encodeRows(slice.table));
  return rows;
}
