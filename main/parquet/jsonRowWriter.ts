// Writes rows of JSON as UTF-8 bytes into one growing buffer, then decodes each few megabytes of
// rows into a single string and hands out the rows as substrings of it. Building strings value by
// value would leave millions of short-lived rope nodes per row group; this way a row costs a few
// byte copies, and the common column types (integers, doubles, strings, dictionaries,
// timestamps) are written without creating any intermediate string.
import { isAscii, isUtf8 } from 'node:buffer';
import * as arrow from 'apache-arrow';
import { compileEncoder, nullMask, type ChunkEncoder, type TimestampMode } from './jsonEncoders';
import { DateCache, UNITS_PER_SECOND, split, splitUnits } from './temporalText';

const Type = arrow.Type;
const TWO_POW_32 = 4294967296;
const MAX_SAFE = 9007199254740991;
const QUOTE = 0x22;
/** rows are turned into strings once this many bytes are pending */
const SEGMENT_BYTES = 4 << 20;
/** room each value may take without reserving for itself (the longest is an ISO timestamp, 36) */
export const VALUE_RESERVE = 48;

/** "00" … "99" as ASCII */
const DIGIT_PAIRS = Uint8Array.from(
  { length: 200 },
  (_, i) => 0x30 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10),
);

/** writes an unsigned 32-bit integer's digits at `at`, returns the position after them */
function writeUint32(bytes: Uint8Array, at: number, value: number): number {
  const digits =
    value < 100000
      ? value < 100
        ? value < 10
          ? 1
          : 2
        : value < 1000
          ? 3
          : value < 10000
            ? 4
            : 5
      : value < 10000000
        ? value < 1000000
          ? 6
          : 7
        : value < 100000000
          ? 8
          : value < 1000000000
            ? 9
            : 10;
  const end = at + digits;
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

/** Text written before a value, as little-endian 32-bit words (the last one may spill over). */
export interface Prefix {
  words: Int32Array;
  length: number;
}

export function prefixOf(text: string): Prefix {
  const bytes = Buffer.from(text, 'utf8');
  const words = new Int32Array(Math.ceil(bytes.length / 4));
  Buffer.from(words.buffer).set(bytes);
  return { words, length: bytes.length };
}

/**
 * The output buffer. Writers of short values rely on the row loop's `reserve(rowReserve)`;
 * anything that may be longer reserves for itself.
 */
export class JsonSink {
  bytes = Buffer.allocUnsafe(SEGMENT_BYTES + (1 << 16));
  view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
  position = 0;

  reserve(count: number): void {
    if (this.position + count <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(
      Math.max(this.bytes.length * 2, this.position + count + (1 << 16)),
    );
    this.bytes.copy(grown, 0, 0, this.position);
    this.bytes = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.length);
  }

  byte(value: number): void {
    this.bytes[this.position++] = value;
  }

  /** a prefix, four bytes at a time; needs its words × 4 bytes of room */
  prefix(prefix: Prefix): void {
    const words = prefix.words;
    const view = this.view;
    const at = this.position;
    for (let i = 0; i < words.length; i++) view.setInt32(at + 4 * i, words[i], true);
    this.position = at + prefix.length;
  }

  /** text made of ASCII characters only */
  ascii(text: string): void {
    const length = text.length;
    this.reserve(length);
    const bytes = this.bytes;
    let at = this.position;
    for (let i = 0; i < length; i++) bytes[at++] = text.charCodeAt(i);
    this.position = at;
  }

  /** any text, as UTF-8 */
  text(text: string): void {
    const length = text.length;
    this.reserve(length);
    const bytes = this.bytes;
    const start = this.position;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.reserve(length * 3);
        this.position = start + this.bytes.write(text, start, 'utf8');
        return;
      }
      bytes[start + i] = code;
    }
    this.position = start + length;
  }

  copy(source: Uint8Array, start: number, end: number): void {
    const length = end - start;
    this.reserve(length);
    const bytes = this.bytes;
    if (length > 48) {
      bytes.set(source.subarray(start, end), this.position);
      this.position += length;
      return;
    }
    let at = this.position;
    for (let i = start; i < end; i++) bytes[at++] = source[i];
    this.position = at;
  }

  /** an integer with |value| ≤ 2^53 − 1; at most 17 bytes */
  integer(value: number): void {
    const bytes = this.bytes;
    let at = this.position;
    let rest = value;
    if (rest < 0) {
      bytes[at++] = 0x2d; // -
      rest = -rest;
    }
    if (rest < 4294967296) {
      this.position = writeUint32(bytes, at, rest);
      return;
    }
    const high = Math.floor(rest / 1e8);
    at = writeUint32(bytes, at, high);
    this.position = at;
    this.padded(rest - high * 1e8, 8);
  }

  /** exactly `width` digits, zero-padded */
  padded(value: number, width: number): void {
    const bytes = this.bytes;
    let rest = value;
    for (let at = this.position + width - 1; at >= this.position; at--) {
      const quotient = Math.floor(rest / 10);
      bytes[at] = 0x30 + (rest - quotient * 10);
      rest = quotient;
    }
    this.position += width;
  }

  /**
   * Turns the pending bytes into one string and returns the rows between the given byte
   * offsets as substrings of it; the buffer is then reused.
   */
  takeRows(rowEnds: number[], rows: string[], firstRow: number): void {
    const pending = this.bytes.subarray(0, this.position);
    if (isAscii(pending)) {
      const text = pending.toString('latin1');
      let start = 0;
      for (let i = 0; i < rowEnds.length; i++) {
        rows[firstRow + i] = text.substring(start, rowEnds[i]);
        start = rowEnds[i];
      }
    } else {
      const text = pending.toString('utf8');
      // byte offsets → UTF-16 offsets: continuation bytes add nothing, 4-byte sequences add two
      let units = 0;
      let byteAt = 0;
      let start = 0;
      for (let i = 0; i < rowEnds.length; i++) {
        const end = rowEnds[i];
        for (; byteAt < end; byteAt++) {
          const value = pending[byteAt];
          if (value < 0x80) units++;
          else if ((value & 0xc0) !== 0x80) units += value >= 0xf0 ? 2 : 1;
        }
        rows[firstRow + i] = text.substring(start, units);
        start = units;
      }
    }
    this.position = 0;
  }

  get full(): boolean {
    return this.position >= SEGMENT_BYTES;
  }
}

