// Writes rows of JSON as UTF-8 bytes, a window of rows at a time, column by column: each column
// first adds its bytes (prefix + value) to every row's length, then — once the rows' positions
// are known — writes them in place. Every column loop works on one type's typed arrays only, so
// it stays monomorphic and allocation-free; the window is then decoded into one string and each
// row is a substring of it. (Building row strings value by value leaves millions of rope nodes
// per row group for the garbage collector.)
import { isAscii, isUtf8 } from 'node:buffer';
import * as arrow from 'apache-arrow';
import {
  boundWithNulls,
  compileEncoder,
  int32View,
  nullMask,
  numberOffsets,
  type ChunkEncoder,
  type TimestampMode,
} from './jsonEncoders';
import { DateCache, UNITS_PER_SECOND, split, splitUnits } from './temporalText';

const Type = arrow.Type;
const TWO_POW_32 = 4294967296;
const MAX_SAFE = 9007199254740991;
const QUOTE = 0x22;
/** rows decoded and cut into strings together (a few MB: Node keeps such strings off the JS heap) */
const WINDOW_ROWS = 16384;
/** rows the columns write in one go: a few hundred KB, which stay in the CPU cache between columns */
const PASS_ROWS = 1024;

/** Text written before a value (`,"name":`): whole little-endian 32-bit words, then 0–3 bytes. */
export interface Prefix {
  words: Int32Array;
  tail: Uint8Array;
  length: number;
}

export function prefixOf(text: string): Prefix {
  const bytes = Buffer.from(text, 'utf8');
  const whole = bytes.length >> 2;
  const words = new Int32Array(whole);
  for (let i = 0; i < whole; i++) words[i] = bytes.readInt32LE(4 * i);
  return { words, tail: Uint8Array.from(bytes.subarray(4 * whole)), length: bytes.length };
}

/** The window's output: bytes and, per row, where its next byte goes. */
export interface WindowOutput {
  bytes: Buffer;
  view: DataView;
  positions: Int32Array;
}

/** One column's share of a window of rows [first, first + count) of its chunk. */
export interface ColumnPass {
  /** adds each row's prefix + value byte count to lengths[0 … count) */
  measure(first: number, count: number, lengths: Int32Array): void;
  /** writes each row's prefix + value at output.positions[r] and advances it */
  write(first: number, count: number, output: WindowOutput): void;
}

/** binds a column's writer to one chunk */
export type ColumnWriter = (data: arrow.Data) => ColumnPass;

function putPrefix(output: WindowOutput, at: number, prefix: Prefix): number {
  const words = prefix.words;
  const view = output.view;
  for (let i = 0; i < words.length; i++) view.setInt32(at + 4 * i, words[i], true);
  let cursor = at + 4 * words.length;
  const tail = prefix.tail;
  for (let i = 0; i < tail.length; i++) output.bytes[cursor++] = tail[i];
  return cursor;
}

function putNull(bytes: Uint8Array, at: number): number {
  bytes[at] = 0x6e; // n
  bytes[at + 1] = 0x75; // u
  bytes[at + 2] = 0x6c; // l
  bytes[at + 3] = 0x6c; // l
  return at + 4;
}

/** "00" … "99" as ASCII */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) =>
  i % 2 === 0 ? 0x30 + Math.floor(i / 20) : 0x30 + ((i >> 1) % 10),
);

/** digits of a non-negative integer ≤ 2^53 */
function digitCount(value: number): number {
  if (value < 100000)
    return value < 100 ? (value < 10 ? 1 : 2) : value < 1000 ? 3 : value < 10000 ? 4 : 5;
  if (value < 10000000000) {
    return value < 10000000
      ? value < 1000000
        ? 6
        : 7
      : value < 100000000
        ? 8
        : value < 1000000000
          ? 9
          : 10;
  }
  let digits = 11;
  for (let limit = 1e11; limit <= value; limit *= 10) digits++;
  return digits;
}

/** bytes of an integer (|value| ≤ 2^53 − 1) as JSON */
function integerLength(value: number): number {
  return value < 0 ? 1 + digitCount(-value) : digitCount(value);
}

