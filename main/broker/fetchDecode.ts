// The records of one partition of a Fetch response (kafkajs' fetch/v4/decodeMessages, used by
// Fetch v4 to v11), decoded in one pass over the response buffer. kafkajs decodes each record
// with a Decoder of its own, computes every offset and timestamp as a 64-bit Long from decimal
// text and back, and builds each record's headers by copying an object per header; that was the
// worker's largest single cost. Here offsets and timestamps are plain numbers (BigInt only past
// 2^53), and the messages are the same objects kafkajs makes: key, value and header values are
// views of the response buffer. Compressed batches and the legacy message sets (magic 0 and 1)
// still go through kafkajs. main/broker/kafkajs.ts puts this in place of kafkajs' own.
import { createRequire } from 'node:module';

/* eslint-disable @typescript-eslint/no-explicit-any -- kafkajs internals are untyped */
const loadModule = createRequire(__filename);
const load = (name: string): any => loadModule(`kafkajs/src/${name}`);

/** kafkajs' protocol Decoder, as far as this reads it. */
interface KafkajsDecoder {
  buffer: Buffer;
  offset: number;
  readInt32(): number;
  canReadBytes(length: number): boolean;
  readBytes(length: number): Buffer;
}

type HeaderValue = Buffer | null;

/** What kafkajs' record decoder returns for each record. */
export interface DecodedMessage {
  magicByte: number;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, HeaderValue | HeaderValue[]>;
  isControlRecord: boolean;
  batchContext: Record<string, unknown>;
}

const RECORD_BATCH_MAGIC = 2;
/** where the magic byte is in a record batch or a legacy message */
const MAGIC_OFFSET = 16;
/** kafkajs' minimum before it tries another batch; kept so both stop at the same place */
const RECORD_BATCH_OVERHEAD = 49;
/** FirstOffset and Length, before the part Length counts */
const LOG_OVERHEAD = 12;
const CODEC_MASK = 0x07;
const TIMESTAMP_TYPE_FLAG_MASK = 0x08;
const TRANSACTIONAL_FLAG_MASK = 0x10;
const CONTROL_FLAG_MASK = 0x20;
const LOG_APPEND_TIME = 1;
const CREATE_TIME = 0;