/** writes element `index` of the bound chunk; the caller has ruled out null */
export type ElementWriter = (index: number) => void;
export type ChunkWriter = (data: arrow.Data, sink: JsonSink) => ElementWriter;

/** A byte writer for the column's type: a dedicated one for common types, else the text encoder's output. */
export function compileWriter(
  type: arrow.DataType,
  column: string,
  timestamps: TimestampMode,
): ChunkWriter {
  const encoder = compileEncoder(type, column, timestamps);
  switch (type.typeId) {
    case Type.Int:
      return (type as arrow.Int).bitWidth === 64
        ? int64Writer((type as arrow.Int).isSigned, encoder)
        : int32Writer;
    case Type.Float:
      return (type as arrow.Float).precision === arrow.Precision.DOUBLE
        ? doubleWriter
        : textWriter(encoder);
    case Type.Utf8:
    case Type.LargeUtf8:
      return stringWriter(encoder);
    case Type.Timestamp:
      return timestamps === 'iso' ? timestampWriter(type as arrow.Timestamp) : textWriter(encoder);
    case Type.Dictionary:
      return dictionaryWriter(type as arrow.Dictionary, column, timestamps);
    default:
      return textWriter(encoder);
  }
}

function textWriter(encoder: ChunkEncoder): ChunkWriter {
  return (data, sink) => {
    const text = encoder(data);
    return (index) => sink.text(text(index));
  };
}

function int32Writer(data: arrow.Data, sink: JsonSink): ElementWriter {
  const values = data.values as
    Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
  return (index) => sink.integer(values[index]);
}

function int64Writer(signed: boolean, encoder: ChunkEncoder): ChunkWriter {
  return (data, sink) => {
    const values = data.values as BigInt64Array | BigUint64Array;
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    const text = encoder(data);
    return (index) => {
      const high = signed ? words[2 * index + 1] : words[2 * index + 1] >>> 0;
      if (high >= -0x200000 && high < 0x200000) {
        const value = high * TWO_POW_32 + (words[2 * index] >>> 0);
        if (value >= -MAX_SAFE) {
          sink.integer(value);
          return;
        }
      }
      sink.ascii(text(index)); // the quoted exact digits
    };
  };
}

/** Doubles: integers digit by digit; others through String(), remembering recent texts by bit pattern. */
function doubleWriter(data: arrow.Data, sink: JsonSink): ElementWriter {
  const values = data.values as Float64Array;
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const cachedLow = new Int32Array(1024);
  const cachedHigh = new Int32Array(1024);
  const cachedText = new Array<string>(1024).fill('');
  return (index) => {
    const value = values[index];
    if (value >= -MAX_SAFE && value <= MAX_SAFE && Math.floor(value) === value) {
      sink.integer(value);
      return;
    }
    if (value - value !== 0) {
      sink.ascii('null'); // NaN, ±Infinity
      return;
    }
    const low = words[2 * index];
    const high = words[2 * index + 1];
    const slot = (low ^ high ^ (high >>> 10)) & 1023;
    let text = cachedText[slot];
    if (text === '' || cachedLow[slot] !== low || cachedHigh[slot] !== high) {
      text = String(value);
      cachedText[slot] = text;
      cachedLow[slot] = low;
      cachedHigh[slot] = high;
    }
    sink.ascii(text);
  };
}

