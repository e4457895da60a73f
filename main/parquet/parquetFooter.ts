// Reads a Parquet file's footer (FileMetaData) directly, before the WASM decoder sees the file:
// it turns empty, truncated, foreign and encrypted files into clear one-line problems, finds the
// INT96 timestamp columns, and can rewrite the footer's key/value metadata (see int96Hint.ts).
import { open } from 'node:fs/promises';
import {
  CompactReader,
  CompactType,
  ThriftFormatError,
  encodeFieldHeader,
  encodeListHeader,
  encodeVarint,
} from './thriftCompact';

/** Why a file cannot be read, in words for the user (the caller prefixes the file name). */
export class FooterProblem extends Error {}

const MAGIC = 'PAR1';
const ENCRYPTED_MAGIC = 'PARE';
const TRAILER_BYTES = 8; // footer length (u32 LE) + magic
const PARQUET_INT96 = 3;
const FILE_METADATA_KEY_VALUES = 5;
const FILE_METADATA_ENCRYPTION = 8;
/** encrypted footers (PARE magic) and encrypted columns under a plain footer alike */
const ENCRYPTED_PROBLEM =
  'is encrypted (Parquet modular encryption), which is not supported: decrypt it first';

interface TopLevelField {
  id: number;
  type: CompactType;
  /** byte range of the value (without its header) inside the metadata */
  start: number;
  end: number;
}

export interface KeyValue {
  key: string;
  /** raw bytes, so a rewrite copies values exactly */
  keyBytes: Uint8Array;
  valueBytes: Uint8Array | null;
}

export interface ParquetFooter {
  /** offset of the FileMetaData in the file; everything before it is left untouched by rewrites */
  metadataOffset: number;
  /** the FileMetaData, Thrift compact encoded */
  metadata: Uint8Array;
  keyValues: KeyValue[];
  /** leaf paths (names from the root's child down) of INT96 columns */
  int96Columns: string[][];
  fields: TopLevelField[];
}

export async function readFooter(path: string): Promise<ParquetFooter> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) throw new FooterProblem('is empty');
    if (size < 4 + TRAILER_BYTES)
      throw new FooterProblem(`is not a Parquet file (only ${size} bytes)`);
    const trailer = Buffer.alloc(TRAILER_BYTES);
    await handle.read(trailer, 0, TRAILER_BYTES, size - TRAILER_BYTES);
    const magic = trailer.toString('latin1', 4, 8);
    if (magic === ENCRYPTED_MAGIC) {
      throw new FooterProblem(ENCRYPTED_PROBLEM);
    }
    if (magic !== MAGIC) {
      const head = Buffer.alloc(4);
      await handle.read(head, 0, 4, 0);
      throw new FooterProblem(
        head.toString('latin1') === MAGIC
          ? 'is truncated: it starts like a Parquet file but has no footer (was the write interrupted?)'
          : 'is not a Parquet file (it does not end with the PAR1 magic bytes)',
      );
    }
    const length = trailer.readUInt32LE(0);
    const metadataOffset = size - TRAILER_BYTES - length;
    if (metadataOffset < 4) {
      throw new FooterProblem(
        `has a corrupt footer (it claims ${length} bytes, more than the file holds)`,
      );
    }
    const metadata = new Uint8Array(length);
    await handle.read(metadata, 0, length, metadataOffset);
    return { metadataOffset, metadata, ...parseFileMetaData(metadata) };
  } finally {
    await handle.close();
  }
}

function parseFileMetaData(
  metadata: Uint8Array,
): Pick<ParquetFooter, 'keyValues' | 'int96Columns' | 'fields'> {
  const reader = new CompactReader(metadata);
  const fields: TopLevelField[] = [];
  let keyValues: KeyValue[] = [];
  let int96Columns: string[][] = [];
  try {
    reader.struct((field) => {
      const start = reader.position;
      if (field.id === 2 && field.type === CompactType.List)
        int96Columns = readInt96Columns(reader);
      else if (field.id === FILE_METADATA_KEY_VALUES && field.type === CompactType.List)
        keyValues = readKeyValues(reader);
      else reader.skip(field.type);
      fields.push({ id: field.id, type: field.type, start, end: reader.position });
      return true;
    });
  } catch (error) {
    if (error instanceof ThriftFormatError)
      throw new FooterProblem(`has a corrupt footer (${error.message})`);
    throw error;
  }
  if (fields.some((f) => f.id === FILE_METADATA_ENCRYPTION)) {
    throw new FooterProblem(ENCRYPTED_PROBLEM);
  }
  return { fields, keyValues, int96Columns };
}

