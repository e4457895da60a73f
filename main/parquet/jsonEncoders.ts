// Compiles an Arrow type into a JSON encoder following the wire-format table in docs/wire-format.md. An encoder
// is bound to one chunk (arrow.Data) at a time: binding prepares typed-array views, decodes a
// chunk's strings in one go and caches dictionary texts, so per-value work is a few array reads.
import { isAscii, isUtf8 } from 'node:buffer';
import * as arrow from 'apache-arrow';
import { InputError } from '../shared/errors';
import { TimestampFormatter, UNITS_PER_SECOND, dateText, timeOfDayText } from './temporalText';

export type TimestampMode = 'iso' | 'epoch-ms';

/** JSON text of element `index` (0-based within the bound chunk); the caller has ruled out null */
export type ElementText = (index: number) => string;
/** binds an encoder to one chunk of its column */
export type ChunkEncoder = (data: arrow.Data) => ElementText;

const Type = arrow.Type;
const TWO_POW_32 = 4294967296;
// quotes, backslashes and control characters (U+0000–U+001F) must be escaped in JSON strings
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

function quoteString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : '"' + text + '"';
}

/** The validity bitmap when the chunk has nulls, else null. Bit (data.offset + i) is element i. */
export function nullMask(data: arrow.Data): Uint8Array | null {
  if (data.typeId === Type.Null) return null;
  const mask = data.nullBitmap;
  return data.nullCount > 0 && mask && mask.length > 0 ? mask : null;
}

/** whether element `index` of a chunk is set in its bitmap (a null mask means no nulls) */
export function isValid(mask: Uint8Array | null, offset: number, index: number): boolean {
  if (mask === null) return true;
  const bit = offset + index;
  return ((mask[bit >> 3] >> (bit & 7)) & 1) === 1;
}

/** element text, or null when the element is null */
export function boundWithNulls(encoder: ChunkEncoder, data: arrow.Data): ElementText {
  const text = encoder(data);
  const mask = nullMask(data);
  if (mask === null) return text;
  const offset = data.offset;
  return (index) => (isValid(mask, offset, index) ? text(index) : 'null');
}

export function compileEncoder(
  type: arrow.DataType,
  column: string,
  timestamps: TimestampMode,
): ChunkEncoder {
  switch (type.typeId) {
    case Type.Null:
      return () => () => 'null';
    case Type.Bool:
      return (data) => {
        const bits = data.values as Uint8Array;
        const offset = data.offset;
        return (index) => (isValid(bits, offset, index) ? 'true' : 'false');
      };
    case Type.Int:
      return integerEncoder(type as arrow.Int);
    case Type.Float:
      return floatEncoder((type as arrow.Float).precision);
    case Type.Decimal:
      return decimalEncoder(type as arrow.Decimal);
    case Type.Date:
      return dateEncoder();
    case Type.Time: {
      const time = type as arrow.Time;
      const unitsPerSecond = UNITS_PER_SECOND[time.unit];
      return (data) => {
        const values = data.values as Int32Array | BigInt64Array;
        if (values instanceof Int32Array)
          return (index) => '"' + timeOfDayText(values[index], unitsPerSecond) + '"';
        const words = int32View(values);
        return (index) =>
          '"' +
          timeOfDayText(
            words[2 * index + 1] * TWO_POW_32 + (words[2 * index] >>> 0),
            unitsPerSecond,
          ) +
          '"';
      };
    }
    case Type.Timestamp:
      return timestampEncoder(type as arrow.Timestamp, timestamps);
    case Type.Duration:
      return (data) => int64Text(data.values as BigInt64Array, true);
    case Type.Utf8:
    case Type.LargeUtf8:
      return stringChunk;
    case Type.Binary:
    case Type.LargeBinary:
      return (data) => {
        const offsets = numberOffsets(data);
        const bytes = data.values as Uint8Array;
        return (index) => binaryText(bytes, offsets[index], offsets[index + 1]);
      };
    case Type.FixedSizeBinary: {
      const width = (type as arrow.FixedSizeBinary).byteWidth;
      return (data) => {
        const bytes = data.values as Uint8Array;
        return (index) => binaryText(bytes, index * width, (index + 1) * width);
      };
    }
    case Type.Utf8View:
    case Type.BinaryView:
      return (data) => {
        const vector = arrow.makeVector(data);
        return (index) => {
          const value = vector.get(index) as string | Uint8Array;
          return typeof value === 'string'
            ? quoteString(value)
            : binaryText(value, 0, value.length);
        };
      };
    case Type.List:
    case Type.LargeList:
      return listEncoder(type as arrow.List, column, timestamps);
    case Type.FixedSizeList:
      return fixedSizeListEncoder(type as arrow.FixedSizeList, column, timestamps);
    case Type.Struct:
      return structEncoder(type as arrow.Struct, column, timestamps);
    case Type.Map:
      return mapEncoder(type as arrow.Map_, column, timestamps);
    case Type.Dictionary:
      return dictionaryEncoder(type as arrow.Dictionary, column, timestamps);
    default:
      throw new InputError(
        `column "${column}" has type ${String(type)}, which has no JSON form in this app`,
      );
  }
}

