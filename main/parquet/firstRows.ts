// The first rows of a dataset as JSON objects, exactly the message values `produce` would send:
// what the transform preview runs on.
import type { ParquetDataset } from './parquetDataset';
import { RowCodec, type TimestampMode } from './rowCodec';

export async function readFirstRows(
  dataset: ParquetDataset,
  limit: number,
  options: { timestamps?: TimestampMode } = {},
): Promise<Record<string, unknown>[]> {
  const codec = new RowCodec(dataset.schema, options);
  const rows: Record<string, unknown>[] = [];
  if (limit <= 0) return rows;
  for await (const slice of dataset.readRowGroups()) {
    rows.push(...codec.toObjects(slice.table, limit - rows.length));
    if (rows.length >= limit) break;
  }
  return rows;
}