interface SchemaElement {
  name: string;
  physicalType: number | null;
  children: number;
}

function readInt96Columns(reader: CompactReader): string[][] {
  const { size } = reader.listHeader();
  const elements: SchemaElement[] = [];
  for (let i = 0; i < size; i++) {
    const element: SchemaElement = { name: '', physicalType: null, children: 0 };
    reader.struct((field) => {
      if (field.id === 1 && field.type === CompactType.I32) element.physicalType = reader.zigzag();
      else if (field.id === 4 && field.type === CompactType.Binary) element.name = reader.string();
      else if (field.id === 5 && field.type === CompactType.I32) element.children = reader.zigzag();
      else return false;
      return true;
    });
    elements.push(element);
  }
  // depth-first: the root, then each group's children right after it
  const found: string[][] = [];
  let next = 1;
  const walk = (path: string[], count: number) => {
    for (let i = 0; i < count && next < elements.length; i++) {
      const element = elements[next++];
      const here = [...path, element.name];
      if (element.children > 0) walk(here, element.children);
      else if (element.physicalType === PARQUET_INT96) found.push(here);
    }
  };
  walk([], elements[0]?.children ?? 0);
  return found;
}

function readKeyValues(reader: CompactReader): KeyValue[] {
  const { size } = reader.listHeader();
  const entries: KeyValue[] = [];
  for (let i = 0; i < size; i++) {
    let keyBytes: Uint8Array = new Uint8Array(0);
    let valueBytes: Uint8Array | null = null;
    reader.struct((field) => {
      if (field.id === 1 && field.type === CompactType.Binary) keyBytes = reader.binary();
      else if (field.id === 2 && field.type === CompactType.Binary) valueBytes = reader.binary();
      else return false;
      return true;
    });
    entries.push({ key: Buffer.from(keyBytes).toString('utf8'), keyBytes, valueBytes });
  }
  return entries;
}

/**
 * The file's tail (FileMetaData, length, magic) with one key/value entry set, everything else
 * copied byte for byte. Fields are re-emitted with long-form headers, so their order stays valid.
 */
export function footerTailWithKeyValue(
  footer: ParquetFooter,
  key: string,
  value: string,
): Uint8Array {
  const entries: KeyValue[] = [
    ...footer.keyValues.filter((kv) => kv.key !== key),
    { key, keyBytes: Buffer.from(key), valueBytes: Buffer.from(value) },
  ];
  const parts: Uint8Array[] = [];
  const push = (...bytes: number[]) => parts.push(Uint8Array.from(bytes));
  const pushBinary = (fieldId: number, bytes: Uint8Array) => {
    push(...encodeFieldHeader(fieldId, CompactType.Binary), ...encodeVarint(bytes.length));
    parts.push(bytes);
  };
  const writeKeyValues = () => {
    push(...encodeFieldHeader(FILE_METADATA_KEY_VALUES, CompactType.List));
    push(...encodeListHeader(CompactType.Struct, entries.length));
    for (const entry of entries) {
      pushBinary(1, entry.keyBytes);
      if (entry.valueBytes !== null) pushBinary(2, entry.valueBytes);
      push(CompactType.Stop);
    }
  };
  let wroteKeyValues = false;
  for (const field of [...footer.fields].sort((a, b) => a.id - b.id)) {
    if (field.id >= FILE_METADATA_KEY_VALUES && !wroteKeyValues) {
      writeKeyValues();
      wroteKeyValues = true;
    }
    if (field.id === FILE_METADATA_KEY_VALUES) continue;
    push(...encodeFieldHeader(field.id, field.type));
    parts.push(footer.metadata.subarray(field.start, field.end));
  }
  if (!wroteKeyValues) writeKeyValues();
  push(CompactType.Stop);
  const metadataLength = parts.reduce((sum, part) => sum + part.length, 0);
  const trailer = Buffer.alloc(TRAILER_BYTES);
  trailer.writeUInt32LE(metadataLength, 0);
  trailer.write(MAGIC, 4, 'latin1');
  return Buffer.concat([...parts, trailer]);
}
