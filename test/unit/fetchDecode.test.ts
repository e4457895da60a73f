// The one-pass Fetch decoder and the integer murmur2 against kafkajs' own code, run in a child
// process where main/broker/kafkajs.ts has replaced nothing: the same messages from the same
// bytes, the same partition for the same key.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import { kafkajsMurmur2 } from '../../main/broker/kafkajs';
import { decodeMessages } from '../../main/broker/fetchDecode';

const loadModule = createRequire(__filename);
const DECODE_FILE = 'kafkajs/src/protocol/requests/fetch/v4/decodeMessages';

/** Runs `script` in a fresh node from the repository, where `kafkajs` resolves unpatched. */
function inKafkajs(script: string): string {
  const cwd = path.resolve(__dirname, '..', '..', '..');
  return execFileSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    cwd,
    maxBuffer: 64 << 20,
  });
}

/**
 * Record batches written by kafkajs' own encoder, as one partition's records of a Fetch
 * response: offsets past 2^53, negative and wide timestamp deltas, null keys, values and header
 * values, repeated and non-ASCII header names, a transactional, a control, a log-append-time and
 * a gzip batch; `cut` bytes missing from the end (a response cut short by maxBytes). Prints the
 * bytes and kafkajs' decoding of them.
 */
const FIXTURE = (cut: number) => `
  const Long = require('kafkajs/src/utils/long');
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0');
  const Decoder = require('kafkajs/src/protocol/decoder');
  const decodeMessages = require('${DECODE_FILE}');
  const { Types } = require('kafkajs/src/protocol/message/compression');
  const records = (count, seed) => Array.from({ length: count }, (_, i) => Record({
    offsetDelta: i,
    timestampDelta: i % 3 === 0 ? -5000 * i : i % 3 === 1 ? Long.fromNumber(2 ** 40 + i) : i,
    key: i % 4 === 0 ? null : Buffer.from('k' + i * seed),
    value: i % 9 === 8 ? null : Buffer.from(JSON.stringify({ row: i, seed, text: 'é'.repeat(i % 50) })),
    headers: i % 5 === 0 ? {} : {
      'source.file': Buffer.from('data/ünï-' + seed + '.parquet'),
      'source.row': Buffer.from(String(i * 1000003)),
      ...(i % 3 === 0 ? { many: [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')] } : {}),
      ...(i % 7 === 0 ? { 'window.source-time': Buffer.from('1764000000000') } : {}),
    },
  }));
  const patch = (encoder, mask) => {
    const bytes = Buffer.from(encoder.buffer);
    bytes.writeInt16BE(bytes.readInt16BE(21) | mask, 21);
    return bytes;
  };
  (async () => {
    const batches = [
      (await RecordBatch({ firstOffset: Long.fromValue(0), firstTimestamp: 1764000000000, maxTimestamp: 1764000009999, lastOffsetDelta: 39, records: records(40, 3) })).buffer,
      (await RecordBatch({ firstOffset: Long.fromString('9007199254740990'), firstTimestamp: -1, maxTimestamp: -1, lastOffsetDelta: 5, transactional: true, producerId: Long.fromString('9007199254740993'), producerEpoch: 7, firstSequence: 12, records: records(6, 5) })).buffer,
      patch(await RecordBatch({ firstOffset: Long.fromValue(9007199254740996), firstTimestamp: 1764000000000, maxTimestamp: 1764000000001, transactional: true, records: [Record({ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) })] }), 0x20),
      patch(await RecordBatch({ firstOffset: Long.fromValue(300), firstTimestamp: 1700000000000, maxTimestamp: 1700000000777, lastOffsetDelta: 9, records: records(10, 7) }), 0x08),
      (await RecordBatch({ compression: Types.GZIP, firstOffset: Long.fromValue(310), firstTimestamp: 1764000000000, maxTimestamp: 1764000000000, lastOffsetDelta: 19, records: records(20, 11) })).buffer,
      (await RecordBatch({ firstOffset: Long.fromValue(330), firstTimestamp: 1764000000000, maxTimestamp: 1764000000000, lastOffsetDelta: 299, records: records(300, 13) })).buffer,
    ];
    const body = Buffer.concat(batches).subarray(0, Buffer.concat(batches).length - ${cut});
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    const bytes = Buffer.concat([size, body]);
    const messages = await decodeMessages(new Decoder(bytes));
    process.stdout.write(JSON.stringify({ bytes: bytes.toString('hex'), messages }));
  })();`;

async function decodedBothWays(cut: number): Promise<{ ours: unknown; kafkajs: unknown }> {
  const { bytes, messages } = JSON.parse(inKafkajs(FIXTURE(cut))) as {
    bytes: string;
    messages: unknown[];
  };
  const Decoder = loadModule('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => never;
  const ours = await decodeMessages(new Decoder(Buffer.from(bytes, 'hex')));
  return { ours: JSON.parse(JSON.stringify(ours)), kafkajs: messages };
}

test('decodes the messages kafkajs decodes from the same record batches', async () => {
  const { ours, kafkajs } = await decodedBothWays(0);
  assert.equal((kafkajs as unknown[]).length, 40 + 6 + 1 + 10 + 20 + 300);
  assert.deepEqual(ours, kafkajs);
});

test('stops where kafkajs stops when the last batch is cut short', async () => {
  const { ours, kafkajs } = await decodedBothWays(100);
  assert.equal((kafkajs as unknown[]).length, 40 + 6 + 1 + 10 + 20);
  assert.deepEqual(ours, kafkajs);
});

test("kafkajs' Fetch responses decode their records with the one-pass decoder", () => {
  assert.equal(loadModule(DECODE_FILE), decodeMessages);
});

test("the default partitioner's murmur2 gives kafkajs' hash for every kind of key", () => {
  const keys = `[
    ...Array.from({ length: 2000 }, (_, i) => String(i * 7919)),
    ...Array.from({ length: 200 }, (_, i) => 'ünïcode-' + 'é'.repeat(i % 13) + i),
    ...Array.from({ length: 200 }, (_, i) => Buffer.from(Array.from({ length: i % 37 }, (_, j) => (i * 31 + j * 17) & 255))),
    42, 3.5, -1, true, '',
  ]`;
  const expected = JSON.parse(
    inKafkajs(`const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2');
      process.stdout.write(JSON.stringify(${keys}.map(murmur2)));`),
  ) as number[];
  const actual = (eval(keys) as unknown[]).map(kafkajsMurmur2);
  assert.equal(actual.length, 2405);
  assert.deepEqual(actual, expected);
  const installed = loadModule('kafkajs/src/producer/partitioners/default/murmur2') as unknown;
  assert.equal(installed, kafkajsMurmur2);
});
