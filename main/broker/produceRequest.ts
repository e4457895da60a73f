// Kafka Produce requests (versions 3 to 7 share one layout) for uncompressed record batches,
// written in one pass into one buffer. kafkajs builds the same bytes through a chain of small
// encoders — a fresh buffer per record, per header and per varint, and a byte-at-a-time CRC —
// which cost most of a delivery thread's time. main/broker/kafkajs.ts puts this in place of
// kafkajs' own request builder; compressed batches still go through kafkajs.
import { crc32c } from './crc32c';

type HeaderValue = Buffer | string | null | undefined;

/** A message as kafkajs hands it to the request builder. */
export interface ProducedMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue | HeaderValue[]>;
  timestamp?: string | number;
}

export interface ProduceRequestArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  /** as kafkajs holds it: decimal text from the broker, -1, or its Long (a BigInt inside) */
  producerId?: string | number | { value: bigint };
  producerEpoch?: number;
  compression?: number;
  topicData: {
    topic: string;
    partitions: { partition: number; firstSequence?: number; messages: ProducedMessage[] }[];
  }[];
}

/** Bytes of a record batch before its records (FirstOffset to the record count). */
const BATCH_OVERHEAD = 61;
/** Bytes from FirstOffset to CRC, and where Attributes starts: the CRC covers the rest. */
const CRC_AT = 17;
const MAGIC = 2;
const TRANSACTIONAL_ATTRIBUTE = 0x10;

const PRODUCE_API_KEY = 0;

/** The header kafkajs puts before every request body. */
export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/**
 * The request object kafkajs' connection expects, whose whole frame main/broker/kafkajs.ts
 * has written by `encodeFramed` (kafkajs' versions 4 to 7 copy it with their apiVersion).
 */
export function produceRequest(args: ProduceRequestArgs) {
  return {
    apiKey: PRODUCE_API_KEY,
    apiVersion: 3,
    apiName: 'Produce',
    expectResponse: () => args.acks !== 0,
    encodeFramed: (header: RequestHeader) => encodeProduceRequest(args, Date.now(), header),
  };
}

/**
 * A Produce request's frame: its size, `header`, then the body — transactional id, acks,
 * timeout and one record batch per partition.
 */
export function encodeProduceRequest(
  args: ProduceRequestArgs,
  now: number,
  header: RequestHeader,
): Buffer {
  const transactionalId = args.transactionalId ?? null;
  let size = 2 + byteLength(transactionalId) + 2 + 4 + 4;
  const measured = args.topicData.map(({ topic, partitions }) => {
    size += 2 + Buffer.byteLength(topic) + 4;
    return partitions.map(({ messages }) => {
      const batch = measureBatch(messages, now);
      size += 8 + batch.size;
      return batch;
    });
  });
  const headerSize = 4 + 2 + 2 + 4 + 2 + byteLength(header.clientId);
  const out = new Writer(Buffer.allocUnsafe(headerSize + size));
  out.int32(headerSize + size - 4);
  out.int16(header.apiKey);
  out.int16(header.apiVersion);
  out.int32(header.correlationId);
  out.string(header.clientId);
  out.string(transactionalId);
  out.int16(args.acks);
  out.int32(args.timeout);
  out.int32(args.topicData.length);
  const batch = {
    producerId: producerIdOf(args.producerId),
    producerEpoch: args.producerEpoch ?? 0,
    attributes: transactionalId === null ? 0 : TRANSACTIONAL_ATTRIBUTE,
  };
  args.topicData.forEach(({ topic, partitions }, t) => {
    out.string(topic);
    out.int32(partitions.length);
    partitions.forEach(({ partition, firstSequence = 0, messages }, p) => {
      out.int32(partition);
      out.int32(measured[t][p].size);
      writeBatch(out, { ...batch, firstSequence, messages, now }, measured[t][p]);
    });
  });
  if (out.offset !== headerSize + size) {
    throw new Error(`produce request sized ${headerSize + size} bytes, wrote ${out.offset}`);
  }
  return out.buffer;
}

interface BatchArgs {
  producerId: bigint;
  producerEpoch: number;
  attributes: number;
  firstSequence: number;
  messages: ProducedMessage[];
  now: number;
}

/** A partition's record batch, measured before it is written. */
interface MeasuredBatch {
  /** the earliest and latest record timestamps */
  first: number;
  max: number;
  /** each record's size from its attributes to its headers */
  bodySizes: Int32Array;
  /** the whole batch, FirstOffset to the last record */
  size: number;
}

function measureBatch(messages: ProducedMessage[], now: number): MeasuredBatch {
  const { first, max } = timestampRange(messages, now);
  const bodySizes = new Int32Array(messages.length);
  let size = BATCH_OVERHEAD;
  for (let i = 0; i < messages.length; i++) {
    const body = recordBodySize(messages[i], i, timestampOf(messages[i], now) - first);
    bodySizes[i] = body;
    size += varintSize(body) + body;
  }
  return { first, max, bodySizes, size };
}