/** writes an unsigned 32-bit integer's digits, returns the position after them */
function putUint32(bytes: Uint8Array, at: number, value: number): number {
  const end = at + digitCount(value);
  let cursor = end;
  let rest = value;
  while (rest >= 100) {
    const quotient = (rest / 100) >>> 0;
    const pair = (rest - quotient * 100) * 2;
    bytes[--cursor] = DIGIT_PAIRS[pair + 1];
    bytes[--cursor] = DIGIT_PAIRS[pair];
    rest = quotient;
  }
  if (rest >= 10) {
    bytes[--cursor] = DIGIT_PAIRS[rest * 2 + 1];
    bytes[--cursor] = DIGIT_PAIRS[rest * 2];
  } else bytes[--cursor] = 0x30 + rest;
  return end;
}

/** writes an integer with |value| ≤ 2^53 − 1 */
function putInteger(bytes: Uint8Array, at: number, value: number): number {
  let cursor = at;
  let rest = value;
  if (rest < 0) {
    bytes[cursor++] = 0x2d; // -
    rest = -rest;
  }
  if (rest < TWO_POW_32) return putUint32(bytes, cursor, rest);
  const high = Math.floor(rest / 1e8);
  cursor = putUint32(bytes, cursor, high);
  return putPadded(bytes, cursor, rest - high * 1e8, 8);
}

/** exactly `width` digits, zero-padded (value < 2^32) */
function putPadded(bytes: Uint8Array, at: number, value: number, width: number): number {
  let rest = value;
  let cursor = at + width;
  for (; cursor - at >= 2;) {
    const quotient = (rest / 100) >>> 0;
    const pair = (rest - quotient * 100) * 2;
    bytes[--cursor] = DIGIT_PAIRS[pair + 1];
    bytes[--cursor] = DIGIT_PAIRS[pair];
    rest = quotient;
  }
  if (cursor > at) bytes[--cursor] = 0x30 + (rest % 10);
  return at + width;
}

function putAscii(bytes: Uint8Array, at: number, text: string): number {
  let cursor = at;
  for (let i = 0; i < text.length; i++) bytes[cursor++] = text.charCodeAt(i);
  return cursor;
}

/** UTF-8 byte length of well-formed text */
function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) length += 1;
    else if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) {
      length += 2; // a surrogate pair: two UTF-16 units, four bytes
      i++;
    } else length += 2;
  }
  return length;
}

function isNullAt(mask: Uint8Array | null, bit: number): boolean {
  return mask !== null && ((mask[bit >> 3] >> (bit & 7)) & 1) === 0;
}

function isSet(bits: Uint8Array, bit: number): boolean {
  return ((bits[bit >> 3] >> (bit & 7)) & 1) === 1;
}

/**
 * A writer for the column's type: dedicated loops for common types, otherwise the output of the
 * column's text encoder (compileEncoder of the same type, column and timestamps).
 */
export function compileColumnWriter(
  type: arrow.DataType,
  column: string,
  timestamps: TimestampMode,
  prefix: Prefix,
  encoder: ChunkEncoder,
): ColumnWriter {
  switch (type.typeId) {
    case Type.Int:
      if ((type as arrow.Int).bitWidth < 64) return (data) => new Int32Pass(data, prefix);
      return (data) => new Int64Pass(data, prefix, encoder, (type as arrow.Int).isSigned);
    case Type.Float:
      if ((type as arrow.Float).precision === arrow.Precision.DOUBLE)
        return (data) => new DoublePass(data, prefix);
      break;
    case Type.Bool:
      return (data) => new BoolPass(data, prefix);
    case Type.Utf8:
    case Type.LargeUtf8:
      return (data) =>
        isPlainText(data) ? new PlainStringPass(data, prefix) : new TextPass(data, prefix, encoder);
    case Type.Timestamp:
      if (timestamps === 'iso') {
        const formatter = new IsoTimestamps(type as arrow.Timestamp);
        return (data) => new TimestampPass(data, prefix, formatter, encoder);
      }
      break;
    case Type.Dictionary: {
      const entries = new DictionaryEntries(type as arrow.Dictionary, column, timestamps);
      return (data) =>
        new DictionaryPass(data, prefix, entries.of(data.dictionary as arrow.Vector));
    }
  }
  return (data) => new TextPass(data, prefix, encoder);
}

