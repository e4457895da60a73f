// A JSON object read for a few of its top-level fields: what the worker does with a row when the
// transform reads only those (inputFieldsRead in validateTransform.ts). The whole text is still
// checked as JSON.parse would check it, so a record that is not a JSON object is refused exactly
// as before; only the wanted fields' values are decoded, and no string is made for the rest.
// The scan is free functions over local positions (-1: not JSON), which V8 keeps in registers.
import type { Row } from './pipeline';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const NOT_JSON = -1;

const isDigit = (byte: number) => byte >= ZERO && byte <= NINE;
const isHex = (byte: number) =>
  isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
/** bytes that may follow a backslash in a JSON string (u is checked with its four digits) */
const ESCAPES = new Set([QUOTE, BACKSLASH, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);
const LITERALS = [Buffer.from('true'), Buffer.from('false'), Buffer.from('null')];

/** What the last string scanned held: an escape, a byte above ASCII. */
let stringEscaped = false;
let stringAscii = true;

function whitespace(text: Buffer, at: number): number {
  const length = text.length;
  while (at < length) {
    const byte = text[at]!;
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return at;
    at++;
  }
  return at;
}

/** From a string's opening quote to past its closing one. */
function skipString(text: Buffer, at: number): number {
  let escaped = false;
  let ascii = true;
  const length = text.length;
  at++;
  for (;;) {
    if (at >= length) return NOT_JSON;
    const byte = text[at++]!;
    if (byte < 0x20) return NOT_JSON;
    if (byte === QUOTE) break;
    if (byte !== BACKSLASH) {
      if (byte >= 0x80) ascii = false;
      continue;
    }
    escaped = true;
    const escape = text[at++];
    if (escape === 0x75) {
      for (let i = 0; i < 4; i++) if (!isHex(text[at++] ?? -1)) return NOT_JSON;
    } else if (escape === undefined || !ESCAPES.has(escape)) return NOT_JSON;
  }
  stringEscaped = escaped;
  stringAscii = ascii;
  return at;
}

/** one or more digits */
function skipDigits(text: Buffer, at: number): number {
  if (!isDigit(text[at] ?? -1)) return NOT_JSON;
  while (isDigit(text[at] ?? -1)) at++;
  return at;
}

/** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
function skipNumber(text: Buffer, at: number): number {
  if (text[at] === MINUS) at++;
  if (text[at] === ZERO) at++;
  else if ((at = skipDigits(text, at)) < 0) return NOT_JSON;
  if (text[at] === DOT && (at = skipDigits(text, at + 1)) < 0) return NOT_JSON;
  const e = text[at];
  if (e === LOWER_E || e === UPPER_E) {
    at++;
    if (text[at] === PLUS || text[at] === MINUS) at++;
    at = skipDigits(text, at);
  }
  return at;
}

function skipLiteral(text: Buffer, at: number): number {
  for (const literal of LITERALS) {
    if (text[at] !== literal[0]) continue;
    for (let i = 1; i < literal.length; i++) if (text[at + i] !== literal[i]) return NOT_JSON;
    return at + literal.length;
  }
  return NOT_JSON;
}

/** Past the value that starts at `at` (no whitespace before it). */
function skipValue(text: Buffer, at: number): number {
  const first = text[at];
  if (first === QUOTE) return skipString(text, at);
  if (first === OPEN_BRACE) return skipObject(text, at);
  if (first === OPEN_BRACKET) return skipArray(text, at);
  if (first === MINUS || isDigit(first ?? -1)) return skipNumber(text, at);
  return skipLiteral(text, at);
}

function skipObject(text: Buffer, at: number): number {
  at = whitespace(text, at + 1);
  if (text[at] === CLOSE_BRACE) return at + 1;
  for (;;) {
    if (text[at] !== QUOTE || (at = skipString(text, at)) < 0) return NOT_JSON;
    at = whitespace(text, at);
    if (text[at] !== COLON) return NOT_JSON;
    if ((at = skipValue(text, whitespace(text, at + 1))) < 0) return NOT_JSON;
    at = whitespace(text, at);
    const next = text[at++];
    if (next === CLOSE_BRACE) return at;
    if (next !== COMMA) return NOT_JSON;
    at = whitespace(text, at);
  }
}

function skipArray(text: Buffer, at: number): number {
  at = whitespace(text, at + 1);
  if (text[at] === CLOSE_BRACKET) return at + 1;
  for (;;) {
    if ((at = skipValue(text, at)) < 0) return NOT_JSON;
    at = whitespace(text, at);
    const next = text[at++];
    if (next === CLOSE_BRACKET) return at;
    if (next !== COMMA) return NOT_JSON;
    at = whitespace(text, at);
  }
}

/** A JSON number's value: integers of up to 15 digits summed here, the rest by Number(). */
function numberAt(text: Buffer, start: number, end: number): number {
  const negative = text[start] === MINUS;
  const from = negative ? start + 1 : start;
  if (end - from <= 15) {
    let value = 0;
    let at = from;
    for (; at < end; at++) {
      const byte = text[at]!;
      if (!isDigit(byte)) break;
      value = value * 10 + (byte - ZERO);
    }
    if (at === end) return negative ? -value : value;
  }
  return Number(text.toString('latin1', start, end));
}

/** The value from `start` to `end`, just skipped (so a string's flags are its own). */
function valueAt(text: Buffer, start: number, end: number): unknown {
  const first = text[start]!;
  if (first === QUOTE) {
    if (stringEscaped) return JSON.parse(text.toString('utf8', start, end));
    return text.toString(stringAscii ? 'latin1' : 'utf8', start + 1, end - 1);
  }
  if (first === MINUS || isDigit(first)) return numberAt(text, start, end);
  if (first === 0x6e) return null;
  if (first === 0x74) return true;
  if (first === 0x66) return false;
  return JSON.parse(text.toString('utf8', start, end));
}

/**
 * A record value's row: the JSON object it holds, or null when it holds none. With `fields`
 * (the top-level fields a transform reads) only those are decoded; null reads the whole row.
 */
export type RowReader = (value: Buffer | null) => Row | null;

export function jsonRowReader(fields: readonly string[] | null): RowReader {
  if (fields === null || fields.includes('__proto__')) return wholeRow;
  const projected = new ProjectedJson(fields);
  return (value) => (value === null ? null : projected.read(value));
}

function wholeRow(value: Buffer | null): Row | null {
  if (value === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Row)
    : null;
}

/** Reads rows for the fields in `wanted` only. */
class ProjectedJson {
  private readonly names: { bytes: Buffer; name: string }[];

  constructor(wanted: Iterable<string>) {
    this.names = [...new Set(wanted)].map((name) => ({ bytes: Buffer.from(name), name }));
    if (this.names.some(({ name }) => name === '__proto__'))
      throw new Error('"__proto__" cannot be read by name; read the whole row');
  }

  /** The wanted fields of the JSON object in `text`; null when `text` is not a JSON object. */
  read(text: Buffer): Row | null {
    try {
      return this.scan(text);
    } catch {
      // nesting too deep for this scan (RangeError): JSON.parse has no such limit
      return this.picked(text);
    }
  }

  private scan(text: Buffer): Row | null {
    let at = whitespace(text, 0);
    if (text[at] !== OPEN_BRACE) return null;
    const row: Row = {};
    at = whitespace(text, at + 1);
    if (text[at] === CLOSE_BRACE) return whitespace(text, at + 1) === text.length ? row : null;
    for (;;) {
      const keyStart = at;
      if (text[at] !== QUOTE || (at = skipString(text, at)) < 0) return null;
      const name = this.wantedName(text, keyStart, at);
      at = whitespace(text, at);
      if (text[at] !== COLON) return null;
      const valueStart = whitespace(text, at + 1);
      if ((at = skipValue(text, valueStart)) < 0) return null;
      if (name !== null) row[name] = valueAt(text, valueStart, at);
      at = whitespace(text, at);
      const next = text[at++];
      if (next === CLOSE_BRACE) return whitespace(text, at) === text.length ? row : null;
      if (next !== COMMA) return null;
      at = whitespace(text, at);
    }
  }

  /** The wanted name the key from `start` (its opening quote) to `end` spells, or null. */
  private wantedName(text: Buffer, start: number, end: number): string | null {
    if (stringEscaped) {
      const key = JSON.parse(text.toString('utf8', start, end)) as string;
      return this.names.find(({ name }) => name === key)?.name ?? null;
    }
    const length = end - start - 2;
    for (const { bytes, name } of this.names) {
      if (bytes.length !== length) continue;
      let same = true;
      for (let i = 0; i < length && same; i++) same = bytes[i] === text[start + 1 + i];
      if (same) return name;
    }
    return null;
  }

  /** The wanted fields picked from the whole row; null when it is not an object. */
  private picked(text: Buffer): Row | null {
    const whole = wholeRow(text);
    if (whole === null) return null;
    const row: Row = {};
    for (const { name } of this.names) if (Object.hasOwn(whole, name)) row[name] = whole[name];
    return row;
  }
}
