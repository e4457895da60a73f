// Hive-style partition folders (`year=2014/borough=BK/part-0.parquet`): the name=value pairs of a
// file's folders, and the constant string columns they add to each of its row groups.
import * as arrow from 'apache-arrow';

/** Hive writes this folder value for a null partition key. */
const HIVE_NULL_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/** name → value of each `name=value` folder between the dataset root and the file, outermost first. */
export function partitionValuesOf(relativePath: string): Record<string, string> {
  const folders = relativePath.split(/[\\/]/).slice(0, -1);
  const values: Record<string, string> = {};
  for (const folder of folders) {
    const equals = folder.indexOf('=');
    if (equals <= 0) continue;
    values[unescapeHive(folder.slice(0, equals))] = unescapeHive(folder.slice(equals + 1));
  }
  return values;
}

/** Hive escapes special characters in folder names as %XX. */
function unescapeHive(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function partitionField(name: string): arrow.Field {
  return new arrow.Field(name, new arrow.Utf8(), true);
}

/** The table with one Utf8 column per partition key appended, every row holding the folder's value. */
export function withPartitionColumns(
  table: arrow.Table,
  schema: arrow.Schema,
  partitionValues: Record<string, string>,
): arrow.Table {
  const names = Object.keys(partitionValues);
  if (names.length === 0) return table;
  const batches = table.batches.map((batch) => {
    const extra = names.map((name) => constantStrings(partitionValues[name], batch.numRows));
    const data = arrow.makeData({
      type: new arrow.Struct(schema.fields),
      length: batch.numRows,
      nullCount: 0,
      children: [...batch.data.children, ...extra],
    });
    return new arrow.RecordBatch(schema, data);
  });
  return new arrow.Table(schema, batches);
}

function constantStrings(value: string, length: number): arrow.Data<arrow.Utf8> {
  if (value === HIVE_NULL_PARTITION) {
    return arrow.makeData({
      type: new arrow.Utf8(),
      length,
      nullCount: length,
      nullBitmap: new Uint8Array(Math.ceil(length / 8)),
      valueOffsets: new Int32Array(length + 1),
      data: new Uint8Array(0),
    });
  }
  const bytes = Buffer.from(value, 'utf8');
  const data = new Uint8Array(bytes.length * length);
  const valueOffsets = new Int32Array(length + 1);
  for (let i = 0; i < length; i++) {
    data.set(bytes, i * bytes.length);
    valueOffsets[i + 1] = (i + 1) * bytes.length;
  }
  return arrow.makeData({ type: new arrow.Utf8(), length, nullCount: 0, valueOffsets, data });
}