/** Any type: the text encoder's JSON, kept between measuring and writing. */
class TextPass implements ColumnPass {
  private readonly text: (index: number) => string;
  private readonly texts: string[] = [];
  private readonly byteLengths = new Int32Array(PASS_ROWS);

  constructor(
    data: arrow.Data,
    private readonly prefix: Prefix,
    encoder: ChunkEncoder,
  ) {
    this.text = boundWithNulls(encoder, data);
  }

  measure(first: number, count: number, lengths: Int32Array): void {
    for (let r = 0; r < count; r++) {
      const text = this.text(first + r);
      this.texts[r] = text;
      this.byteLengths[r] = utf8Length(text);
      lengths[r] += this.prefix.length + this.byteLengths[r];
    }
  }

  write(_first: number, count: number, output: WindowOutput): void {
    const positions = output.positions;
    for (let r = 0; r < count; r++) {
      const at = putPrefix(output, positions[r], this.prefix);
      const text = this.texts[r];
      positions[r] =
        this.byteLengths[r] === text.length
          ? putAscii(output.bytes, at, text)
          : at + output.bytes.write(text, at, 'utf8');
    }
  }
}

class Int32Pass implements ColumnPass {
  private readonly values:
    Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
  private readonly mask: Uint8Array | null;
  private readonly offset: number;

  constructor(
    data: arrow.Data,
    private readonly prefix: Prefix,
  ) {
    this.values = data.values as Int32Array;
    this.mask = nullMask(data);
    this.offset = data.offset;
  }

  measure(first: number, count: number, lengths: Int32Array): void {
    const { values, mask, offset } = this;
    const prefixLength = this.prefix.length;
    for (let r = 0; r < count; r++) {
      const i = first + r;
      lengths[r] += prefixLength + (isNullAt(mask, offset + i) ? 4 : integerLength(values[i]));
    }
  }

  write(first: number, count: number, output: WindowOutput): void {
    const { values, mask, offset, prefix } = this;
    const { positions, bytes } = output;
    for (let r = 0; r < count; r++) {
      const i = first + r;
      const at = putPrefix(output, positions[r], prefix);
      if (isNullAt(mask, offset + i)) positions[r] = putNull(bytes, at);
      else {
        const value = values[i];
        positions[r] = value < 0 ? putInteger(bytes, at, value) : putUint32(bytes, at, value);
      }
    }
  }
}

/** int64 / uint64: numbers within ±(2^53 − 1), otherwise the encoder's quoted digits */
class Int64Pass implements ColumnPass {
  private readonly words: Int32Array;
  private readonly text: (index: number) => string;
  private readonly mask: Uint8Array | null;
  private readonly offset: number;

  constructor(
    data: arrow.Data,
    private readonly prefix: Prefix,
    encoder: ChunkEncoder,
    private readonly signed: boolean,
  ) {
    this.words = int32View(data.values as BigInt64Array);
    this.text = encoder(data);
    this.mask = nullMask(data);
    this.offset = data.offset;
  }

  /** the value as a double when it is a safe integer, else NaN */
  private safe(i: number): number {
    const high = this.signed ? this.words[2 * i + 1] : this.words[2 * i + 1] >>> 0;
    if (high < -0x200000 || high >= 0x200000) return NaN;
    const value = high * TWO_POW_32 + (this.words[2 * i] >>> 0);
    return value >= -MAX_SAFE ? value : NaN;
  }

  measure(first: number, count: number, lengths: Int32Array): void {
    for (let r = 0; r < count; r++) {
      const i = first + r;
      let length = 4;
      if (!isNullAt(this.mask, this.offset + i)) {
        const value = this.safe(i);
        length = value === value ? integerLength(value) : this.text(i).length;
      }
      lengths[r] += this.prefix.length + length;
    }
  }