/** An int64 as a number when exact, a BigInt otherwise. */
function int64(buffer: Buffer, at: number): number | bigint {
  const value = buffer.readBigInt64BE(at);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** `base + delta` as decimal text, exact for any int64. */
function offsetText(base: number | bigint, delta: number): string {
  if (typeof base === 'number') {
    const sum = base + delta;
    if (Number.isSafeInteger(sum)) return String(sum);
    return String(BigInt(base) + BigInt(delta));
  }
  return String(base + BigInt(delta));
}

/** Reads the record batches of one partition's records, as kafkajs' decodeMessages does. */
export async function decodeMessages(decoder: KafkajsDecoder): Promise<unknown[]> {
  const messagesSize = decoder.readInt32();
  if (messagesSize <= 0 || !decoder.canReadBytes(messagesSize)) return [];
  const buffer = decoder.readBytes(messagesSize);
  const magicByte = buffer.subarray(MAGIC_OFFSET).readInt8(0);
  if (magicByte !== RECORD_BATCH_MAGIC) {
    const Decoder = load('protocol/decoder');
    return load('protocol/messageSet/decoder')(new Decoder(buffer), messagesSize);
  }
  const messages: unknown[] = [];
  let at = 0;
  while (buffer.length - at >= RECORD_BATCH_OVERHEAD) {
    const length = buffer.readInt32BE(at + 8);
    const end = at + LOG_OVERHEAD + length;
    // the response's last batch may be cut short (maxBytes): kafkajs stops there too
    if (end > buffer.length) break;
    const attributes = buffer.readInt16BE(at + 21);
    if ((attributes & CODEC_MASK) !== 0) await decodeCompressed(buffer, at, messages);
    else decodeBatch(buffer, at, end, messages);
    at = end;
  }
  return messages;
}

/** A compressed batch, by kafkajs' own record batch decoder. */
async function decodeCompressed(buffer: Buffer, at: number, messages: unknown[]): Promise<void> {
  const Decoder = load('protocol/decoder');
  const batch = await load('protocol/recordBatch/v0/decoder')(new Decoder(buffer.subarray(at)));
  for (const record of batch.records) messages.push(record);
}

/** One uncompressed record batch from `at` to `end`, its records appended to `messages`. */
function decodeBatch(buffer: Buffer, at: number, end: number, messages: unknown[]): void {
  const firstOffset = int64(buffer, at);
  const attributes = buffer.readInt16BE(at + 21);
  const firstTimestamp = int64(buffer, at + 27);
  const maxTimestamp = buffer.readBigInt64BE(at + 35).toString();
  const timestampType =
    (attributes & TIMESTAMP_TYPE_FLAG_MASK) !== 0 ? LOG_APPEND_TIME : CREATE_TIME;
  const isControlBatch = (attributes & CONTROL_FLAG_MASK) !== 0;
  const batchContext = {
    firstOffset: String(firstOffset),
    firstTimestamp: String(firstTimestamp),
    partitionLeaderEpoch: buffer.readInt32BE(at + 12),
    inTransaction: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControlBatch,
    lastOffsetDelta: buffer.readInt32BE(at + 23),
    producerId: buffer.readBigInt64BE(at + 43).toString(),
    producerEpoch: buffer.readInt16BE(at + 51),
    firstSequence: buffer.readInt32BE(at + 53),
    maxTimestamp,
    timestampType,
    magicByte: buffer.readInt8(at + 16),
  };
  const count = buffer.readInt32BE(at + 57);
  const reader = new RecordReader(buffer, at + 61);
  for (let i = 0; i < count && reader.at < end; i++) {
    const recordLength = reader.varInt();
    const recordEnd = reader.at + recordLength;
    const recordAttributes = buffer.readInt8(reader.at);
    reader.at += 1;
    const timestampDelta = reader.varLong();
    const offsetDelta = reader.varInt();
    const key = reader.bytes();
    const value = reader.bytes();
    const headers: Record<string, HeaderValue | HeaderValue[]> = {};
    const headerCount = reader.varInt();
    for (let h = 0; h < headerCount; h++) {
      const name = `${reader.text()}`;
      const headerValue = reader.bytes();
      const earlier = Object.hasOwn(headers, name) ? headers[name] : undefined;
      if (earlier === undefined && name !== '__proto__') {
        headers[name] = headerValue;
        continue;
      }
      // defined, not assigned: a header named __proto__ is a header like any other
      Object.defineProperty(headers, name, {
        value:
          earlier === undefined
            ? headerValue
            : Array.isArray(earlier)
              ? [...earlier, headerValue]
              : [earlier, headerValue],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    reader.at = recordEnd;
    messages.push({
      magicByte: batchContext.magicByte,
      attributes: recordAttributes,
      timestamp:
        timestampType === LOG_APPEND_TIME
          ? maxTimestamp
          : offsetText(firstTimestamp, timestampDelta),
      offset: offsetText(firstOffset, offsetDelta),
      key,
      value,
      headers,
      isControlRecord: isControlBatch,
      batchContext,
    } satisfies DecodedMessage);
  }
}

/** Header names seen lately: every record repeats the same few (source.file, source.row). */
const knownNames: { bytes: Buffer; text: string }[] = [];
const KNOWN_NAMES = 16;

/** The header name in `buffer` from `start` to `end`, the same string each time it recurs. */
function headerName(buffer: Buffer, start: number, end: number): string {
  const length = end - start;
  for (const known of knownNames) {
    if (known.bytes.length !== length) continue;
    let same = true;
    for (let i = 0; i < length && same; i++) same = known.bytes[i] === buffer[start + i];
    if (same) return known.text;
  }
  const text = buffer.toString('utf8', start, end);
  if (length <= 64) {
    if (knownNames.length === KNOWN_NAMES) knownNames.shift();
    knownNames.push({ bytes: Buffer.from(buffer.subarray(start, end)), text });
  }
  return text;
}

/** Varints, varlongs and length-prefixed bytes of the records, read in place. */
class RecordReader {
  constructor(
    private readonly buffer: Buffer,
    public at: number,
  ) {}

  /** a zigzag varint of up to 32 bits */
  varInt(): number {
    const buffer = this.buffer;
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = buffer[this.at++]!;
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte >= 0x80 && shift < 35);
    return (result >>> 1) ^ -(result & 1);
  }

  /** a zigzag varlong, as a number (exact up to 2^53, as every timestamp delta is) */
  varLong(): number {
    const buffer = this.buffer;
    let result = 0n;
    let small = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = buffer[this.at++]!;
      if (shift < 28) small |= (byte & 0x7f) << shift;
      else result |= BigInt(byte & 0x7f) << BigInt(shift);
      shift += 7;
    } while (byte >= 0x80 && shift < 70);
    if (shift <= 28) return (small >>> 1) ^ -(small & 1);
    const raw = result | BigInt(small >>> 0);
    return Number((raw >> 1n) ^ -(raw & 1n));
  }

  /** varint-length bytes, null for length -1 */
  bytes(): Buffer | null {
    const length = this.varInt();
    if (length < 0) return null;
    const start = this.at;
    this.at += length;
    return this.buffer.subarray(start, this.at);
  }

  /** a varint-length UTF-8 string, null for length -1 */
  text(): string | null {
    const length = this.varInt();
    if (length < 0) return null;
    const start = this.at;
    this.at += length;
    return headerName(this.buffer, start, this.at);
  }
}
