// The one-pass Produce request writer against kafkajs' own builder and framing: the same bytes
// for the same messages, and kafkajs' producer really uses it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import '../../main/broker/kafkajs';
import { crc32c } from '../../main/broker/crc32c';
import { encodeProduceRequest, type ProduceRequestArgs } from '../../main/broker/produceRequest';

const NOW = 1_764_000_000_000;
const REQUEST_FILE = 'kafkajs/src/protocol/requests/produce/v3/request';

/** Request arguments as JSON-able source: evaluated here and in kafkajs' process alike. */
const ARGS_SOURCE = (timestamps: boolean) => `(() => {
  const messages = (count, seed) => Array.from({ length: count }, (_, i) => ({
    key: i % 5 === 0 ? null : i % 5 === 1 ? 'key-' + i : Buffer.from('k' + (i * seed)),
    value: i % 7 === 0 ? 'v'.repeat(i * 97) : Buffer.from('{"row":' + i + '}'.repeat((i * seed) % 300)),
    headers: i % 4 === 0 ? undefined : {
      'source.file': 'folder/part-' + seed + '.parquet',
      'source.row': String(i * 1000003),
      ...(i % 3 === 0 ? { many: ['a', Buffer.from('bé'), 'ç'] } : {}),
    },
    ${timestamps ? 'timestamp: String(1764000000000 + ((i * 7919) % 5000) - 2500),' : ''}
  }));
  return {
    acks: -1,
    timeout: 30000,
    transactionalId: ${timestamps ? "'tx-worker-1'" : 'null'},
    producerId: ${timestamps ? "'9007199254740993'" : 'new (require("kafkajs/src/utils/long"))(4242n)'},
    producerEpoch: 3,
    topicData: [
      { topic: 'rows', partitions: [
        { partition: 0, firstSequence: 17, messages: messages(40, 3) },
        { partition: 3, firstSequence: 0, messages: messages(1, 5) },
      ] },
      { topic: 'ünïcode', partitions: [{ partition: 1, firstSequence: 2147483000, messages: messages(300, 11) }] },
    ],
  };
})()`;

function kafkajsBytes(timestamps: boolean): string {
  const script = `
    Date.now = () => ${NOW};
    const args = ${ARGS_SOURCE(timestamps)};
    const request = Object.assign(require('${REQUEST_FILE}')(args), { apiVersion: 7 });
    require('kafkajs/src/protocol/request')({ correlationId: 912, clientId: 'parquet-streamer', request })
      .then((encoder) => process.stdout.write(encoder.buffer.toString('hex')));`;
  // run from the repository, where `kafkajs` resolves, without main/broker/kafkajs.ts loaded
  const cwd = path.resolve(__dirname, '..', '..', '..');
  return execFileSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    cwd,
    maxBuffer: 64 << 20,
  });
}

function ourBytes(timestamps: boolean): string {
  const args = eval(ARGS_SOURCE(timestamps)) as ProduceRequestArgs;
  const header = { apiKey: 0, apiVersion: 7, correlationId: 912, clientId: 'parquet-streamer' };
  return encodeProduceRequest(args, NOW, header).toString('hex');
}

test('writes the bytes kafkajs writes: keys, values, headers, sequences, producer ids', () => {
  const expected = kafkajsBytes(false);
  assert.ok(expected.length > 100_000, 'the request spans multi-byte varints');
  assert.equal(ourBytes(false), expected);
});

test('writes the bytes kafkajs writes for timestamped messages in a transaction', () => {
  assert.equal(ourBytes(true), kafkajsBytes(true));
});

test('kafkajs builds and frames its Produce requests with the one-pass writer', () => {
  const loadModule = createRequire(__filename);
  const request = loadModule(REQUEST_FILE) as { onePass?: boolean };
  assert.equal(request.onePass, true);
  const frame = loadModule('kafkajs/src/protocol/request') as { selfFraming?: boolean };
  assert.equal(frame.selfFraming, true);
});

test('CRC-32C matches the standard check value and kafkajs on every length', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  const loadModule = createRequire(__filename);
  const kafkajsCrc = loadModule('kafkajs/src/protocol/recordBatch/crc32C') as (b: Buffer) => number;
  const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff));
  for (let length = 0; length <= bytes.length; length++) {
    assert.equal(
      crc32c(bytes, 0, length),
      kafkajsCrc(bytes.subarray(0, length)),
      `length ${length}`,
    );
  }
  assert.equal(crc32c(bytes, 5, 77), kafkajsCrc(bytes.subarray(5, 77)));
});