  write(first: number, count: number, output: WindowOutput): void {
    const { positions, bytes } = output;
    for (let r = 0; r < count; r++) {
      const i = first + r;
      const at = putPrefix(output, positions[r], this.prefix);
      if (isNullAt(this.mask, this.offset + i)) positions[r] = putNull(bytes, at);
      else {
        const value = this.safe(i);
        positions[r] =
          value === value ? putInteger(bytes, at, value) : putAscii(bytes, at, this.text(i));
      }
    }
  }
}

/** Recent non-integer doubles' texts by bit pattern: real columns repeat values a lot. */
const doubleTexts = new Array<string>(4096).fill('');
const doubleLow = new Int32Array(4096);
const doubleHigh = new Int32Array(4096);

class DoublePass implements ColumnPass {
  private readonly values: Float64Array;
  private readonly words: Int32Array;
  private readonly mask: Uint8Array | null;
  private readonly offset: number;
  private readonly texts: string[] = [];

  constructor(
    data: arrow.Data,
    private readonly prefix: Prefix,
  ) {
    this.values = data.values as Float64Array;
    this.words = new Int32Array(this.values.buffer, this.values.byteOffset, this.values.length * 2);
    this.mask = nullMask(data);
    this.offset = data.offset;
  }

  private textOf(i: number): string {
    const low = this.words[2 * i];
    const high = this.words[2 * i + 1];
    const slot = (low ^ high ^ (high >>> 12)) & 4095;
    if (doubleLow[slot] === low && doubleHigh[slot] === high && doubleTexts[slot] !== '')
      return doubleTexts[slot];
    const text = String(this.values[i]);
    doubleTexts[slot] = text;
    doubleLow[slot] = low;
    doubleHigh[slot] = high;
    return text;
  }

  measure(first: number, count: number, lengths: Int32Array): void {
    const { values, mask, offset, texts } = this;
    const prefixLength = this.prefix.length;
    for (let r = 0; r < count; r++) {
      const i = first + r;
      const value = values[i];
      let length = 4; // null, NaN, ±Infinity
      if (isNullAt(mask, offset + i)) texts[r] = '';
      else if (value >= -MAX_SAFE && value <= MAX_SAFE && Math.floor(value) === value) {
        texts[r] = '';
        length = integerLength(value);
      } else if (value - value === 0) {
        texts[r] = this.textOf(i);
        length = texts[r].length;
      } else texts[r] = 'null';
      lengths[r] += prefixLength + length;
    }
  }

  write(first: number, count: number, output: WindowOutput): void {
    const { values, mask, offset, texts, prefix } = this;
    const { positions, bytes } = output;
    for (let r = 0; r < count; r++) {
      const i = first + r;
      const at = putPrefix(output, positions[r], prefix);
      if (isNullAt(mask, offset + i)) positions[r] = putNull(bytes, at);
      else if (texts[r] === '') positions[r] = putInteger(bytes, at, values[i]);
      else positions[r] = putAscii(bytes, at, texts[r]);
    }
  }
}

/** booleans as JSON true and false */
class BoolPass implements ColumnPass {
  private readonly bits: Uint8Array;
  private readonly mask: Uint8Array | null;
  private readonly offset: number;

  constructor(
    data: arrow.Data,
    private readonly prefix: Prefix,
  ) {
    this.bits = data.values as Uint8Array;
    this.mask = nullMask(data);
    this.offset = data.offset;
  }

  measure(first: number, count: number, lengths: Int32Array): void {
    const { bits, mask, offset } = this;
    const prefixLength = this.prefix.length;
    for (let r = 0; r < count; r++) {
      const bit = offset + first + r;
      lengths[r] += prefixLength + (isNullAt(mask, bit) || isSet(bits, bit) ? 4 : 5);
    }
  }

  write(first: number, count: number, output: WindowOutput): void {
    const { bits, mask, offset, prefix } = this;
    const { positions, bytes } = output;
    for (let r = 0; r < count; r++) {
      const bit = offset + first + r;
      const at = putPrefix(output, positions[r], prefix);
      if (isNullAt(mask, bit)) positions[r] = putNull(bytes, at);
      else positions[r] = putAscii(bytes, at, isSet(bits, bit) ? 'true' : 'false');
    }
  }
}