/** int64 values as (low, high) 32-bit word pairs */
export function int32View(values: BigInt64Array | BigUint64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

function integerEncoder(type: arrow.Int): ChunkEncoder {
  if (type.bitWidth === 64)
    return (data) => int64Text(data.values as BigInt64Array | BigUint64Array, type.isSigned);
  return (data) => {
    const values = data.values as
      Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
    return (index) => String(values[index]);
  };
}

/** numbers within ±(2^53−1), otherwise a string of the exact digits */
function int64Text(values: BigInt64Array | BigUint64Array, signed: boolean): ElementText {
  const words = int32View(values);
  if (signed) {
    return (index) => {
      const high = words[2 * index + 1];
      if (high >= -0x200000 && high < 0x200000) {
        const value = high * TWO_POW_32 + (words[2 * index] >>> 0);
        if (value !== -0x20000000000000) return String(value);
      }
      return '"' + String(values[index]) + '"';
    };
  }
  return (index) => {
    const high = words[2 * index + 1] >>> 0;
    if (high < 0x200000) return String(high * TWO_POW_32 + (words[2 * index] >>> 0));
    return '"' + String(values[index]) + '"';
  };
}

function floatEncoder(precision: arrow.Precision): ChunkEncoder {
  if (precision === arrow.Precision.DOUBLE) {
    return (data) => {
      const values = data.values as Float64Array;
      return (index) => {
        const value = values[index];
        return value - value === 0 ? String(value) : 'null'; // NaN and ±Infinity give NaN
      };
    };
  }
  const single = precision === arrow.Precision.SINGLE;
  return (data) => {
    const values = data.values as Float32Array | Uint16Array;
    return (index) =>
      single
        ? shortestText(values[index], Math.fround)
        : shortestText(arrow.util.uint16ToFloat64(values[index]), toHalf);
  };
}

function toHalf(value: number): number {
  return arrow.util.uint16ToFloat64(arrow.util.float64ToUint16(value));
}

/** The shortest decimal that reads back as the same 16/32-bit float (what numpy and pandas print). */
function shortestText(value: number, roundTrip: (n: number) => number): string {
  if (value - value !== 0) return 'null';
  for (let digits = 1; digits < 17; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (roundTrip(candidate) === value) return String(candidate);
  }
  return String(value);
}

function decimalEncoder(type: arrow.Decimal): ChunkEncoder {
  const words = type.bitWidth / 32;
  const scale = type.scale;
  return (data) => {
    const values = data.values as Uint32Array;
    return (index) => '"' + decimalText(values, index * words, words, scale) + '"';
  };
}

/** two's complement little-endian 32-bit words → digits with exactly `scale` fraction digits */
function decimalText(values: Uint32Array, first: number, words: number, scale: number): string {
  let negative: boolean;
  let digits: string;
  const low = values[first];
  const high = words > 1 ? values[first + 1] : low >= 0x80000000 ? 0xffffffff : 0;
  let extended = true; // every word above the second is the sign extension of the second's top bit
  const signWord = high >= 0x80000000 ? 0xffffffff : 0;
  for (let w = 2; w < words && extended; w++) extended = values[first + w] === signWord;
  if (words === 1) {
    negative = low >= 0x80000000;
    digits = String(Math.abs(low | 0));
  } else if (extended && (high < 0x200000 || high >= 0xffe00001)) {
    const value = (high | 0) * TWO_POW_32 + low;
    negative = value < 0;
    digits = String(Math.abs(value));
  } else {
    let big = 0n;
    for (let w = words - 1; w >= 0; w--) big = (big << 32n) | BigInt(values[first + w]);
    if (values[first + words - 1] >= 0x80000000) big -= 1n << BigInt(words * 32);
    negative = big < 0n;
    digits = (negative ? -big : big).toString();
  }
  if (scale < 0) digits = digits === '0' ? digits : digits + '0'.repeat(-scale);
  else if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = digits.slice(0, -scale) + '.' + digits.slice(-scale);
  }
  return negative ? '-' + digits : digits;
}

