// Row → JSON: the Kafka message values. One writer per column is compiled from the schema once;
// rows are then written as UTF-8 bytes straight from each chunk's typed arrays (no row objects,
// no JSON.stringify of objects) and cut into strings a window of rows at a time.
import * as arrow from 'apache-arrow';
import { InputError } from '../shared/errors';
import {
  compileEncoder,
  isValid,
  nullMask,
  type ChunkEncoder,
  type TimestampMode,
} from './jsonEncoders';
import { JsonRowWriter, compileColumnWriter, prefixOf, type ColumnWriter } from './jsonRowWriter';

export type { TimestampMode } from './jsonEncoders';

interface ColumnPlan {
  name: string;
  writer: ColumnWriter;
  encoder: ChunkEncoder;
}

export class RowCodec {
  private readonly columns: ColumnPlan[];
  private readonly writer = new JsonRowWriter();

  constructor(schema: arrow.Schema, options: { timestamps?: TimestampMode } = {}) {
    const timestamps = options.timestamps ?? 'iso';
    this.columns = schema.fields.map((field, k) => {
      const type = field.type as arrow.DataType;
      // `{"name":` before the first value, `,"name":` before the others
      const prefix = prefixOf((k === 0 ? '{' : ',') + JSON.stringify(field.name) + ':');
      const encoder = compileEncoder(type, field.name, timestamps);
      return {
        name: field.name,
        writer: compileColumnWriter(type, field.name, timestamps, prefix, encoder),
        encoder,
      };
    });
  }

  /** JSON text of every row of the table, in order — exactly the Kafka message values */
  encodeRows(table: arrow.Table): string[] {
    this.checkColumns(table);
    const rows = new Array<string>(table.numRows);
    if (this.columns.length === 0) return rows.fill('{}');
    let firstRow = 0;
    for (const batch of table.batches) {
      const passes = this.columns.map((plan, k) => plan.writer(batch.data.children[k]));
      this.writer.write(passes, batch.numRows, rows, firstRow);
      firstRow += batch.numRows;
    }
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
      for (let i = 0; i < data.length; i++, at++)
        keys[at] = isValid(mask, data.offset, i) ? keyText(text(i)) : null;
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