/** valid UTF-8 without quotes, backslashes or control characters: copied as is between quotes */
function isPlainText(data: arrow.Data): boolean {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const bytes = data.values as Uint8Array;
  const first = Number(offsets[0]);
  const last = Number(offsets[data.length]);
  if (!isUtf8(bytes.subarray(first, last))) return false;
  for (let at = first; at < last; at++) {
    const value = bytes[at];
    if (value < 0x20 || value === QUOTE || value === 0x5c) return false;
  }
  return true;
}

class PlainStringPass implements ColumnPass {
  private readonly offsets: Int32Array | Float64Array;
  private readonly bytes: Uint8Array;
  private readonly mask: Uint8Array | null;
  private readonly offset: number;

  constructor(
    data: arrow.Data,
    private readonly prefix: Prefix,
  ) {
    this.offsets = numberOffsets(data);
    this.bytes = data.values as Uint8Array;
    this.mask = nullMask(data);
    this.offset = data.offset;
  }

  measure(first: number, count: number, lengths: Int32Array): void {
    const { offsets, mask, offset } = this;
    const prefixLength = this.prefix.length;
    for (let r = 0; r < count; r++) {
      const i = first + r;
      lengths[r] +=
        prefixLength + (isNullAt(mask, offset + i) ? 4 : offsets[i + 1] - offsets[i] + 2);
    }
  }

  write(first: number, count: number, output: WindowOutput): void {
    const { offsets, bytes: source, mask, offset, prefix } = this;
    const { positions, bytes } = output;
    for (let r = 0; r < count; r++) {
      const i = first + r;
      let at = putPrefix(output, positions[r], prefix);
      if (isNullAt(mask, offset + i)) {
        positions[r] = putNull(bytes, at);
        continue;
      }
      const start = offsets[i];
      const end = offsets[i + 1];
      bytes[at++] = QUOTE;
      if (end - start > 32) {
        bytes.set(source.subarray(start, end), at);
        at += end - start;
      } else for (let k = start; k < end; k++) bytes[at++] = source[k];
      bytes[at++] = QUOTE;
      positions[r] = at;
    }
  }
}

/** Each dictionary entry's JSON as UTF-8, made once per dictionary (row groups bring their own). */
class DictionaryEntries {
  private readonly encoder: ChunkEncoder;
  private readonly byDictionary = new WeakMap<arrow.Vector, Uint8Array[]>();

  constructor(type: arrow.Dictionary, column: string, timestamps: TimestampMode) {
    this.encoder = compileEncoder(type.dictionary as arrow.DataType, column, timestamps);
  }

  of(dictionary: arrow.Vector): Uint8Array[] {
    let entries = this.byDictionary.get(dictionary);
    if (!entries) {
      entries = [];
      for (const chunk of dictionary.data) {
        const text = boundWithNulls(this.encoder, chunk);
        for (let i = 0; i < chunk.length; i++) entries.push(Buffer.from(text(i), 'utf8'));
      }
      this.byDictionary.set(dictionary, entries);
    }
    return entries;
  }
}

class DictionaryPass implements ColumnPass {
  private readonly indices: ArrayLike<number>;
  private readonly mask: Uint8Array | null;
  private readonly offset: number;

  constructor(
    data: arrow.Data,
    private readonly prefix: Prefix,
    private readonly entries: Uint8Array[],
  ) {
    const indices = data.values as ArrayLike<number> | BigInt64Array | BigUint64Array;
    this.indices =
      indices instanceof BigInt64Array || indices instanceof BigUint64Array
        ? Float64Array.from(indices, Number)
        : indices;
    this.mask = nullMask(data);
    this.offset = data.offset;
  }

  measure(first: number, count: number, lengths: Int32Array): void {
    for (let r = 0; r < count; r++) {
      const i = first + r;
      lengths[r] +=
        this.prefix.length +
        (isNullAt(this.mask, this.offset + i) ? 4 : this.entries[this.indices[i]].length);
    }
  }

