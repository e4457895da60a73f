// Row → JSON: the Kafka message values. One writer per column is compiled from the schema once;
// rows are then written as UTF-8 bytes straight from each chunk's typed arrays (no row objects,
// no JSON.stringify of objects) and cut into strings a few megabytes at a time.
import * as arrow from 'apache-arrow';
import { InputError } from '../shared/errors';
import { compileEncoder, nullMask, type ChunkEncoder, type TimestampMode } from './jsonEncoders';
import {
  JsonSink,
  VALUE_RESERVE,
  compileWriter,
  prefixOf,
  type ChunkWriter,
  type ElementWriter,
  type Prefix,
} from './jsonRowWriter';

export type { TimestampMode } from './jsonEncoders';

interface ColumnPlan {
  name: string;
  /** written before the value: `{"name":` for the first column, `,"name":` after */
  prefix: Prefix;
  writer: ChunkWriter;
  encoder: ChunkEncoder;
}

const NULL = Buffer.from('null');
const CLOSE_BRACE = 0x7d;

export class RowCodec {
  private readonly columns: ColumnPlan[];
  private readonly sink = new JsonSink();
  /** room for one row's prefixes, short values and closing brace */
  private readonly rowReserve: number;

  constructor(schema: arrow.Schema, options: { timestamps?: TimestampMode } = {}) {
    const timestamps = options.timestamps ?? 'iso';
    this.columns = schema.fields.map((field, k) => ({
      name: field.name,
      prefix: prefixOf((k === 0 ? '{' : ',') + JSON.stringify(field.name) + ':'),
      writer: compileWriter(field.type as arrow.DataType, field.name, timestamps),
      encoder: compileEncoder(field.type as arrow.DataType, field.name, timestamps),
    }));
    this.rowReserve = this.columns.reduce(
      (sum, plan) => sum + plan.prefix.words.length * 4 + VALUE_RESERVE,
      1,
    );
  }

  /** JSON text of every row of the table, in order — exactly the Kafka message values */
  encodeRows(table: arrow.Table): string[] {
    this.checkColumns(table);
    const rows = new Array<string>(table.numRows);
    if (this.columns.length === 0) return rows.fill('{}');
    const sink = this.sink;
    const columnCount = this.columns.length;
    const prefixes = this.columns.map((plan) => plan.prefix);
    const rowReserve = this.rowReserve;
    let rowEnds: number[] = [];
    let firstPending = 0;
    let row = 0;
    for (const batch of table.batches) {
      const children = batch.data.children;
      const writers: ElementWriter[] = this.columns.map((plan, k) =>
        plan.writer(children[k], sink),
      );
      const masks = children.map(nullMask);
      const offsets = children.map((data) => data.offset);
      for (let i = 0; i < batch.numRows; i++, row++) {
        sink.reserve(rowReserve);
        for (let k = 0; k < columnCount; k++) {
          sink.prefix(prefixes[k]);
          const mask = masks[k];
          const bit = offsets[k] + i;
          if (mask !== null && ((mask[bit >> 3] >> (bit & 7)) & 1) === 0) sink.copy(NULL, 0, 4);
          else writers[k](i);
        }
        sink.byte(CLOSE_BRACE);
        rowEnds.push(sink.position);
        if (sink.full) {
          sink.takeRows(rowEnds, rows, firstPending);
          firstPending = row + 1;
          rowEnds = [];
        }
      }
    }
    if (rowEnds.length > 0) sink.takeRows(rowEnds, rows, firstPending);
    return rows;
  }

  /** the JSON value of one column of every row, as key text: strings as is, numbers as digits, null → null */
  keyTexts(table: arrow.Table, column: string): (string | null)[] {
    this.checkColumns(table);
    const k = this.columns.findIndex((plan) => plan.name === column);
    if (k === -1) {
      const names = this.columns.map((plan) => plan.name).join(', ');
      throw new InputError(`key column "${column}" does not exist; the columns are: ${names}`);
    }
    const keys = new Array<string | null>(table.numRows);
    let at = 0;
    for (const batch of table.batches) {
      const data = batch.data.children[k];
      const text = this.columns[k].encoder(data);
      const mask = nullMask(data);
      for (let i = 0; i < data.length; i++, at++) {
        const bit = data.offset + i;
        keys[at] =
          mask !== null && ((mask[bit >> 3] >> (bit & 7)) & 1) === 0 ? null : keyText(text(i));
      }
    }
    return keys;
  }

  /** plain JS values (what JSON.parse(encodeRows(...)[i]) would give), for previews and event-time replay */
  toObjects(table: arrow.Table, limit?: number): Record<string, unknown>[] {
    const rows =
      limit === undefined || limit >= table.numRows ? table : table.slice(0, Math.max(0, limit));
    return this.encodeRows(rows).map((row) => JSON.parse(row) as Record<string, unknown>);
  }

  private checkColumns(table: arrow.Table): void {
    const fields = table.schema.fields;
    if (
      fields.length !== this.columns.length ||
      fields.some((field, k) => field.name !== this.columns[k].name)
    ) {
      throw new Error(
        `RowCodec: the table's columns (${fields.map((f) => f.name).join(', ')}) are not the codec's`,
      );
    }
  }
}

/** JSON strings lose their quotes; everything else (numbers, arrays, objects) stays JSON text */
function keyText(json: string): string {
  if (json.charCodeAt(0) !== 34 /* " */) return json;
  return json.indexOf('\\') === -1 ? json.slice(1, -1) : (JSON.parse(json) as string);
}
