// INT96 timestamps (Spark, Impala, Hive) span years 0001–9999 and beyond, but the decoder turns
// them into int64 nanoseconds, which wrap outside 1677–2262. parquet-rs honours an embedded Arrow
// schema ("ARROW:schema" footer metadata) as a type hint, so we hand it one that asks for
// microseconds on INT96 columns — Spark's own precision, exact for ±290,000 years.
import * as arrow from 'apache-arrow';

export const ARROW_SCHEMA_KEY = 'ARROW:schema';

/** The ARROW:schema value (base64 IPC schema message) with INT96 columns as Timestamp<MICROSECOND>. */
export function int96MicrosecondHint(schema: arrow.Schema, int96Columns: string[][]): string {
  const wanted = new Set(int96Columns.map((path) => leafKey(path[0], path[path.length - 1])));
  const fields = schema.fields.map((field) => retype(field, field.name, wanted));
  const ipc = arrow.tableToIPC(
    new arrow.Table(new arrow.Schema(fields, schema.metadata)),
    'stream',
  );
  // stream format: 0xFFFFFFFF continuation, int32 metadata length, then the Schema message
  const length = new DataView(ipc.buffer, ipc.byteOffset).getInt32(4, true);
  return Buffer.from(ipc.subarray(0, 8 + length)).toString('base64');
}

function leafKey(topLevel: string, leaf: string): string {
  return `${topLevel}\u0000${leaf}`;
}

/** Nested INT96 leaves are matched by top-level name and leaf name, enough for real schemas. */
function retype(field: arrow.Field, topLevel: string, wanted: Set<string>): arrow.Field {
  const type = field.type as arrow.DataType;
  if (arrow.DataType.isTimestamp(type) && type.unit === arrow.TimeUnit.NANOSECOND) {
    if (!wanted.has(leafKey(topLevel, field.name))) return field;
    return field.clone({ type: new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, type.timezone) });
  }
  const children = type.children as arrow.Field[] | undefined;
  if (!children || children.length === 0) return field;
  const retyped = children.map((child) => retype(child, topLevel, wanted));
  if (retyped.every((child, i) => child === children[i])) return field;
  const clone = Object.assign(
    Object.create(Object.getPrototypeOf(type) as object) as arrow.DataType,
    type,
    {
      children: retyped,
    },
  );
  return field.clone({ type: clone });
}