  write(first: number, count: number, output: WindowOutput): void {
    const { positions, bytes } = output;
    for (let r = 0; r < count; r++) {
      const i = first + r;
      let at = putPrefix(output, positions[r], this.prefix);
      if (isNullAt(this.mask, this.offset + i)) {
        positions[r] = putNull(bytes, at);
        continue;
      }
      const entry = this.entries[this.indices[i]];
      for (let k = 0; k < entry.length; k++) bytes[at++] = entry[k];
      positions[r] = at;
    }
  }
}

/** ISO-8601 timestamps of years 0001–9998 written digit by digit; other years go through the encoder. */
class IsoTimestamps {
  readonly unitsPerSecond: number;
  readonly fractionDigits: number;
  /** "YYYY-MM-DDTHH:MM:SS" + fraction + "Z", quoted */
  readonly length: number;
  readonly lowest: number;
  readonly highest: number;
  private readonly dates = new DateCache();
  private lastDays = NaN;
  private lastDate = new Uint8Array(10);

  constructor(type: arrow.Timestamp) {
    this.unitsPerSecond = UNITS_PER_SECOND[type.unit];
    this.fractionDigits = [0, 3, 6, 9][type.unit];
    this.length = 2 + 20 + (this.fractionDigits > 0 ? 1 + this.fractionDigits : 0);
    // a year of margin keeps values near the bounds (and double rounding of int64s) on the slow path
    this.lowest = -62135596800 + 366 * 86400; // 0001-01-01
    this.highest = 253370764800 - 366 * 86400; // 9999-01-01
  }

  inRange(high: number, low: number): boolean {
    const seconds = (high * TWO_POW_32 + (low >>> 0)) / this.unitsPerSecond;
    return seconds >= this.lowest && seconds <= this.highest;
  }

  put(bytes: Uint8Array, at: number, high: number, low: number): number {
    splitUnits(high, low, this.unitsPerSecond);
    const days = Math.floor(split.seconds / 86400);
    let secondOfDay = split.seconds - days * 86400;
    const hours = Math.floor(secondOfDay / 3600);
    secondOfDay -= hours * 3600;
    const minutes = Math.floor(secondOfDay / 60);
    const seconds = secondOfDay - minutes * 60;
    if (days !== this.lastDays) {
      this.lastDays = days;
      this.lastDate = Buffer.from(this.dates.get(days), 'latin1');
    }
    const date = this.lastDate;
    let cursor = at;
    bytes[cursor++] = QUOTE;
    for (let i = 0; i < 10; i++) bytes[cursor++] = date[i];
    bytes[cursor++] = 0x54; // T
    bytes[cursor++] = DIGIT_PAIRS[hours * 2];
    bytes[cursor++] = DIGIT_PAIRS[hours * 2 + 1];
    bytes[cursor++] = 0x3a; // :
    bytes[cursor++] = DIGIT_PAIRS[minutes * 2];
    bytes[cursor++] = DIGIT_PAIRS[minutes * 2 + 1];
    bytes[cursor++] = 0x3a;
    bytes[cursor++] = DIGIT_PAIRS[seconds * 2];
    bytes[cursor++] = DIGIT_PAIRS[seconds * 2 + 1];
    if (this.fractionDigits > 0) {
      bytes[cursor++] = 0x2e; // .
      cursor = putPadded(bytes, cursor, split.fraction, this.fractionDigits);
    }
    bytes[cursor++] = 0x5a; // Z
    bytes[cursor++] = QUOTE;
    return cursor;
  }
}

class TimestampPass implements ColumnPass {
  private readonly words: Int32Array;
  private readonly text: (index: number) => string;
  private readonly mask: Uint8Array | null;
  private readonly offset: number;

  constructor(
    data: arrow.Data,
    private readonly prefix: Prefix,
    private readonly format: IsoTimestamps,
    encoder: ChunkEncoder,
  ) {
    this.words = int32View(data.values as BigInt64Array);
    this.text = encoder(data);
    this.mask = nullMask(data);
    this.offset = data.offset;
  }

