// The encoded rows of one reader slice, produced a block at a time: message values (the codec's
// JSON), key texts and event times are encoded for a block of rows when first asked for, and the
// previous block is dropped. Streaming in order keeps only one block of strings alive instead of
// a whole row group; a shuffled stream reads rows out of order, so it uses one block for the
// whole slice.
import type { Table } from 'apache-arrow';
import type { RowCodec } from '../parquet/rowCodec';
import { eventTimesOf } from './replayTimes';

export interface SliceEncodingOptions {
  codec: RowCodec;
  keyColumn?: string;
  replay?: { codec: RowCodec; column: string };
  /** rows encoded together; the slice's row count encodes it at once */
  blockRows: number;
}

interface Block {
  start: number;
  values: string[];
  keys: (string | null)[] | null;
  times: (number | null)[] | null;
}

export class SliceEncoding {
  private block: Block | null = null;

  constructor(
    private readonly table: Table,
    /** dataset row index of the table's first row */
    private readonly baseRow: number,
    private readonly options: SliceEncodingOptions,
  ) {}

  value(index: number): string {
    const block = this.blockOf(index);
    return block.values[index - block.start];
  }

  /** the --key column's text, or null when the row has none; undefined without --key */
  key(index: number): string | null | undefined {
    const block = this.blockOf(index);
    return block.keys ? block.keys[index - block.start] : undefined;
  }

  /** the --replay-column value in epoch ms (null without a value or without --replay-column) */
  time(index: number): number | null {
    const block = this.blockOf(index);
    return block.times ? block.times[index - block.start] : null;
  }

  private blockOf(index: number): Block {
    const current = this.block;
    if (current && index >= current.start && index < current.start + current.values.length) {
      return current;
    }
    const { codec, keyColumn, replay, blockRows } = this.options;
    const start = Math.floor(index / blockRows) * blockRows;
    const end = Math.min(this.table.numRows, start + blockRows);
    const rows =
      start === 0 && end === this.table.numRows ? this.table : this.table.slice(start, end);
    this.block = {
      start,
      values: codec.encodeRows(rows),
      keys: keyColumn ? codec.keyTexts(rows, keyColumn) : null,
      times: replay ? eventTimesOf(replay.codec, rows, replay.column, this.baseRow + start) : null,
    };
    return this.block;
  }
}