/** Strings: valid UTF-8 that needs no escaping is copied byte for byte between quotes. */
function stringWriter(encoder: ChunkEncoder): ChunkWriter {
  return (data, sink) => {
    const rawOffsets = data.valueOffsets as Int32Array | BigInt64Array;
    const offsets =
      rawOffsets instanceof Int32Array ? rawOffsets : Float64Array.from(rawOffsets, Number);
    const bytes = data.values as Uint8Array;
    const first = offsets[0];
    const last = offsets[data.length];
    let plain = isUtf8(bytes.subarray(first, last));
    for (let at = first; plain && at < last; at++) {
      const value = bytes[at];
      plain = value >= 0x20 && value !== QUOTE && value !== 0x5c;
    }
    if (!plain) {
      const text = encoder(data);
      return (index) => sink.text(text(index));
    }
    return (index) => {
      const start = offsets[index];
      const end = offsets[index + 1];
      sink.reserve(end - start + 2);
      const out = sink.bytes;
      let at = sink.position;
      out[at++] = QUOTE;
      if (end - start > 48) {
        out.set(bytes.subarray(start, end), at);
        at += end - start;
      } else for (let i = start; i < end; i++) out[at++] = bytes[i];
      out[at++] = QUOTE;
      sink.position = at;
    };
  };
}

/** Dictionaries: each entry's UTF-8 JSON is made once per dictionary, then copied. */
function dictionaryWriter(
  type: arrow.Dictionary,
  column: string,
  timestamps: TimestampMode,
): ChunkWriter {
  const valueEncoder = compileEncoder(type.dictionary as arrow.DataType, column, timestamps);
  const entriesByDictionary = new WeakMap<arrow.Vector, Buffer[]>();
  return (data, sink) => {
    const dictionary = data.dictionary as arrow.Vector;
    let entries = entriesByDictionary.get(dictionary);
    if (!entries) {
      entries = [];
      for (const chunk of dictionary.data) {
        const text = valueEncoder(chunk);
        const mask = nullMask(chunk);
        for (let i = 0; i < chunk.length; i++) {
          const bit = chunk.offset + i;
          const isNull = mask !== null && ((mask[bit >> 3] >> (bit & 7)) & 1) === 0;
          entries.push(Buffer.from(isNull ? 'null' : text(i), 'utf8'));
        }
      }
      entriesByDictionary.set(dictionary, entries);
    }
    const known = entries;
    const indices = data.values as ArrayLike<number> | BigInt64Array;
    if (indices instanceof BigInt64Array || indices instanceof BigUint64Array) {
      return (index) => {
        const entry = known[Number(indices[index])];
        sink.copy(entry, 0, entry.length);
      };
    }
    const small = indices as ArrayLike<number>;
    return (index) => {
      const entry = known[small[index]];
      sink.copy(entry, 0, entry.length);
    };
  };
}

/** ISO-8601 UTC with the unit's precision, digits written straight into the buffer */
function timestampWriter(type: arrow.Timestamp): ChunkWriter {
  const unitsPerSecond = UNITS_PER_SECOND[type.unit];
  const fractionDigits = [0, 3, 6, 9][type.unit];
  const dates = new DateCache();
  let lastDays = NaN;
  let lastDate = Buffer.alloc(0);
  return (data, sink) => {
    const values = data.values as BigInt64Array;
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    return (index) => {
      splitUnits(words[2 * index + 1], words[2 * index], unitsPerSecond);
      const days = Math.floor(split.seconds / 86400);
      if (days !== lastDays) {
        lastDays = days;
        lastDate = Buffer.from(dates.get(days), 'latin1');
      }
      let secondOfDay = split.seconds - days * 86400;
      const hours = Math.floor(secondOfDay / 3600);
      secondOfDay -= hours * 3600;
      const minutes = Math.floor(secondOfDay / 60);
      const seconds = secondOfDay - minutes * 60;
      const out = sink.bytes;
      let at = sink.position;
      out[at++] = QUOTE;
      for (let i = 0; i < lastDate.length; i++) out[at++] = lastDate[i];
      out[at++] = 0x54; // T
      out[at++] = DIGIT_PAIRS[hours * 2];
      out[at++] = DIGIT_PAIRS[hours * 2 + 1];
      out[at++] = 0x3a; // :
      out[at++] = DIGIT_PAIRS[minutes * 2];
      out[at++] = DIGIT_PAIRS[minutes * 2 + 1];
      out[at++] = 0x3a;
      out[at++] = DIGIT_PAIRS[seconds * 2];
      out[at++] = DIGIT_PAIRS[seconds * 2 + 1];
      sink.position = at;
      if (fractionDigits > 0) {
        out[sink.position++] = 0x2e; // .
        sink.padded(split.fraction, fractionDigits);
      }
      out[sink.position++] = 0x5a; // Z
      out[sink.position++] = QUOTE;
    };
  };
}