  measure(first: number, count: number, lengths: Int32Array): void {
    const { words, format } = this;
    for (let r = 0; r < count; r++) {
      const i = first + r;
      let length = 4;
      if (!isNullAt(this.mask, this.offset + i)) {
        length = format.inRange(words[2 * i + 1], words[2 * i])
          ? format.length
          : this.text(i).length;
      }
      lengths[r] += this.prefix.length + length;
    }
  }

  write(first: number, count: number, output: WindowOutput): void {
    const { words, format } = this;
    const { positions, bytes } = output;
    for (let r = 0; r < count; r++) {
      const i = first + r;
      const at = putPrefix(output, positions[r], this.prefix);
      if (isNullAt(this.mask, this.offset + i)) positions[r] = putNull(bytes, at);
      else if (format.inRange(words[2 * i + 1], words[2 * i]))
        positions[r] = format.put(bytes, at, words[2 * i + 1], words[2 * i]);
      else positions[r] = putAscii(bytes, at, this.text(i));
    }
  }
}

/** Runs the column passes window by window and cuts the bytes into row strings. */
export class JsonRowWriter {
  private bytes = Buffer.allocUnsafe(4 << 20);
  private view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
  private readonly lengths = new Int32Array(PASS_ROWS);
  private readonly positions = new Int32Array(PASS_ROWS);
  private readonly ends = new Int32Array(WINDOW_ROWS);

  /** rows [0, count) of one batch into rows[firstRow …] */
  write(passes: ColumnPass[], count: number, rows: string[], firstRow: number): void {
    for (let first = 0; first < count; first += WINDOW_ROWS) {
      const windowRows = Math.min(WINDOW_ROWS, count - first);
      let total = 0;
      // the columns go over a few hundred kilobytes of rows at a time, which stay in the CPU cache
      for (let done = 0; done < windowRows; done += PASS_ROWS) {
        total = this.writeRows(
          passes,
          first + done,
          Math.min(PASS_ROWS, windowRows - done),
          done,
          total,
        );
      }
      this.cut(total, windowRows, rows, firstRow + first);
    }
  }

  /** rows [first, first + count) of the batch after `total` bytes; returns the new total */
  private writeRows(
    passes: ColumnPass[],
    first: number,
    count: number,
    endsAt: number,
    total: number,
  ): number {
    const { lengths, positions, ends } = this;
    lengths.fill(1, 0, count); // the closing brace
    for (const pass of passes) pass.measure(first, count, lengths);
    let end = total;
    for (let r = 0; r < count; r++) {
      positions[r] = end;
      end += lengths[r];
      ends[endsAt + r] = end;
    }
    this.reserve(total, end);
    const output: WindowOutput = { bytes: this.bytes, view: this.view, positions };
    for (const pass of passes) pass.write(first, count, output);
    for (let r = 0; r < count; r++) this.bytes[ends[endsAt + r] - 1] = 0x7d; // }
    return end;
  }

  /** room for `needed` bytes, keeping the first `used` */
  private reserve(used: number, needed: number): void {
    if (needed <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.bytes.length * 2));
    this.bytes.copy(grown, 0, 0, used);
    this.bytes = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.length);
  }

  /** one string for the window, each row a substring of it */
  private cut(total: number, count: number, rows: string[], firstRow: number): void {
    const pending = this.bytes.subarray(0, total);
    const ends = this.ends;
    if (isAscii(pending)) {
      const text = pending.toString('latin1');
      let start = 0;
      for (let r = 0; r < count; r++) {
        rows[firstRow + r] = text.substring(start, ends[r]);
        start = ends[r];
      }
      return;
    }
    // byte offsets → UTF-16 offsets: continuation bytes add nothing, 4-byte sequences add two
    const text = pending.toString('utf8');
    let units = 0;
    let at = 0;
    let start = 0;
    for (let r = 0; r < count; r++) {
      for (const end = ends[r]; at < end; at++) {
        const value = pending[at];
        if (value < 0x80) units++;
        else if ((value & 0xc0) !== 0x80) units += value >= 0xf0 ? 2 : 1;
      }
      rows[firstRow + r] = text.substring(start, units);
      start = units;
    }
  }
}