function dateEncoder(): ChunkEncoder {
  const formatter = new TimestampFormatter(1e3);
  return (data) => {
    const values = data.values as Int32Array | BigInt64Array;
    if (values instanceof Int32Array) return (index) => '"' + dateText(values[index]) + '"';
    const words = int32View(values);
    return (index) => '"' + formatter.date(words[2 * index + 1], words[2 * index]) + '"';
  };
}

function timestampEncoder(type: arrow.Timestamp, mode: TimestampMode): ChunkEncoder {
  const formatter = new TimestampFormatter(UNITS_PER_SECOND[type.unit]);
  return (data) => {
    const words = int32View(data.values as BigInt64Array);
    if (mode === 'epoch-ms')
      return (index) => String(formatter.epochMillis(words[2 * index + 1], words[2 * index]));
    return (index) => '"' + formatter.iso(words[2 * index + 1], words[2 * index]) + '"';
  };
}

/** value offsets as numbers (64-bit offsets converted) */
export function numberOffsets(data: arrow.Data): Int32Array | Float64Array {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  return offsets instanceof Int32Array ? offsets : Float64Array.from(offsets, Number);
}

/**
 * Strings: the chunk's bytes are decoded once and each value is a substring. For valid UTF-8
 * with non-ASCII characters, the byte offsets are first mapped to UTF-16 positions.
 */
function stringChunk(data: arrow.Data): ElementText {
  const offsets = numberOffsets(data);
  const bytes = data.values as Uint8Array;
  const count = data.length;
  const first = offsets[0];
  const chunk = Buffer.from(bytes.buffer, bytes.byteOffset + first, offsets[count] - first);
  let text: string;
  let starts: Int32Array | Float64Array = offsets;
  let base = first;
  if (isAscii(chunk)) text = chunk.toString('latin1');
  else if (isUtf8(chunk)) {
    text = chunk.toString('utf8');
    starts = utf16Starts(chunk, offsets, count);
    base = 0;
  } else {
    // not valid UTF-8 (the writer broke the Utf8 contract): decode value by value
    return (index) =>
      quoteString(
        Buffer.from(
          bytes.buffer,
          bytes.byteOffset + offsets[index],
          offsets[index + 1] - offsets[index],
        ).toString('utf8'),
      );
  }
  if (NEEDS_ESCAPE.test(text))
    return (index) => quoteString(text.substring(starts[index] - base, starts[index + 1] - base));
  return (index) => '"' + text.substring(starts[index] - base, starts[index + 1] - base) + '"';
}

/** UTF-16 position of each value's start in the decoded chunk (4-byte sequences take two units) */
function utf16Starts(
  chunk: Uint8Array,
  offsets: Int32Array | Float64Array,
  count: number,
): Int32Array {
  const starts = new Int32Array(count + 1);
  const first = offsets[0];
  let units = 0;
  for (let value = 0; value < count; value++) {
    const end = offsets[value + 1] - first;
    for (let at = offsets[value] - first; at < end; at++) {
      const byte = chunk[at];
      if ((byte & 0xc0) !== 0x80) units += byte >= 0xf0 ? 2 : 1;
    }
    starts[value + 1] = units;
  }
  return starts;
}

/** UTF-8 text when the bytes are valid UTF-8, otherwise base64 */
function binaryText(bytes: Uint8Array, start: number, end: number): string {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
  return isUtf8(view) ? quoteString(view.toString('utf8')) : '"' + view.toString('base64') + '"';
}

function listEncoder(type: arrow.List, column: string, timestamps: TimestampMode): ChunkEncoder {
  const child = compileEncoder(type.children[0].type as arrow.DataType, column, timestamps);
  return (data) => {
    const offsets = numberOffsets(data);
    const element = boundWithNulls(child, data.children[0]);
    return (index) => {
      const end = offsets[index + 1];
      let text = '[';
      for (let at = offsets[index]; at < end; at++)
        text += (text.length > 1 ? ',' : '') + element(at);
      return text + ']';
    };
  };
}

