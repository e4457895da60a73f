// A tiny, valid Parquet file whose footer claims that row group 0's first column chunk is larger
// than it is: the data pages are untouched, only ColumnMetaData.total_uncompressed_size is
// rewritten. Enough to meet the reader's 2 GiB chunk limit without writing 2 GiB.
import { readFile, writeFile } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import * as parquetWasm from 'parquet-wasm';
import { readFooter } from '../../main/parquet/parquetFooter';
import {
  CompactReader,
  CompactType,
  encodeFieldHeader,
  encodeListHeader,
  encodeVarint,
} from '../../main/parquet/thriftCompact';

/**
 * FileMetaData.row_groups[0].columns[0].meta_data.total_uncompressed_size: field ids (4, 1, 3, 6)
 * with, after each list field, the element index
 */
const UNCOMPRESSED_SIZE_PATH = [4, 0, 1, 0, 3, 6];

/** writes one row group with one column, the struct leaf `point.x`, claimed to be claimedBytes */
export async function writeOversizedChunkFile(file: string, claimedBytes: number): Promise<void> {
  const point = new arrow.Struct([new arrow.Field('x', new arrow.Int32())]);
  const table = new arrow.Table({
    point: arrow.vectorFromArray([{ x: 1 }, { x: 2 }, { x: 3 }], point),
  });
  const wasmTable = parquetWasm.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  await writeFile(file, parquetWasm.writeParquet(wasmTable));

  const footer = await readFooter(file);
  const out: number[] = [];
  rewriteStruct(new CompactReader(footer.metadata), footer.metadata, UNCOMPRESSED_SIZE_PATH, out, [
    ...encodeVarint(zigzag(claimedBytes)),
  ]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(out.length, 0);
  trailer.write('PAR1', 4, 'latin1');
  const pages = (await readFile(file)).subarray(0, footer.metadataOffset);
  await writeFile(file, Buffer.concat([pages, Uint8Array.from(out), trailer]));
}

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/**
 * Copies the struct at the reader's position into `out`, with the field at `path` replaced by
 * `value` (its encoded bytes). Fields are re-emitted with long-form headers, and untouched values
 * copied byte for byte, so only the lengths along the path change.
 */
function rewriteStruct(
  reader: CompactReader,
  bytes: Uint8Array,
  path: number[],
  out: number[],
  value: number[],
): void {
  const [id, ...rest] = path;
  reader.struct((field) => {
    out.push(...encodeFieldHeader(field.id, field.type));
    if (field.id !== id) {
      const start = reader.position;
      reader.skip(field.type);
      out.push(...bytes.subarray(start, reader.position));
    } else if (rest.length === 0) {
      reader.skip(field.type);
      out.push(...value);
    } else if (field.type === CompactType.Struct) {
      rewriteStruct(reader, bytes, rest, out, value);
    } else {
      // a list of structs: descend into the element at rest[0], copy the others
      const { elementType, size } = reader.listHeader();
      out.push(...encodeListHeader(elementType, size));
      for (let i = 0; i < size; i++) {
        if (i === rest[0]) rewriteStruct(reader, bytes, rest.slice(1), out, value);
        else {
          const start = reader.position;
          reader.skip(elementType);
          out.push(...bytes.subarray(start, reader.position));
        }
      }
    }
    return true;
  });
  out.push(CompactType.Stop);
}