function writeBatch(out: Writer, batch: BatchArgs, measured: MeasuredBatch): void {
  const { messages, now } = batch;
  const { first, max, bodySizes } = measured;
  const start = out.offset;
  out.int64(0n); // FirstOffset: the broker assigns offsets
  out.int32(0); // Length, filled in below
  out.int32(0); // PartitionLeaderEpoch
  out.int8(MAGIC);
  out.int32(0); // CRC, filled in below
  out.int16(batch.attributes);
  out.int32(messages.length - 1); // LastOffsetDelta
  out.int64(BigInt(first));
  out.int64(BigInt(max));
  out.int64(batch.producerId);
  out.int16(batch.producerEpoch);
  out.int32(batch.firstSequence);
  out.int32(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const timestampDelta = timestampOf(message, now) - first;
    out.varint(bodySizes[i]);
    out.int8(0); // record attributes
    out.varlong(timestampDelta);
    out.varint(i);
    out.varBytes(message.key);
    out.varBytes(message.value);
    writeHeaders(out, message.headers);
  }
  out.buffer.writeInt32BE(out.offset - start - 12, start + 8);
  out.buffer.writeUInt32BE(crc32c(out.buffer, start + CRC_AT + 4, out.offset), start + CRC_AT);
}

function writeHeaders(out: Writer, headers: ProducedMessage['headers']): void {
  if (!headers) {
    out.varint(0);
    return;
  }
  let count = 0;
  for (const key in headers) {
    const value = headers[key];
    count += Array.isArray(value) ? value.length : 1;
  }
  out.varint(count);
  for (const key in headers) {
    const value = headers[key];
    if (!Array.isArray(value)) {
      out.varBytes(key);
      out.varBytes(value);
      continue;
    }
    for (const single of value) {
      out.varBytes(key);
      out.varBytes(single);
    }
  }
}

function recordBodySize(message: ProducedMessage, offsetDelta: number, timestampDelta: number) {
  return (
    1 +
    varlongSize(timestampDelta) +
    varintSize(offsetDelta) +
    varBytesSize(message.key) +
    varBytesSize(message.value) +
    headersSize(message.headers)
  );
}

function headersSize(headers: ProducedMessage['headers']): number {
  if (!headers) return 1;
  let count = 0;
  let size = 0;
  for (const key in headers) {
    const value = headers[key];
    if (!Array.isArray(value)) {
      count++;
      size += varBytesSize(key) + varBytesSize(value);
      continue;
    }
    for (const single of value) {
      count++;
      size += varBytesSize(key) + varBytesSize(single);
    }
  }
  return varintSize(count) + size;
}

/** A record without a timestamp gets the time the request is built, as in kafkajs. */
function timestampOf(message: ProducedMessage, now: number): number {
  const { timestamp } = message;
  return timestamp === undefined || timestamp === null || timestamp === ''
    ? now
    : Number(timestamp);
}

function timestampRange(messages: ProducedMessage[], now: number) {
  let first = Infinity;
  let max = -Infinity;
  for (const message of messages) {
    const timestamp = timestampOf(message, now);
    if (timestamp < first) first = timestamp;
    if (timestamp > max) max = timestamp;
  }
  return messages.length === 0 ? { first: now, max: now } : { first, max };
}

function producerIdOf(id: ProduceRequestArgs['producerId']): bigint {
  if (id === undefined) return -1n;
  return typeof id === 'object' ? id.value : BigInt(id);
}

/** Keys, values and header values other than buffers and strings are sent as their text. */
function asBytes(value: unknown): Buffer | string | null {
  if (value === null || value === undefined) return null;
  return Buffer.isBuffer(value) || typeof value === 'string' ? value : String(value);
}

function byteLength(value: Buffer | string | null): number {
  if (value === null) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

function varBytesSize(raw: unknown): number {
  const value = asBytes(raw);
  if (value === null) return 1;
  const length = byteLength(value);
  return varintSize(length) + length;
}

function varintSize(value: number): number {
  return unsignedVarintSize(((value << 1) ^ (value >> 31)) >>> 0);
}

function varlongSize(value: number): number {
  return unsignedVarintSize(zigzag64(value));
}

function unsignedVarintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}

/** ZigZag for a safe integer, as a non-negative number (exact below 2^52 in magnitude). */
function zigzag64(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/** Big-endian fields and varints into a buffer sized in advance. */
class Writer {
  offset = 0;
  constructor(readonly buffer: Buffer) {}

  int8(value: number): void {
    this.buffer[this.offset++] = value;
  }

  int16(value: number): void {
    this.offset = this.buffer.writeInt16BE(value, this.offset);
  }

  int32(value: number): void {
    this.offset = this.buffer.writeInt32BE(value, this.offset);
  }

  int64(value: bigint): void {
    this.offset = this.buffer.writeBigInt64BE(value, this.offset);
  }

  /** A nullable string with a 16-bit length, as in request headers. */
  string(value: string | null): void {
    if (value === null) {
      this.int16(-1);
      return;
    }
    this.int16(Buffer.byteLength(value));
    this.offset += this.buffer.write(value, this.offset);
  }

  varint(value: number): void {
    this.unsignedVarint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  varlong(value: number): void {
    this.unsignedVarint(zigzag64(value));
  }

  /** Bytes with a varint length; null as length -1. */
  varBytes(raw: unknown): void {
    const value = asBytes(raw);
    if (value === null) {
      this.varint(-1);
    } else if (typeof value === 'string') {
      this.varint(Buffer.byteLength(value));
      this.offset += this.buffer.write(value, this.offset);
    } else {
      this.varint(value.length);
      // TypedArray#set: Buffer#copy's argument handling costs more than a short copy itself
      this.buffer.set(value, this.offset);
      this.offset += value.length;
    }
  }

  private unsignedVarint(value: number): void {
    const { buffer } = this;
    while (value >= 0x80) {
      buffer[this.offset++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 0x80);
    }
    buffer[this.offset++] = value;
  }
}