function fixedSizeListEncoder(
  type: arrow.FixedSizeList,
  column: string,
  timestamps: TimestampMode,
): ChunkEncoder {
  const child = compileEncoder(type.children[0].type as arrow.DataType, column, timestamps);
  const size = type.listSize;
  return (data) => {
    const element = boundWithNulls(child, data.children[0]);
    return (index) => {
      let text = '[';
      for (let k = 0; k < size; k++) text += (k > 0 ? ',' : '') + element(index * size + k);
      return text + ']';
    };
  };
}

function structEncoder(
  type: arrow.Struct,
  column: string,
  timestamps: TimestampMode,
): ChunkEncoder {
  const fields = type.children.map((field, k) => ({
    prefix: (k > 0 ? ',' : '{') + JSON.stringify(field.name) + ':',
    encoder: compileEncoder(field.type as arrow.DataType, `${column}.${field.name}`, timestamps),
  }));
  if (fields.length === 0) return () => () => '{}';
  return (data) => {
    const bound = fields.map((field, k) => ({
      prefix: field.prefix,
      text: boundWithNulls(field.encoder, data.children[k]),
    }));
    return (index) => {
      let text = '';
      for (const field of bound) text += field.prefix + field.text(index);
      return text + '}';
    };
  };
}

/** Arrow types whose values are written as JSON strings or numbers */
function isStringOrNumber(type: arrow.DataType): boolean {
  if (arrow.DataType.isDictionary(type)) return isStringOrNumber(type.dictionary);
  return ![
    Type.Null,
    Type.Bool,
    Type.List,
    Type.LargeList,
    Type.FixedSizeList,
    Type.Struct,
    Type.Map,
  ].includes(type.typeId);
}

function mapEncoder(type: arrow.Map_, column: string, timestamps: TimestampMode): ChunkEncoder {
  const entries = type.children[0].type as arrow.Struct;
  const keyType = entries.children[0].type as arrow.DataType;
  const keyEncoder = compileEncoder(keyType, `${column}.key`, timestamps);
  const valueEncoder = compileEncoder(
    entries.children[1].type as arrow.DataType,
    `${column}.value`,
    timestamps,
  );
  const asObject = isStringOrNumber(keyType);
  return (data) => {
    const offsets = numberOffsets(data);
    const entryData = data.children[0];
    const key = boundWithNulls(keyEncoder, entryData.children[0]);
    const value = boundWithNulls(valueEncoder, entryData.children[1]);
    return (index) => {
      const end = offsets[index + 1];
      let text = '';
      for (let at = offsets[index]; at < end; at++) {
        const keyText = key(at);
        if (asObject)
          text +=
            (text ? ',' : '{') +
            (keyText[0] === '"' ? keyText : '"' + keyText + '"') +
            ':' +
            value(at);
        else text += (text ? ',[' : '[[') + keyText + ',' + value(at) + ']';
      }
      return text ? text + (asObject ? '}' : ']') : asObject ? '{}' : '[]';
    };
  };
}

function dictionaryEncoder(
  type: arrow.Dictionary,
  column: string,
  timestamps: TimestampMode,
): ChunkEncoder {
  const valueEncoder = compileEncoder(type.dictionary as arrow.DataType, column, timestamps);
  // row groups usually bring their own dictionary; remember the texts of each one while it lives
  const textsByDictionary = new WeakMap<arrow.Vector, (index: number) => string>();
  const dictionaryTexts = (dictionary: arrow.Vector) => {
    let texts = textsByDictionary.get(dictionary);
    if (!texts) {
      texts = cachedTexts(dictionary, valueEncoder);
      textsByDictionary.set(dictionary, texts);
    }
    return texts;
  };
  return (data) => {
    const texts = dictionaryTexts(data.dictionary as arrow.Vector);
    const indices = data.values as
      Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array;
    if (indices instanceof BigInt64Array || indices instanceof BigUint64Array)
      return (index) => texts(Number(indices[index]));
    return (index) => texts(indices[index]);
  };
}

function cachedTexts(dictionary: arrow.Vector, encoder: ChunkEncoder): (index: number) => string {
  const cache: (string | undefined)[] = new Array<string | undefined>(dictionary.length);
  const chunks = dictionary.data.map((data) => ({ data, text: boundWithNulls(encoder, data) }));
  const starts: number[] = [];
  let total = 0;
  for (const chunk of chunks) {
    starts.push(total);
    total += chunk.data.length;
  }
  return (index) => {
    let text = cache[index];
    if (text === undefined) {
      let k = chunks.length - 1;
      while (k > 0 && starts[k] > index) k--;
      text = chunks[k].text(index - starts[k]);
      cache[index] = text;
    }
    return text;
  };
}
