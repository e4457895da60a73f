// Event times for `--replay-column`: the column's values in epoch milliseconds. Timestamps
// come from the codec in epoch-ms form; dates and ISO strings are parsed; anything else is a
// one-line error naming the row.
import type { Table } from 'apache-arrow';
import type { RowCodec } from '../parquet/rowCodec';
import { InputError } from '../shared/errors';

/** `codec` must encode timestamps as epoch-ms; `baseRow` is the dataset row of table row 0. */
export function eventTimesOf(
  codec: RowCodec,
  table: Table,
  column: string,
  baseRow: number,
): (number | null)[] {
  return codec.keyTexts(table, column).map((text, index) => {
    if (text === null) return null;
    const number = Number(text);
    if (text.trim() !== '' && Number.isFinite(number)) return number;
    const parsed = Date.parse(text);
    if (Number.isFinite(parsed)) return parsed;
    throw new InputError(
      `--replay-column "${column}" needs times, but row ${baseRow + index} has ${JSON.stringify(text)} — ` +
        'choose a timestamp, date or numeric column',
      { field: 'replayColumn' },
    );
  });
}
